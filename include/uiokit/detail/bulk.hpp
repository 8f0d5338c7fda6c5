// The loops behind Region's byte-granular bulk operations (copy_in, copy_out, fill, compare). Here,
// not in region.cpp, so that the codegen test (tests/codegen) compiles them with a constant set of
// allowed widths and checks that each device access is a single access of an allowed width.
//
// A range is walked from its start: at each point the widest allowed width that is aligned there and
// fits in what remains; once that is the widest allowed width, as many accesses of it as fit. So an
// unaligned head and tail get narrower accesses and the middle the widest. Callers check first that
// the range can be covered at all (address and length multiples of the narrowest allowed width).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <uiokit/access_widths.hpp>
#include <uiokit/mmio.hpp>

namespace uiokit::detail::bulk {

// A host-side word at any alignment (the caller's byte buffer), allowed to alias its bytes. A packed
// struct, not an aligned(1) typedef of the integer: GCC drops the typedef's attribute when it is used
// through a template, and the access is then a misaligned one as UBSan reports it (undefined).
template <mmio::Word T>
struct [[gnu::packed, gnu::may_alias]] Unaligned {
    T value;
};

// The range can be covered by allowed widths: its address and length are multiples of the narrowest.
[[nodiscard]] inline bool coverable(const volatile std::byte* device, std::size_t length, AccessWidths allowed) noexcept {
    const std::size_t narrowest = allowed.narrowest();
    return narrowest != 0 && reinterpret_cast<std::uintptr_t>(device) % narrowest == 0 && length % narrowest == 0;
}

// Calls run(offset, width, count) for consecutive runs of `count` accesses of `width` bytes covering
// [device, device + length). Each width is passed as a compile-time constant, so `run` instantiates
// only for the widths `allowed` can yield: with a constant `allowed`, the others are dead code.
template <class Run>
[[gnu::always_inline]] inline void for_each_run(const volatile std::byte* device, std::size_t length,
                                                AccessWidths allowed, Run&& run) {
    const auto address = reinterpret_cast<std::uintptr_t>(device);
    const std::size_t widest = allowed.widest();
    std::size_t done = 0;
    while (done < length) {
        const std::size_t remaining = length - done;
        const auto fits = [&](std::size_t width) {
            return allowed.allows(width) && (address + done) % width == 0 && width <= remaining;
        };
        // Each width a compile-time constant in its own branch, so that a width `allowed` excludes
        // leaves no code behind when `allowed` is a constant.
        const auto step = [&](auto width) {
            const std::size_t count = width() == widest ? remaining / width() : 1;
            run(done, width, count);
            done += width() * count;
        };
        if (fits(8)) step(std::integral_constant<std::size_t, 8>{});
        else if (fits(4)) step(std::integral_constant<std::size_t, 4>{});
        else if (fits(2)) step(std::integral_constant<std::size_t, 2>{});
        else if (fits(1)) step(std::integral_constant<std::size_t, 1>{});
        else return;  // not coverable: the caller checked that first
    }
}

template <std::size_t Bytes>
using word_t = std::conditional_t<Bytes == 8, std::uint64_t,
               std::conditional_t<Bytes == 4, std::uint32_t, std::conditional_t<Bytes == 2, std::uint16_t, std::uint8_t>>>;

// Eight accesses per iteration, as mmio::load_block/store_block (bench/RESULTS.md, section 2): a
// one-access loop is held back by its own overhead.
inline constexpr std::size_t kUnroll = 8;

template <mmio::Word T>
[[gnu::always_inline]] inline void store_words(volatile std::byte* device, const std::byte* host, std::size_t n) noexcept {
    const auto* in = reinterpret_cast<const Unaligned<T>*>(host);
    for (; n >= kUnroll; n -= kUnroll, device += kUnroll * sizeof(T), in += kUnroll) {
        T values[kUnroll];
#pragma GCC unroll 8
        for (std::size_t i = 0; i < kUnroll; ++i) values[i] = in[i].value;
#pragma GCC unroll 8
        for (std::size_t i = 0; i < kUnroll; ++i) mmio::store<T>(device + i * sizeof(T), values[i]);
    }
    for (; n > 0; --n, device += sizeof(T)) mmio::store<T>(device, (in++)->value);
}

template <mmio::Word T>
[[gnu::always_inline]] inline void load_words(const volatile std::byte* device, std::byte* host, std::size_t n) noexcept {
    // Volatile on the host side too, as mmio::load_block: otherwise GCC gathers the stores into SIMD
    // shuffles, which are slower.
    volatile auto* out = reinterpret_cast<volatile Unaligned<T>*>(host);
    for (; n >= kUnroll; n -= kUnroll, device += kUnroll * sizeof(T), out += kUnroll) {
        T values[kUnroll];
#pragma GCC unroll 8
        for (std::size_t i = 0; i < kUnroll; ++i) values[i] = mmio::load<T>(device + i * sizeof(T));
#pragma GCC unroll 8
        for (std::size_t i = 0; i < kUnroll; ++i) out[i].value = values[i];
    }
    for (; n > 0; --n, device += sizeof(T)) (out++)->value = mmio::load<T>(device);
}

template <mmio::Word T>
[[gnu::always_inline]] inline void fill_words(volatile std::byte* device, T pattern, std::size_t n) noexcept {
    for (; n >= kUnroll; n -= kUnroll, device += kUnroll * sizeof(T)) {
#pragma GCC unroll 8
        for (std::size_t i = 0; i < kUnroll; ++i) mmio::store<T>(device + i * sizeof(T), pattern);
    }
    for (; n > 0; --n, device += sizeof(T)) mmio::store<T>(device, pattern);
}

struct Differences {
    std::size_t count = 0;  // differing bytes
    std::size_t first = 0;  // offset of the first, from the start of the range; valid when count > 0
};

// Loads n words and compares each with the host's bytes at the same position.
template <mmio::Word T>
[[gnu::always_inline]] inline void compare_words(const volatile std::byte* device, const std::byte* host,
                                                 std::size_t n, std::size_t range_offset, Differences& diff) noexcept {
    const auto* expected = reinterpret_cast<const Unaligned<T>*>(host);
    for (std::size_t k = 0; k < n; ++k) {
        const T x = static_cast<T>(mmio::load<T>(device + k * sizeof(T)) ^ expected[k].value);
        if (x == 0) [[likely]]
            continue;
        // Byte i of the word in memory order.
        for (std::size_t i = 0; i < sizeof(T); ++i) {
            const std::size_t shift = 8 * (std::endian::native == std::endian::little ? i : sizeof(T) - 1 - i);
            if (((x >> shift) & 0xFF) == 0) continue;
            if (diff.count++ == 0) diff.first = range_offset + k * sizeof(T) + i;
        }
    }
}

template <std::size_t W>
[[gnu::always_inline]] inline word_t<W> replicate(std::byte value) noexcept {
    return static_cast<word_t<W>>(static_cast<word_t<W>>(~word_t<W>{0}) / 0xFF * static_cast<word_t<W>>(value));
}

// The operations over a coverable range (see coverable()). Host buffers may be at any alignment.
[[gnu::always_inline]] inline void copy_in(volatile std::byte* device, const std::byte* host, std::size_t length,
                                           AccessWidths allowed) noexcept {
    for_each_run(device, length, allowed, [&](std::size_t at, auto width, std::size_t count) {
        store_words<word_t<width()>>(device + at, host + at, count);
    });
}
[[gnu::always_inline]] inline void copy_out(const volatile std::byte* device, std::byte* host, std::size_t length,
                                            AccessWidths allowed) noexcept {
    for_each_run(device, length, allowed, [&](std::size_t at, auto width, std::size_t count) {
        load_words<word_t<width()>>(device + at, host + at, count);
    });
}
[[gnu::always_inline]] inline void fill(volatile std::byte* device, std::byte value, std::size_t length,
                                        AccessWidths allowed) noexcept {
    for_each_run(device, length, allowed, [&](std::size_t at, auto width, std::size_t count) {
        fill_words<word_t<width()>>(device + at, replicate<width()>(value), count);
    });
}
[[gnu::always_inline]] inline Differences compare(const volatile std::byte* device, const std::byte* host,
                                                  std::size_t length, AccessWidths allowed) noexcept {
    Differences diff;
    for_each_run(device, length, allowed, [&](std::size_t at, auto width, std::size_t count) {
        compare_words<word_t<width()>>(device + at, host + at, count, at, diff);
    });
    return diff;
}

}  // namespace uiokit::detail::bulk
