#include <uiokit/region.hpp>

#include <uiokit/error.hpp>
#include <uiokit/register_block.hpp>

#include "sysfs.hpp"

namespace uiokit {

void Region::throw_bad_access(std::size_t offset, std::size_t width, std::size_t count, bool for_write) const {
    const std::string what = std::string(for_write ? "write" : "read") + std::to_string(width * 8) +
                             (count == 1 ? "" : " x" + std::to_string(count)) + " at offset " +
                             sysfs::hex(offset) + " of " + description_ + " (" + sysfs::hex(size_) +
                             " bytes): ";
    if (for_write && !writable_) throw RangeError(what + "mapped read-only");
    if (!aligned(offset, width)) {
        if (offset % width == 0)  // a subregion that starts off alignment
            throw RangeError(what + "the window starts off " + std::to_string(width) + "-byte alignment");
        throw RangeError(what + "offset not aligned to " + std::to_string(width) + " bytes");
    }
    throw RangeError(what + "outside the window");
}

Region Region::subregion(std::size_t offset, std::size_t size) const {
    if (offset > size_ || size > size_ - offset)
        throw RangeError("subregion " + sysfs::hex(offset) + "+" + sysfs::hex(size) + " of " + description_ +
                         " (" + sysfs::hex(size_) + " bytes): outside the window");
    return Region(base_ + offset, size, writable_,
                  description_ + " [" + sysfs::hex(offset) + "+" + sysfs::hex(size) + "]");
}

namespace detail {

void throw_block_too_small(const Region& region, std::size_t needed) {
    throw RangeError("register block needs " + sysfs::hex(needed) + " bytes but " + region.description() +
                     " is " + sysfs::hex(region.size()) + " bytes");
}

void throw_block_read_only(const Region& region) {
    throw RangeError("register block over " + region.description() +
                     ", which is mapped read-only: open the device read_write, or use ReadOnlyMmioBus");
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

}  // namespace detail
}  // namespace uiokit
