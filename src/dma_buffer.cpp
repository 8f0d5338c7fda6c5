#include <uiokit/dma_buffer.hpp>

#include <optional>
#include <utility>

#include <uiokit/error.hpp>

#include "sysfs.hpp"

namespace uiokit {

struct UIOKIT_INTERNAL DmaBuffer::Impl {
    std::optional<Device> device;  // the UIO provider's device, which owns the mapping
    Region region;
    std::uint64_t bus_base = 0;
    DmaProvider provider = DmaProvider::uio_reserved_memory;
};

DmaBuffer DmaBuffer::from_uio_map(Device device, unsigned map_index) {
    auto impl = std::make_unique<Impl>();
    // Without an IOMMU or bus offset, the bus address is the CPU physical address: the page base
    // sysfs shows plus the offset inside the page.
    impl->bus_base = device.info().map(map_index).start();
    impl->region = device.map(map_index);
    impl->device.emplace(std::move(device));  // moving a Device keeps its mappings where they are
    return DmaBuffer(std::move(impl));
}

DmaBuffer DmaBuffer::open_uio_map(const Selector& selector, unsigned map_index, const Host& host) {
    return from_uio_map(Device::open(selector, {.writable = true, .interrupt = InterruptAtOpen::leave}, host),
                        map_index);
}

DmaBuffer::DmaBuffer(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
DmaBuffer::DmaBuffer(DmaBuffer&&) noexcept = default;
DmaBuffer& DmaBuffer::operator=(DmaBuffer&&) noexcept = default;
DmaBuffer::~DmaBuffer() = default;

const Region& DmaBuffer::region() const noexcept { return impl_->region; }
std::size_t DmaBuffer::size() const noexcept { return impl_->region.size(); }
DmaProvider DmaBuffer::provider() const noexcept { return impl_->provider; }
Device* DmaBuffer::device() noexcept { return impl_->device ? &*impl_->device : nullptr; }

std::uint64_t DmaBuffer::bus_address(std::size_t offset) const {
    if (offset >= size())
        throw RangeError("bus address of offset " + sysfs::hex(offset) + " in DMA buffer " +
                         impl_->region.description() + " (" + sysfs::hex(size()) + " bytes): outside the buffer");
    return impl_->bus_base + offset;
}

DmaPiece DmaAllocator::allocate(std::size_t size, std::size_t alignment) {
    const std::string what = "allocate " + sysfs::hex(size) + " bytes aligned to " + sysfs::hex(alignment) +
                             " from DMA buffer " + buffer_->region().description() + " (" +
                             sysfs::hex(buffer_->size()) + " bytes, " + sysfs::hex(used_) + " used): ";
    if (size == 0) throw RangeError(what + "a piece cannot be empty");
    if (alignment == 0 || (alignment & (alignment - 1)) != 0)
        throw RangeError(what + "the alignment must be a power of two");
    // Aligned by bus address; the buffer itself may start anywhere inside a page.
    const std::uint64_t base = buffer_->bus_address(0);
    const std::uint64_t next_bus = base + used_;
    const std::uint64_t padding = (alignment - next_bus % alignment) % alignment;
    const std::size_t left = buffer_->size() - used_;
    if (padding > left || size > left - padding) throw RangeError(what + "not enough room left");
    const std::size_t offset = used_ + static_cast<std::size_t>(padding);
    DmaPiece piece{buffer_->region().subregion(offset, size), base + offset, offset};
    used_ = offset + size;
    return piece;
}

}  // namespace uiokit
