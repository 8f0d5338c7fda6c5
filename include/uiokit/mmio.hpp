// Single accesses to device memory. Each load or store is exactly one access of the stated width:
// never split, merged, widened or turned into a write-back addressing mode by the compiler.
//
// Ordering: accesses to one UIO map happen in program order (UIO maps physical memory non-cached:
// Device-nGnRnE on arm64, UC on x86, which the CPU neither reorders nor merges). Each access is also
// a compiler barrier. Device accesses are NOT ordered against ordinary (cached) memory on weakly
// ordered CPUs: call mmio::barrier() between filling a DMA buffer and writing the register that
// starts the transfer, and between reading a completion register and reading the buffer.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>

namespace uiokit::mmio {

// The widths a register can have.
template <class T>
concept Word = std::same_as<T, std::uint8_t> || std::same_as<T, std::uint16_t> ||
               std::same_as<T, std::uint32_t> || std::same_as<T, std::uint64_t>;

// On aarch64 and 32-bit ARM these are inline-asm ldr/str of the exact size with a plain base
// register address, as the Linux kernel's __raw_readl/__raw_writel: a volatile C access may be
// compiled to a post-indexed or pair access that a hypervisor cannot emulate. On x86 an inline-asm
// mov of the exact size, as Linux's build_mmio_read. Being asm, none of them is merged, split or
// widened, nor instrumented by sanitizers (the device is another agent writing that memory, not a
// data race). Other architectures get a volatile access of the width.
//
// 64-bit on 32-bit ARM: one ldrd/strd, which is single-copy atomic only on cores with LPAE and an
// 8-byte aligned address; other cores and buses may split it into two 32-bit transactions.

template <Word T>
[[gnu::always_inline]] inline T load(const volatile void* address) noexcept {
#if defined(__aarch64__)
    T value;
    if constexpr (sizeof(T) == 1)
        asm volatile("ldrb %w0, [%1]" : "=r"(value) : "r"(address) : "memory");
    else if constexpr (sizeof(T) == 2)
        asm volatile("ldrh %w0, [%1]" : "=r"(value) : "r"(address) : "memory");
    else if constexpr (sizeof(T) == 4)
        asm volatile("ldr %w0, [%1]" : "=r"(value) : "r"(address) : "memory");
    else
        asm volatile("ldr %x0, [%1]" : "=r"(value) : "r"(address) : "memory");
    return value;
#elif defined(__arm__)
    T value;
    if constexpr (sizeof(T) == 1)
        asm volatile("ldrb %0, [%1]" : "=r"(value) : "r"(address) : "memory");
    else if constexpr (sizeof(T) == 2)
        asm volatile("ldrh %0, [%1]" : "=r"(value) : "r"(address) : "memory");
    else if constexpr (sizeof(T) == 4)
        asm volatile("ldr %0, [%1]" : "=r"(value) : "r"(address) : "memory");
    else
        asm volatile("ldrd %Q0, %R0, [%1]" : "=r"(value) : "r"(address) : "memory");
    return value;
#elif defined(__x86_64__)
    T value;
    const auto* p = static_cast<const volatile T*>(address);
    if constexpr (sizeof(T) == 1)
        asm volatile("movb %1, %0" : "=q"(value) : "m"(*p) : "memory");
    else if constexpr (sizeof(T) == 2)
        asm volatile("movw %1, %0" : "=r"(value) : "m"(*p) : "memory");
    else if constexpr (sizeof(T) == 4)
        asm volatile("movl %1, %0" : "=r"(value) : "m"(*p) : "memory");
    else
        asm volatile("movq %1, %0" : "=r"(value) : "m"(*p) : "memory");
    return value;
#else
    asm volatile("" ::: "memory");
    T value = *static_cast<const volatile T*>(address);
    asm volatile("" ::: "memory");
    return value;
#endif
}

template <Word T>
[[gnu::always_inline]] inline void store(volatile void* address, T value) noexcept {
#if defined(__aarch64__)
    if constexpr (sizeof(T) == 1)
        asm volatile("strb %w0, [%1]" : : "rZ"(value), "r"(address) : "memory");
    else if constexpr (sizeof(T) == 2)
        asm volatile("strh %w0, [%1]" : : "rZ"(value), "r"(address) : "memory");
    else if constexpr (sizeof(T) == 4)
        asm volatile("str %w0, [%1]" : : "rZ"(value), "r"(address) : "memory");
    else
        asm volatile("str %x0, [%1]" : : "rZ"(value), "r"(address) : "memory");
#elif defined(__arm__)
    if constexpr (sizeof(T) == 1)
        asm volatile("strb %0, [%1]" : : "r"(value), "r"(address) : "memory");
    else if constexpr (sizeof(T) == 2)
        asm volatile("strh %0, [%1]" : : "r"(value), "r"(address) : "memory");
    else if constexpr (sizeof(T) == 4)
        asm volatile("str %0, [%1]" : : "r"(value), "r"(address) : "memory");
    else
        asm volatile("strd %Q0, %R0, [%1]" : : "r"(value), "r"(address) : "memory");
#elif defined(__x86_64__)
    auto* p = static_cast<volatile T*>(address);
    if constexpr (sizeof(T) == 1)
        asm volatile("movb %1, %0" : "=m"(*p) : "q"(value) : "memory");
    else if constexpr (sizeof(T) == 2)
        asm volatile("movw %1, %0" : "=m"(*p) : "r"(value) : "memory");
    else if constexpr (sizeof(T) == 4)
        asm volatile("movl %1, %0" : "=m"(*p) : "r"(value) : "memory");
    else
        asm volatile("movq %1, %0" : "=m"(*p) : "r"(value) : "memory");
#else
    asm volatile("" ::: "memory");
    *static_cast<volatile T*>(address) = value;
    asm volatile("" ::: "memory");
#endif
}

// A full barrier: orders every earlier memory access (device and ordinary) before every later one.
[[gnu::always_inline]] inline void barrier() noexcept {
#if defined(__aarch64__) || defined(__arm__)
    asm volatile("dsb sy" ::: "memory");
#elif defined(__x86_64__) || defined(__i386__)
    asm volatile("mfence" ::: "memory");
#else
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

// Block copies between device memory and ordinary memory: n accesses of width T to the device, one
// per element, at increasing addresses, each made by load/store above.
//
// Eight elements per loop iteration, unrolled also at -O2: a one-element loop is held to about one
// element per cycle by its own overhead, below what the core's load and store ports take
// (bench/RESULTS.md, section 2). The device side stays in general-purpose registers, as Linux's
// readq/writeq: SSE moves (movq/movhps) make faster 64-bit copies on cached memory (the "SSE
// moves" rows of bench/RESULTS.md, section 2), but when a hypervisor traps the window it must
// emulate each access's instruction, and instruction emulators handle general-purpose moves, not
// every SSE move.
template <Word T>
inline void load_block(const volatile void* device, T* out, std::size_t n) noexcept {
    constexpr std::size_t kUnroll = 8;
    const auto* p = static_cast<const volatile std::byte*>(device);
    for (; n >= kUnroll; n -= kUnroll, p += kUnroll * sizeof(T), out += kUnroll) {
        T values[kUnroll];
#pragma GCC unroll 8
        for (std::size_t i = 0; i < kUnroll; ++i) values[i] = load<T>(p + i * sizeof(T));
        // Volatile, so that the compiler does not gather the stores into SIMD shuffles (slower).
        volatile T* const to = out;
#pragma GCC unroll 8
        for (std::size_t i = 0; i < kUnroll; ++i) to[i] = values[i];
    }
    for (; n > 0; --n, p += sizeof(T)) *out++ = load<T>(p);
}

template <Word T>
inline void store_block(volatile void* device, const T* in, std::size_t n) noexcept {
    constexpr std::size_t kUnroll = 8;
    auto* p = static_cast<volatile std::byte*>(device);
    for (; n >= kUnroll; n -= kUnroll, p += kUnroll * sizeof(T), in += kUnroll) {
        T values[kUnroll];
#pragma GCC unroll 8
        for (std::size_t i = 0; i < kUnroll; ++i) values[i] = in[i];
#pragma GCC unroll 8
        for (std::size_t i = 0; i < kUnroll; ++i) store<T>(p + i * sizeof(T), values[i]);
    }
    for (; n > 0; --n, p += sizeof(T)) store<T>(p, *in++);
}

}  // namespace uiokit::mmio
