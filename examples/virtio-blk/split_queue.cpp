#include "split_queue.hpp"

#include <stdexcept>

#include <uiokit/dma_barrier.hpp>

namespace virtio {
namespace {

constexpr std::size_t align_up(std::size_t value, std::size_t alignment) {
    return (value + alignment - 1) / alignment * alignment;
}
// 2.7: descriptor table 16 bytes per entry (16-aligned), available ring flags/idx/ring[N]/used_event
// (2-aligned), used ring flags/idx/ring[N] of 8 bytes/avail_event (4-aligned).
constexpr std::size_t avail_offset(std::uint16_t size) { return align_up(std::size_t{16} * size, 2); }
constexpr std::size_t used_offset(std::uint16_t size) { return align_up(avail_offset(size) + 6 + std::size_t{2} * size, 4); }

}  // namespace

std::size_t SplitQueue::memory_size(std::uint16_t size) { return used_offset(size) + 6 + std::size_t{8} * size; }

SplitQueue::SplitQueue(uiokit::Region memory, std::uint64_t bus_address, std::uint16_t size)
    : memory_(std::move(memory)), bus_(bus_address), size_(size), avail_offset_(avail_offset(size)),
      used_offset_(used_offset(size)) {
    if (size == 0 || (size & (size - 1)) != 0) throw std::invalid_argument("virtqueue size must be a power of two");
    if (memory_.size() < memory_size(size)) throw std::invalid_argument("virtqueue memory is too small");
    if (bus_address % memory_alignment != 0) throw std::invalid_argument("virtqueue memory is not 16-byte aligned");
    memory_.fill(0, memory_size(size), std::byte{0});
}

void SplitQueue::publish(std::uint16_t first, const Buffer* buffers, std::uint16_t count) {
    for (std::uint16_t i = 0; i < count; ++i) {
        const std::size_t d = std::size_t{16} * (first + i);
        const bool last = i + 1 == count;
        memory_.write<std::uint64_t>(d + 0, buffers[i].bus_address);
        memory_.write<std::uint32_t>(d + 8, buffers[i].length);
        memory_.write<std::uint16_t>(d + 12, static_cast<std::uint16_t>((last ? 0 : desc_next) |
                                                                      (buffers[i].device_writes ? desc_write : 0)));
        memory_.write<std::uint16_t>(d + 14, static_cast<std::uint16_t>(last ? 0 : first + i + 1));
    }
    memory_.write<std::uint16_t>(avail_offset_ + 4 + std::size_t{2} * (avail_index_ % size_), first);
    // The device may read the ring entry and the descriptors as soon as it sees the new index.
    uiokit::mmio::dma_write_barrier();
    ++avail_index_;
    memory_.write<std::uint16_t>(avail_offset_ + 2, avail_index_);
}

bool SplitQueue::has_used() const { return memory_.read<std::uint16_t>(used_offset_ + 2) != used_seen_; }

std::optional<Used> SplitQueue::next_used() {
    const auto device_index = memory_.read<std::uint16_t>(used_offset_ + 2);
    if (device_index == used_seen_) return std::nullopt;
    // The entry is valid once the index says so; read it only after the index.
    uiokit::mmio::dma_read_barrier();
    const std::size_t entry = used_offset_ + 4 + std::size_t{8} * (used_seen_ % size_);
    const auto head = memory_.read<std::uint32_t>(entry);
    const auto length = memory_.read<std::uint32_t>(entry + 4);
    ++used_seen_;
    if (head >= size_) throw std::runtime_error("virtqueue: the device returned descriptor " + std::to_string(head) +
                                                " of a " + std::to_string(size_) + "-entry queue");
    return Used{static_cast<std::uint16_t>(head), length};
}

}  // namespace virtio
