// A DMA buffer: memory a device reads and writes by bus address while user space fills and reads it
// through a Region. Each provider of such memory has its own construction function returning the
// same DmaBuffer, so callers do not change when providers are added. Provided and tested:
//   - from_uio_map / open_uio_map: a UIO map of reserved memory, a DT `reserved-memory` node with
//     `no-map` and a `generic-uio` node whose `reg` covers it, bound to uio_pdrv_genirq
//     (dts-overlays/dma-buffer-template.dtso, docs/dma.md).
// Bus addresses here are CPU physical addresses (sysfs maps/mapN/addr + offset): true without an
// IOMMU and without bus offsets (`dma-ranges`) between the DMA master and memory. docs/dma.md says
// when that does not hold. The memory is mapped non-cached (device memory on arm64): order CPU
// accesses against the device's with mmio::dma_write_barrier / dma_read_barrier (dma_barrier.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <uiokit/device.hpp>
#include <uiokit/export.hpp>
#include <uiokit/host.hpp>
#include <uiokit/region.hpp>
#include <uiokit/selector.hpp>

namespace uiokit {

// Where a DmaBuffer's memory comes from. More may be added (u-dma-buf, uio_dmem_genirq): do not
// assume this list is complete.
enum class DmaProvider {
    uio_reserved_memory,  // a UIO map over a reserved-memory `no-map` region
};

class UIOKIT_EXPORT DmaBuffer {
public:
    // The buffer is map `map_index` of `device`, whose memory is reserved memory: its bound (the
    // node's `reg` size when known, MapInfo::bound()) from its start. Takes the Device over; open it
    // writable to fill the buffer. Throws RangeError for a map the device does not have.
    [[nodiscard]] static DmaBuffer from_uio_map(Device device, unsigned map_index = 0);
    // Opens the device (writable, interrupt left as it is) and takes map `map_index`.
    [[nodiscard]] static DmaBuffer open_uio_map(const Selector& selector, unsigned map_index = 0,
                                                const Host& host = {});

    // A moved-from DmaBuffer may only be destroyed or assigned to.
    DmaBuffer(DmaBuffer&&) noexcept;
    DmaBuffer& operator=(DmaBuffer&&) noexcept;
    DmaBuffer(const DmaBuffer&) = delete;
    DmaBuffer& operator=(const DmaBuffer&) = delete;
    ~DmaBuffer();

    // The CPU side: valid while this DmaBuffer lives.
    [[nodiscard]] const Region& region() const noexcept;
    [[nodiscard]] std::size_t size() const noexcept;
    // The address a device uses for byte `offset` of the buffer. Throws RangeError when `offset` is
    // not inside the buffer.
    [[nodiscard]] std::uint64_t bus_address(std::size_t offset = 0) const;
    [[nodiscard]] DmaProvider provider() const noexcept;
    // The Device behind a UIO provider (its interrupt, its other maps); null for other providers.
    [[nodiscard]] Device* device() noexcept;

private:
    struct Impl;
    UIOKIT_INTERNAL explicit DmaBuffer(std::unique_ptr<Impl> impl) noexcept;
    std::unique_ptr<Impl> impl_;
};

// One piece carved from a DmaBuffer: a descriptor ring, a data buffer.
struct DmaPiece {
    Region region;                  // the CPU side, exactly the piece
    std::uint64_t bus_address = 0;  // of the piece's first byte
    std::size_t offset = 0;         // of the piece from the buffer's start
};

// Carves aligned pieces from a DmaBuffer, one after the other (a bump allocator: pieces are freed
// all at once by reset()). Alignment is of the bus address, which is what a DMA engine checks. The
// buffer must outlive the allocator and every piece.
class UIOKIT_EXPORT DmaAllocator {
public:
    explicit DmaAllocator(const DmaBuffer& buffer) noexcept : buffer_(&buffer) {}

    // `size` bytes (not 0) whose bus address is a multiple of `alignment` (a power of two).
    // Throws RangeError naming the buffer for a bad size or alignment, or when the rest of the
    // buffer cannot hold the piece; a failed request leaves the allocator as it was.
    [[nodiscard]] DmaPiece allocate(std::size_t size, std::size_t alignment = 64);
    // Bytes from the buffer's start to the end of the last piece.
    [[nodiscard]] std::size_t used() const noexcept { return used_; }
    // Forgets every piece: the next one starts at the buffer's start again.
    void reset() noexcept { used_ = 0; }

private:
    const DmaBuffer* buffer_;
    std::size_t used_ = 0;
};

}  // namespace uiokit
