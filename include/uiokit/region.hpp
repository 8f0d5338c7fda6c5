// A mapped window of device memory: the registers of one UIO map, from its page offset to the end of
// the map. A Region does not own the mapping: the Device that mapped it must outlive it (and every
// copy and subregion of it). It is not a container view like std::span: it has no element type or
// iterators, every access is a checked volatile load or store of the width asked for, and a copy
// also copies its description string.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include <uiokit/access_widths.hpp>
#include <uiokit/export.hpp>
#include <uiokit/mmio.hpp>

namespace uiokit {

namespace detail {
// One load or store of `width` bytes at `address` (src/bus_error.cpp); false when it raised SIGBUS
// under a BusErrorGuard. `value` is the value stored, or receives the value loaded.
UIOKIT_EXPORT bool guarded_access(volatile std::byte* address, std::size_t width, bool store, std::uint64_t* value) noexcept;
}  // namespace detail

class UIOKIT_EXPORT Region {
public:
    Region() = default;
    // `description` names the window in error messages, e.g. "map0 'pl031@9010000' of /dev/uio0".
    Region(volatile std::byte* base, std::size_t size, bool writable, std::string description)
        : base_(base), size_(size), writable_(writable), description_(std::move(description)) {}

    [[nodiscard]] volatile std::byte* base() const noexcept { return base_; }
    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    [[nodiscard]] bool writable() const noexcept { return writable_; }
    [[nodiscard]] const std::string& description() const noexcept { return description_; }
    // The access widths this window takes: every width unless restricted.
    [[nodiscard]] AccessWidths access_widths() const noexcept { return widths_; }

    // This window, taking only the widths it took and `allowed` also takes (e.g.
    // AccessWidths::only(4) for a block that faults on other widths). Its checked accesses refuse
    // other widths, its bulk operations use no other, and its subregions inherit the restriction.
    // Throws RangeError if no width is left.
    [[nodiscard]] Region restricted_to(AccessWidths allowed) const;

    // Checked: throw RangeError naming the window when the access does not fit, is not aligned to
    // its width, is of a width the window does not take (restricted_to), or (write) the window was
    // mapped read-only.
    template <mmio::Word T>
    [[nodiscard]] T read(std::size_t offset) const {
        check(offset, sizeof(T), 1, false);
        return mmio::load<T>(base_ + offset);
    }
    template <mmio::Word T>
    void write(std::size_t offset, T value) const {
        check(offset, sizeof(T), 1, true);
        mmio::store<T>(base_ + offset, value);
    }

    // As read/write, for mappings that can fault: while a BusErrorGuard is alive (<uiokit/bus_error.hpp>),
    // a bus error (SIGBUS) during the access -- a mapped file truncated by another process, a device
    // that refuses the access -- throws BusError naming this window and the offset. Still one volatile
    // access of exactly the width; without a guard, SIGBUS acts as it would for read/write.
    template <mmio::Word T>
    [[nodiscard]] T read_guarded(std::size_t offset) const {
        check(offset, sizeof(T), 1, false);
        std::uint64_t value = 0;
        if (!detail::guarded_access(base_ + offset, sizeof(T), false, &value)) throw_bus_error(offset, sizeof(T), false);
        return static_cast<T>(value);
    }
    template <mmio::Word T>
    void write_guarded(std::size_t offset, T value) const {
        check(offset, sizeof(T), 1, true);
        auto stored = static_cast<std::uint64_t>(value);
        if (!detail::guarded_access(base_ + offset, sizeof(T), true, &stored)) throw_bus_error(offset, sizeof(T), true);
    }

    // Unchecked, for hot paths whose offsets are known good.
    template <mmio::Word T>
    [[nodiscard]] T read_unchecked(std::size_t offset) const noexcept {
        return mmio::load<T>(base_ + offset);
    }
    template <mmio::Word T>
    void write_unchecked(std::size_t offset, T value) const noexcept {
        mmio::store<T>(base_ + offset, value);
    }

