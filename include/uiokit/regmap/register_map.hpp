// Register maps: a device's registers and fields, read from the YAML format documented in
// docs/register-maps.md. One description feeds regtool (names at run time) and the header generator
// (uiokit typed registers at compile time).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <uiokit/bits.hpp>
#include <uiokit/register.hpp>

namespace uiokit::regmap {

// A map that cannot be used. what() is "FILE:LINE: reason" (LINE counted from 1), or "FILE: reason"
// when the problem has no line (the file cannot be read).
class MapError : public std::runtime_error {
public:
    MapError(const std::string& source, int line, const std::string& reason);
    [[nodiscard]] const std::string& source() const noexcept { return source_; }
    [[nodiscard]] int line() const noexcept { return line_; }  // 0: none
    [[nodiscard]] const std::string& reason() const noexcept { return reason_; }

private:
    std::string source_;
    int line_;
    std::string reason_;
};

struct EnumValue {
    std::string name;
    std::uint64_t value = 0;
    std::string description;
};

struct FieldDef {
    std::string name;
    unsigned msb = 0;
    unsigned lsb = 0;
    Access access = Access::rw;
    std::vector<EnumValue> values;  // named values, may be empty
    std::string description;
    int line = 0;                   // where it is defined, for messages

    [[nodiscard]] bits::Bits bit_range() const noexcept { return {.msb = msb, .lsb = lsb}; }
    [[nodiscard]] unsigned width() const noexcept { return bit_range().width(); }
    [[nodiscard]] std::uint64_t mask() const noexcept { return bits::mask(bit_range()); }  // in register position
    [[nodiscard]] std::uint64_t max_value() const noexcept { return bits::ones(width()); }  // all ones, at bit 0
    [[nodiscard]] std::uint64_t extract(std::uint64_t raw) const noexcept { return bits::extract(bit_range(), raw); }
    [[nodiscard]] std::uint64_t prepare(std::uint64_t value) const noexcept { return bits::prepare(bit_range(), value); }
    [[nodiscard]] bool fits(std::uint64_t value) const noexcept { return bits::fits(bit_range(), value); }
    [[nodiscard]] const EnumValue* value_named(std::string_view wanted) const noexcept;
    [[nodiscard]] const EnumValue* value_of(std::uint64_t wanted) const noexcept;
};

struct RegisterDef {
    std::string name;
    std::uint64_t offset = 0;
    unsigned width_bits = 32;  // 8, 16, 32 or 64
    std::uint64_t reset = 0;
    Access access = Access::rw;  // ro, wo or rw
    bool side_effect_on_read = false;  // reading changes the device (clear-on-read, FIFO pop)
    std::string description;
    std::vector<FieldDef> fields;  // ordered by lsb
    int line = 0;

    [[nodiscard]] unsigned width_bytes() const noexcept { return width_bits / 8; }
    [[nodiscard]] std::uint64_t max_value() const noexcept { return bits::ones(width_bits); }
    [[nodiscard]] std::uint64_t w1c_mask() const noexcept;  // its W1C fields' bits
    [[nodiscard]] std::uint64_t w1s_mask() const noexcept;  // its W1S fields' bits
    [[nodiscard]] const FieldDef* field(std::string_view wanted) const noexcept;
};

struct RegisterMap {
    std::string name;            // the block's name, a C++ identifier
    std::string description;
    std::uint64_t size = 0;      // bytes the block spans
    std::vector<RegisterDef> registers;  // ordered by offset
    std::string source;          // file it was read from (or the name given to parse())

    [[nodiscard]] const RegisterDef* find(std::string_view wanted) const noexcept;
    // The readable register at exactly this offset, else any register there; nullptr if none.
    [[nodiscard]] const RegisterDef* at_offset(std::uint64_t offset) const noexcept;
    // Registers whose bytes overlap [offset, offset + length).
    [[nodiscard]] std::vector<const RegisterDef*> overlapping(std::uint64_t offset, std::uint64_t length) const;
};

// Parses and checks a map. Throws MapError naming `source` and the line for every problem: YAML
// syntax, unknown keys, bad numbers, names that are not identifiers, duplicate names, misaligned or
// out-of-block offsets, overlapping registers or fields, bits beyond the width, values too wide.
[[nodiscard]] RegisterMap parse_map(std::string_view yaml_text, const std::string& source);
// The largest map file load_map reads: 16 MiB, about 160,000 registers written one field a line
// (a 100,000-register map is 10 MB). The biggest real maps (a whole SoC) are well under 1 MiB;
// the limit bounds the memory the YAML tree takes (55 to 90 bytes per byte of map, measured).
inline constexpr std::uint64_t max_map_file_size = std::uint64_t{16} * 1024 * 1024;

// Reads and parses a map file, which must be a regular file of at most max_map_file_size bytes:
// a FIFO, a device (/dev/zero, /dev/urandom) or a directory is refused without reading it, as
// is a larger file. Running out of memory is a MapError too.
[[nodiscard]] RegisterMap load_map(const std::filesystem::path& file);

[[nodiscard]] std::string_view access_name(Access access) noexcept;  // "ro", "wo", "rw", "w1c", "w1s"

}  // namespace uiokit::regmap
