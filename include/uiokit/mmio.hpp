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

#if defined(__x86_64__)
#include <emmintrin.h>
// In code built for AVX, the VEX forms: mixing legacy SSE and AVX instructions costs a state
// transition on some Intel cores.
#if defined(__AVX__)
#define UIOKIT_SSE_OP(op) "v" op
#else
#define UIOKIT_SSE_OP(op) op
#endif
#endif

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
// per element, at increasing addresses, exactly as n calls of load/store would make. Only the
// ordinary-memory side may be accessed wider.
//
// Eight elements per loop iteration, unrolled also at -O2: a one-element loop is held to about one
// element per cycle by its own overhead, below what the core's load and store ports take. On x86-64 the 64-bit copies
// carry the data through SSE registers, the device side by movq / movhps (one 8-byte access each)
// and the ordinary side 16 bytes at a time, so the core spends its memory operations on the device
// accesses (bench/RESULTS.md, section 2).
template <Word T>
inline void load_block(const volatile void* device, T* out, std::size_t n) noexcept {
    constexpr std::size_t kUnroll = 8;
    const auto* p = static_cast<const volatile std::byte*>(device);
#if defined(__x86_64__)
    if constexpr (sizeof(T) == 8) {
        for (; n >= kUnroll; n -= kUnroll, p += kUnroll * 8, out += kUnroll) {
            __m128i v[kUnroll];
            #pragma GCC unroll 8
            for (std::size_t i = 0; i < kUnroll; ++i)
                asm volatile(UIOKIT_SSE_OP("movq") " %1, %0"
                             : "=x"(v[i])
                             : "m"(*reinterpret_cast<const volatile std::uint64_t*>(p + i * 8))
                             : "memory");
            #pragma GCC unroll 8
            for (std::size_t i = 0; i < kUnroll / 2; ++i)
                _mm_storeu_si128(reinterpret_cast<__m128i*>(out) + i, _mm_unpacklo_epi64(v[2 * i], v[2 * i + 1]));
        }
    }
#endif
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
#if defined(__x86_64__)
    if constexpr (sizeof(T) == 8) {
        // The source is read ahead, 512 bytes: measured best at 1 MiB (bench/RESULTS.md, section 2).
        constexpr std::size_t kPrefetchAhead = 512 / 8;
        for (; n >= kUnroll; n -= kUnroll, p += kUnroll * 8, in += kUnroll) {
            if (n >= kUnroll + kPrefetchAhead) __builtin_prefetch(in + kPrefetchAhead);
            #pragma GCC unroll 8
            for (std::size_t i = 0; i < kUnroll / 2; ++i) {
                const __m128i pair = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in) + i);
                asm volatile(UIOKIT_SSE_OP("movq") " %1, %0"
                             : "=m"(*reinterpret_cast<volatile std::uint64_t*>(p + i * 16))
                             : "x"(pair)
                             : "memory");
                asm volatile(UIOKIT_SSE_OP("movhps") " %1, %0"
                             : "=m"(*reinterpret_cast<volatile std::uint64_t*>(p + i * 16 + 8))
                             : "x"(pair)
                             : "memory");
            }
        }
    }
#endif
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

#undef UIOKIT_SSE_OP
