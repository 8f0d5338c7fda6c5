// regtool internals shared by the commands: errors, the opened target, register maps and the
// addresses given on the command line.
#pragma once

#include <chrono>
#include <cstdint>
#include <ctime>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include <uiokit/bits.hpp>
#include <uiokit/bus_error.hpp>
#include <uiokit/device.hpp>
#include <uiokit/discovery.hpp>
#include <uiokit/file_mapping.hpp>
#include <uiokit/region.hpp>
#include <uiokit/regmap/register_map.hpp>
#include <uiokit/regmap/search.hpp>

#include <regtool/regtool.hpp>

#include "json.hpp"

namespace regtool {

using uiokit::regmap::FieldDef;
using uiokit::regmap::RegisterDef;
using uiokit::regmap::RegisterMap;

// Something wrong on the command line: exit status 2, nothing touched on the device.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Standard output could not be written (a full disk, /dev/full, a closed pipe): exit status 1.
class OutputError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Flushes `out` and throws OutputError when it failed (a command's output must not be lost
// silently: `regtool read ... > /dev/full` exits 1).
void check_output(std::ostream& out);

// A timed wait that ran out: exit status 3 (the command has printed its report).
struct TimedOut {};
struct Cancelled {};

// Options every command that opens a target takes.
struct TargetOptions {
    std::string file;                    // --file PATH
    std::optional<std::uint64_t> devmem; // --devmem PHYS
    std::optional<std::uint64_t> size;   // --size: window length for --devmem (and to limit --file)
    std::string map_file;                // --map FILE
    bool no_map = false;                 // --no-map: never search for a map
    bool whole_page = false;             // --whole-page: a UIO map to its page end, past its DT reg
};

struct Output {
    std::ostream& out;
    std::ostream& err;
    bool json = false;
};

enum class Access { read_only, read_write };

// What regtool operates on: one window of registers.
class Target {
public:
    enum class Kind { uio, file, devmem };

    Kind kind = Kind::uio;
    uiokit::Region region;
    std::optional<uiokit::Device> device;       // Kind::uio
    std::optional<uiokit::DeviceInfo> info;      // Kind::uio
    unsigned map_index = 0;                      // Kind::uio
    std::string path;                            // dev node, file or /dev/mem
    std::optional<std::uint64_t> phys;           // where the window starts, when known

    // The register map: loaded on demand (see load_map), never for a plain offset access.
    const RegisterMap* map() const { return map_ ? &map_->map : nullptr; }
    const std::string& map_origin() const { return map_->origin; }

    enum class MapNeed { optional, required };
    // Loads --map FILE, or searches by the device's map and device names (unless --no-map or a
    // --file/--devmem target). `required`: no map is a usage error naming what was searched.
    // `why` is the argument that needs it, for the message.
    const RegisterMap* load_map(MapNeed need, const std::string& why);

    std::string describe() const;  // "uio0 'pl031' map0", "file img.bin", "/dev/mem at 0x9010000"
    // For errors about the window's end: how a UIO map's DT reg bounds it and how to reach the page
    // beyond (--whole-page); empty when nothing lies beyond.
    std::string bound_note() const;
    void write_json(JsonWriter& json) const;

    // Kind::file, Kind::devmem: owns the mapping behind `region` (shared: a Target is copied around).
    std::shared_ptr<uiokit::FileMapping> file_mapping;
    TargetOptions options;
    const Context* context = nullptr;
    // SIGBUS during read_value/write_value becomes a BusError while the target is open.
    std::shared_ptr<uiokit::BusErrorGuard> bus_errors;

private:
    std::optional<uiokit::regmap::FoundMap> map_;
    bool map_searched_ = false;
};

// Opens what the command line names: the DEV positional (`name`, `uioN`, `/dev/uioN`, `0xPHYS`,
// each optionally `:MAP` with a map index or name), or --file / --devmem when given (then
// `device_spec` is empty).
Target open_target(const std::string& device_spec, const TargetOptions& options, Access access, const Context& context);

// An address from the command line, resolved against the window (and the map for names).
struct Location {
    std::string text;                 // as given: "CR.START", "0x10:7:4"
    const RegisterDef* reg = nullptr; // the register, when named or found at the offset in the map
    const FieldDef* field = nullptr;  // REG.FIELD
    std::uint64_t offset = 0;
    unsigned width_bits = 32;
    bool has_bits = false;            // a field or an explicit bit range
    unsigned msb = 0, lsb = 0;

    // The field or bit range; without one, the whole access.
    [[nodiscard]] uiokit::bits::Bits bit_range() const noexcept {
        return has_bits ? uiokit::bits::Bits{.msb = msb, .lsb = lsb} : uiokit::bits::Bits{.msb = width_bits - 1, .lsb = 0};
    }
    [[nodiscard]] std::uint64_t bits_mask() const { return uiokit::bits::mask(bit_range()); }  // in register position
    [[nodiscard]] std::uint64_t extract(std::uint64_t raw) const { return has_bits ? uiokit::bits::extract(bit_range(), raw) : raw; }
    [[nodiscard]] bool readable() const;
    [[nodiscard]] bool writable() const;
    [[nodiscard]] std::string label() const;  // "CR.START (0x0c:0)", "0x10:7:4"
};

// What an address is resolved for. Where a read-only and a write-only register share an address
// (a UART's RBR/THR), an offset is the register that can do it.
enum class Intent { read, write };

// ADDR: OFFSET, OFFSET:HI[:LO], REG, REG:HI[:LO] or REG.FIELD. `width_option` is --width (0: none).
// With a map loaded, an offset is the register at exactly that offset and width (and follows its
// rules); an offset access that overlaps a register without being exactly it is refused.
// Throws UsageError naming the argument on every problem.
Location resolve_location(const std::string& text, Target& target, unsigned width_option, Intent intent);

// Whether an address text needs a register map (a name rather than a number).
bool names_a_register(const std::string& address_text);

// Loads the map before any address is resolved when --map is given or an address (the part before
// '=' of a write) is a name, so that every offset among the addresses is shown with its register
// name whatever the order. A plain offset access never searches for a map.
void load_map_for(Target& target, const std::vector<std::string>& addresses);

// One access of exactly the width. A bus error during it (a --file truncated by another process
// while mapped) is a uiokit::BusError naming the window and offset, as the target holds a
// BusErrorGuard.
std::uint64_t read_value(const uiokit::Region& region, std::uint64_t offset, unsigned width_bits);
void write_value(const uiokit::Region& region, std::uint64_t offset, unsigned width_bits, std::uint64_t value);

// Value formatting: hex zero-padded to the width (default), decimal or binary.
enum class Radix { hex, dec, bin };
std::string format_value(std::uint64_t value, unsigned width_bits, Radix radix);

// Numbers from the command line: UsageError "ARGUMENT: reason".
std::uint64_t parse_number(const std::string& text, const std::string& what);
unsigned parse_width(const std::string& text);  // 8, 16, 32 or 64
// "250ms", "2s", "1.5" (seconds), "1m": a decimal number (digits and at most one '.': no sign,
// exponent or hex float) and an optional unit.
std::chrono::nanoseconds parse_duration(const std::string& text, const std::string& what);

// Sleeps `duration` (watch's interval) or until `canceller` (may be null) is cancelled; true when
// cancelled. Never returns before the duration has passed unless cancelled.
bool sleep_cancellable(std::chrono::nanoseconds duration, const uiokit::WaitCanceller* canceller);
// The timeout of one ppoll() of sleep_cancellable while `left` remains: exact to the nanosecond (a
// rest rounded down to whole milliseconds would be 0 and spin), at most 1 s, never negative.
timespec poll_timeout(std::chrono::nanoseconds left);

// Writes: parsed and checked before anything is written.
// The bits a write sets and the register's W1C/W1S bits, merged by uiokit::bits::update as
// RegisterBlock does: W1C/W1S bits outside `mask` are written as 0.
struct WriteMerge {
    std::uint64_t mask = 0;      // bits this write sets, in register position
    std::uint64_t bits = 0;      // their values, in register position
    std::uint64_t w1c_mask = 0;
    std::uint64_t w1s_mask = 0;
    // The value stored over `base`: the register's value read, or its reset value when not read.
    [[nodiscard]] std::uint64_t written(std::uint64_t base) const noexcept;
};
// Writing `value` (the whole register's, or the field's or bit range's) to `loc`; no access.
[[nodiscard]] WriteMerge write_merge(const Location& loc, std::uint64_t value);

struct PlannedWrite {
    Location location;
    std::uint64_t value = 0;      // what was asked: the whole register, or the field's value
    WriteMerge merge;
    bool read_modify_write = false;
    std::uint64_t base_without_read = 0;     // the other bits when the register cannot be read
    bool can_read = true;                    // old value / read-back allowed (readable, no side effect)
};
PlannedWrite plan_write(const std::string& argument, Target& target, unsigned width_option, bool force);

enum class WriteMode { w, rw, rwr };
struct WriteResult {
    std::optional<std::uint64_t> old_raw, readback_raw;
    std::uint64_t written_raw = 0;
};
WriteResult perform_write(const PlannedWrite& plan, const uiokit::Region& region, WriteMode mode);

std::string field_value_text(const FieldDef& field, std::uint64_t value, Radix radix);

}  // namespace regtool