    // Block transfers: one access of width T per element, at increasing offsets (mmio::load_block,
    // mmio::store_block). Never memcpy.
    template <mmio::Word T>
    void read_block(std::size_t offset, std::span<T> out) const {
        check(offset, sizeof(T), out.size(), false);
        mmio::load_block<T>(base_ + offset, out.data(), out.size());
    }
    template <mmio::Word T>
    void write_block(std::size_t offset, std::span<const T> in) const {
        check(offset, sizeof(T), in.size(), true);
        mmio::store_block<T>(base_ + offset, in.data(), in.size());
    }

    // Byte-granular bulk operations on [offset, offset + length) of the window, for memory windows
    // (an SRAM, a frame buffer). An unaligned head and tail get narrower aligned accesses, the rest
    // the widest the window takes; every device access is one aligned volatile access of an allowed
    // width (mmio::load/store), never memcpy, never a read-modify-write. All of the checks come
    // before the first access: a RangeError naming the window, offset and length when the range
    // does not fit, (writes) the window is read-only, or the range cannot be covered by the allowed
    // widths (with only 32-bit allowed, a start or length that is not a multiple of 4); then nothing
    // was written. A zero length does nothing (the offset must still be within the window).
    //
    // The host bytes -> the window.
    void copy_in(std::size_t offset, std::span<const std::byte> data) const;
    // The window -> the host bytes (out.size() of them).
    void copy_out(std::size_t offset, std::span<std::byte> out) const;
    // `length` bytes of the window set to `value`.
    void fill(std::size_t offset, std::size_t length, std::byte value) const;
    // The window's bytes against `expected`, byte for byte.
    struct Comparison {
        std::size_t differing_bytes = 0;
        std::size_t first_difference = 0;  // window offset of the first differing byte, when any
        [[nodiscard]] bool equal() const noexcept { return differing_bytes == 0; }
    };
    [[nodiscard]] Comparison compare(std::size_t offset, std::span<const std::byte> expected) const;
    // `length` bytes of `source` from `source_offset` -> this window at `offset`; each side with its
    // own allowed widths and alignment (through an ordinary-memory buffer, so that the two windows
    // need not be aligned alike). The same memory may be on both sides (two Regions of one map, or
    // overlapping ranges of one): the result is as memmove's, the destination gets the source's
    // bytes as they were before the copy.
    void copy_from(std::size_t offset, const Region& source, std::size_t source_offset, std::size_t length) const;

    // A window inside this one, with this one's allowed widths; throws RangeError if it does not fit.
    [[nodiscard]] Region subregion(std::size_t offset, std::size_t size) const;

private:
    void check(std::size_t offset, std::size_t width, std::size_t count, bool for_write) const {
        if (!aligned(offset, width) || !widths_.allows(width) || offset > size_ || count > (size_ - offset) / width ||
            (for_write && !writable_)) [[unlikely]]
            throw_bad_access(offset, width, count, for_write);
    }
    // Every check of a bulk operation on [offset, offset + length); `operation` names it in errors.
    void check_bulk(const char* operation, std::size_t offset, std::size_t length, bool for_write) const;
    // The address, not just the offset: a subregion may start anywhere.
    [[nodiscard]] bool aligned(std::size_t offset, std::size_t width) const noexcept {
        return (reinterpret_cast<std::uintptr_t>(base_) + offset) % width == 0;
    }
    [[noreturn]] void throw_bad_access(std::size_t offset, std::size_t width, std::size_t count,
                                       bool for_write) const;
    [[noreturn]] void throw_bus_error(std::size_t offset, std::size_t width, bool for_write) const;

    volatile std::byte* base_ = nullptr;
    std::size_t size_ = 0;
    bool writable_ = false;
    AccessWidths widths_ = AccessWidths::all();
    std::string description_;
};

}  // namespace uiokit
