// Ordering barriers for handing memory to a DMA engine and taking it back, the equivalents of the
// Linux kernel's dma_wmb() and dma_rmb():
//   - dma_write_barrier(): between writing descriptors or data and the store that hands them to the
//     device (the doorbell, an ownership bit), so the device never sees the hand-over first;
//   - dma_read_barrier(): between reading the device's "done" (a status register, an ownership bit
//     it cleared) and reading the data it wrote, so the CPU does not read the data early.
// Each is also a compiler barrier. They are lighter than mmio::barrier() (a full dsb sy / mfence),
// which stays right for ordering against anything else (e.g. before a delay loop).
//
// Per architecture, as Linux's asm/barrier.h:
//   - aarch64: dmb oshst / dmb oshld (outer shareable: the domain DMA masters are in);
//   - 32-bit ARM (ARMv7 and later): dmb oshst / dmb osh (ARMv7 has no load-only dmb);
//   - x86-64: a compiler barrier only. x86 keeps stores in order with stores and loads in order with
//     loads, for ordinary and uncached memory alike, so no instruction is needed (Linux's dma_wmb and
//     dma_rmb are barrier() there too).
//   - elsewhere: a sequentially consistent fence, which is at least as strong.
// They order the CPU's accesses only. They do not clean or invalidate caches: a UIO map is
// non-cached, so the buffer needs no cache maintenance (docs/dma.md).
#pragma once

namespace uiokit::mmio {

[[gnu::always_inline]] inline void dma_write_barrier() noexcept {
#if defined(__aarch64__)
    asm volatile("dmb oshst" ::: "memory");
#elif defined(__arm__)
#if __ARM_ARCH < 7
#error "uiokit's DMA barriers need ARMv7 or later (dmb)"
#endif
    asm volatile("dmb oshst" ::: "memory");
#elif defined(__x86_64__) || defined(__i386__)
    asm volatile("" ::: "memory");
#else
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

[[gnu::always_inline]] inline void dma_read_barrier() noexcept {
#if defined(__aarch64__)
    asm volatile("dmb oshld" ::: "memory");
#elif defined(__arm__)
    asm volatile("dmb osh" ::: "memory");
#elif defined(__x86_64__) || defined(__i386__)
    asm volatile("" ::: "memory");
#else
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

}  // namespace uiokit::mmio
