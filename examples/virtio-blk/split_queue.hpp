// A split virtqueue (virtio 1.x specification, 2.7) in DMA memory: the descriptor table, the
// available ring (driver area) and the used ring (device area), laid out back to back in one piece
// of a DMA buffer. The driver writes descriptors and the available ring, the device the used ring.
//
// Every access to the queue memory is a single volatile access of the field's width through a
// uiokit::Region: the memory is a UIO mapping (non-cached device memory on arm64), where wider,
// paired or unaligned accesses are not allowed. Fields are little-endian (virtio 1.x), as are the
// CPUs uiokit runs on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include <uiokit/region.hpp>

namespace virtio {

// The descriptor flags (2.7.5).
inline constexpr std::uint16_t desc_next = 1;   // the chain continues in `next`
inline constexpr std::uint16_t desc_write = 2;  // device-writable (a read request's data, the status)

// One buffer of a descriptor chain: bus address, length, device-writable or not.
struct Buffer {
    std::uint64_t bus_address;
    std::uint32_t length;
    bool device_writes;
};

// One entry of the used ring: the head of a chain the device has finished with.
struct Used {
    std::uint16_t head;
    std::uint32_t length;  // bytes the device wrote into the chain
};

class SplitQueue {
public:
    // Bytes of queue memory for `size` descriptors, and the alignment it needs (the descriptor
    // table's 16 bytes; the rings need less and are placed accordingly).
    static std::size_t memory_size(std::uint16_t size);
    static constexpr std::size_t memory_alignment = 16;

    // `memory` is memory_size(size) bytes of DMA memory at bus address `bus_address`; it is
    // zeroed here. `size` is a power of two (the split ring's indices wrap at 2^16).
    SplitQueue(uiokit::Region memory, std::uint64_t bus_address, std::uint16_t size);

    [[nodiscard]] std::uint16_t size() const noexcept { return size_; }
    // Where the device finds the three parts (QueueDesc, QueueDriver, QueueDevice).
    [[nodiscard]] std::uint64_t descriptor_table_address() const noexcept { return bus_; }
    [[nodiscard]] std::uint64_t driver_area_address() const noexcept { return bus_ + avail_offset_; }
    [[nodiscard]] std::uint64_t device_area_address() const noexcept { return bus_ + used_offset_; }

    // Writes the chain into descriptors first .. first + count - 1 (the caller owns them: it gives
    // each request in flight its own fixed descriptors) and makes it available to the device; the
    // device learns of it at the next notify. The ring's index is published after the descriptors
    // and the ring entry, behind a DMA write barrier.
    void publish(std::uint16_t first, const Buffer* buffers, std::uint16_t count);

    // The next chain the device has finished with, if any. Reads the used index, then (after a DMA
    // read barrier) the entry, so the entry is never read before the device wrote it.
    [[nodiscard]] std::optional<Used> next_used();
    // Whether next_used() has an entry to give (one read of the used index).
    [[nodiscard]] bool has_used() const;

private:
    uiokit::Region memory_;
    std::uint64_t bus_;
    std::uint16_t size_;
    std::size_t avail_offset_;
    std::size_t used_offset_;
    std::uint16_t avail_index_ = 0;  // the driver's next available-ring index (free-running)
    std::uint16_t used_seen_ = 0;    // used entries consumed so far (free-running)
};

}  // namespace virtio
