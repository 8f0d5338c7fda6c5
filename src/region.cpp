#include <uiokit/region.hpp>

#include <uiokit/error.hpp>

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

}  // namespace uiokit
