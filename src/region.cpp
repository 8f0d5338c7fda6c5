#include <uiokit/region.hpp>

#include <algorithm>
#include <array>
#include <bit>

#include <uiokit/detail/bulk.hpp>
#include <uiokit/error.hpp>

#include "sysfs.hpp"

namespace uiokit {

void Region::throw_bad_access(std::size_t offset, std::size_t width, std::size_t count, bool for_write) const {
    const std::string what = std::string(for_write ? "write" : "read") + std::to_string(width * 8) +
                             (count == 1 ? "" : " x" + std::to_string(count)) + " at offset " +
                             sysfs::hex(offset) + " of " + description_ + " (" + sysfs::hex(size_) +
                             " bytes): ";
    if (for_write && !writable_) throw RangeError(what + "mapped read-only");
    if (!widths_.allows(width))
        throw RangeError(what + "the window takes only " + widths_.describe() + " accesses");
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
    Region inner(base_ + offset, size, writable_, description_ + " [" + sysfs::hex(offset) + "+" + sysfs::hex(size) + "]");
    inner.widths_ = widths_;
    return inner;
}

Region Region::restricted_to(AccessWidths allowed) const {
    const AccessWidths left = widths_ & allowed;
    if (left.empty())
        throw RangeError("restricting " + description_ + " (which takes " + widths_.describe() + " accesses) to " +
                         allowed.describe() + " accesses: no width left");
    Region restricted = *this;
    restricted.widths_ = left;
    return restricted;
}

void Region::check_bulk(const char* operation, std::size_t offset, std::size_t length, bool for_write) const {
    const auto what = [&] {
        return std::string(operation) + " of " + sysfs::hex(length) + " bytes at offset " + sysfs::hex(offset) + " of " +
               description_ + " (" + sysfs::hex(size_) + " bytes): ";
    };
    if (offset > size_ || length > size_ - offset) throw RangeError(what() + "outside the window");
    if (for_write && !writable_) throw RangeError(what() + "mapped read-only");
    if (!detail::bulk::coverable(base_ + offset, length, widths_)) {
        const std::size_t narrowest = widths_.narrowest();
        const bool start_ok = reinterpret_cast<std::uintptr_t>(base_ + offset) % narrowest == 0;
        // The width the head or tail would need: the alignment of the start or of the length.
        const std::size_t needed = std::size_t{1} << std::countr_zero(start_ok ? length : reinterpret_cast<std::uintptr_t>(base_ + offset));
        throw RangeError(what() + "the " + (start_ok ? "length" : "start") + " needs " + std::to_string(needed * 8) +
                         "-bit accesses, the window takes only " + widths_.describe() +
                         " accesses (no read-modify-write of device memory)");
    }
}

void Region::copy_in(std::size_t offset, std::span<const std::byte> data) const {
    check_bulk("copy_in", offset, data.size(), true);
    detail::bulk::copy_in(base_ + offset, data.data(), data.size(), widths_);
}

void Region::copy_out(std::size_t offset, std::span<std::byte> out) const {
    check_bulk("copy_out", offset, out.size(), false);
    detail::bulk::copy_out(base_ + offset, out.data(), out.size(), widths_);
}

void Region::fill(std::size_t offset, std::size_t length, std::byte value) const {
    check_bulk("fill", offset, length, true);
    detail::bulk::fill(base_ + offset, value, length, widths_);
}

Region::Comparison Region::compare(std::size_t offset, std::span<const std::byte> expected) const {
    check_bulk("compare", offset, expected.size(), false);
    const auto diff = detail::bulk::compare(base_ + offset, expected.data(), expected.size(), widths_);
    return {.differing_bytes = diff.count, .first_difference = diff.count == 0 ? 0 : offset + diff.first};
}

void Region::copy_from(std::size_t offset, const Region& source, std::size_t source_offset, std::size_t length) const {
    source.check_bulk("copy_from (source)", source_offset, length, false);
    check_bulk("copy_from (destination)", offset, length, true);
    // Through a host buffer, a chunk at a time: a chunk is read whole before any of it is written.
    // Chunk boundaries are multiples of 8 bytes from the start or the end, so each side's alignment
    // stays as checked. When the destination starts inside the source, chunks go from the end
    // backwards, so that no source byte is overwritten before it is read (memmove).
    constexpr std::size_t kChunk = 4096;
    alignas(8) std::array<std::byte, kChunk> buffer;
    const volatile std::byte* from = source.base_ + source_offset;
    volatile std::byte* to = base_ + offset;
    const auto from_address = reinterpret_cast<std::uintptr_t>(from);
    const auto to_address = reinterpret_cast<std::uintptr_t>(to);
    const bool backwards = to_address > from_address && to_address - from_address < length;
    std::size_t done = 0;
    while (done < length) {
        const std::size_t chunk = std::min(kChunk, length - done);
        const std::size_t at = backwards ? length - done - chunk : done;
        detail::bulk::copy_out(from + at, buffer.data(), chunk, source.widths_);
        detail::bulk::copy_in(to + at, buffer.data(), chunk, widths_);
        done += chunk;
    }
}

}  // namespace uiokit
