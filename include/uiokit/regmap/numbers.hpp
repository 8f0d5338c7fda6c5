// Numbers as people write them on the command line and in register maps: decimal, 0x hex or 0b
// binary, with optional '_' between digits (0x1234_5678). Shared by regtool and the map parser so
// that both accept exactly the same spellings.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace uiokit::regmap {

// what() is the reason only (e.g. "'0x1g' is not a number: 'g' is not a hex digit"); callers add
// which argument or file line it was.
class NumberError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Throws NumberError for an empty text, a sign, a stray character, or a value above 2^64 - 1.
[[nodiscard]] std::uint64_t parse_unsigned(std::string_view text);

// "0x1c", always lower case, no padding.
[[nodiscard]] std::string hex(std::uint64_t value);
// "0x0000001c": zero-padded to the width in bits (8, 16, 32 or 64).
[[nodiscard]] std::string hex_padded(std::uint64_t value, unsigned width_bits);

}  // namespace uiokit::regmap
