// Typed registers' errors, out of line so that register.hpp and register_block.hpp stay small:
// a register block over a window that cannot hold it, a value too wide for its field.
#include <string>

#include <uiokit/error.hpp>
#include <uiokit/region.hpp>
#include <uiokit/register.hpp>
#include <uiokit/register_block.hpp>

#include "sysfs.hpp"

namespace uiokit::detail {

void throw_block_too_small(const Region& region, std::size_t needed) {
    throw RangeError("register block needs " + sysfs::hex(needed) + " bytes but " + region.description() +
                     " is " + sysfs::hex(region.size()) + " bytes");
}

void throw_block_read_only(const Region& region) {
    throw RangeError("register block over " + region.description() +
                     ", which is mapped read-only: open the device writable (OpenOptions::writable), or use ReadOnlyMmioBus");
}

void throw_block_misaligned(const Region& region, std::size_t alignment) {
    throw RangeError("register block over " + region.description() + ": its start is not aligned to " +
                     std::to_string(alignment) + " bytes, so its registers would be misaligned");
}

void throw_signed_field_overflow(std::size_t register_offset, unsigned lsb, unsigned width, long long value) {
    const long long limit = 1LL << (width - 1);
    throw RangeError("value " + std::to_string(value) + " does not fit in the " + std::to_string(width) +
                     "-bit signed field at bits " + std::to_string(lsb + width - 1) + ":" + std::to_string(lsb) +
                     " of the register at offset " + sysfs::hex(register_offset) + " (" + std::to_string(-limit) +
                     " to " + std::to_string(limit - 1) + ")");
}

void throw_field_overflow(std::size_t register_offset, unsigned lsb, unsigned width, unsigned long long value) {
    throw RangeError("value " + sysfs::hex(value) + " does not fit in the " + std::to_string(width) +
                     "-bit field at bits " + std::to_string(lsb + width - 1) + ":" + std::to_string(lsb) +
                     " of the register at offset " + sysfs::hex(register_offset));
}

}  // namespace uiokit::detail
