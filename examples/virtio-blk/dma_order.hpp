// TEMPORARY until the library's DMA barriers land: dma_wmb()/dma_rmb() equivalents.
#pragma once
namespace virtio {
inline void dma_write_barrier() noexcept {
#if defined(__aarch64__)
    asm volatile("dmb oshst" ::: "memory");
#elif defined(__arm__)
    asm volatile("dmb oshst" ::: "memory");
#else
    asm volatile("" ::: "memory");
#endif
}
inline void dma_read_barrier() noexcept {
#if defined(__aarch64__)
    asm volatile("dmb oshld" ::: "memory");
#elif defined(__arm__)
    asm volatile("dmb osh" ::: "memory");
#else
    asm volatile("" ::: "memory");
#endif
}
}  // namespace virtio
