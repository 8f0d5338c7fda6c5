// A DMA buffer on a real kernel: dts-overlays/vboard-dmabuf.dtso reserves 2 MiB of guest RAM at
// 0x5fc00000 (reserved-memory, no-map) and binds a generic-uio node "dmabuf" over it. The buffer's
// bus address must be what sysfs reports (no IOMMU on the board), and CPU writes through the
// non-cached UIO mapping must read back.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include <uiokit/dma_barrier.hpp>
#include <uiokit/dma_buffer.hpp>

#include "board.hpp"

using namespace vboard;

namespace {
constexpr std::uint64_t dmabuf_phys = 0x5fc0'0000;
constexpr std::uint64_t dmabuf_size = 0x20'0000;

std::uint64_t sysfs_hex(const uiokit::DeviceInfo& info, const std::string& attribute) {
    return std::stoull(sysfs_text(info.sysfs_dir.string() + "/maps/map0/" + attribute), nullptr, 16);
}
}  // namespace

TEST_CASE("the DMA buffer's bus address is what sysfs reports", "[dma]") {
    const uiokit::DmaBuffer buffer = uiokit::DmaBuffer::open_uio_map(uiokit::Selector::name(dmabuf_name));
    const uiokit::DeviceInfo info = uiokit::find(uiokit::Selector::name(dmabuf_name));
    CHECK(info.of_node == std::optional<std::string>("/dma-buffer@5fc00000"));
    CHECK(buffer.provider() == uiokit::DmaProvider::uio_reserved_memory);
    CHECK(buffer.bus_address(0) == sysfs_hex(info, "addr") + sysfs_hex(info, "offset"));
    CHECK(buffer.bus_address(0) == dmabuf_phys);
    CHECK(sysfs_hex(info, "size") == dmabuf_size);
    CHECK(buffer.size() == dmabuf_size);
    CHECK(info.map(0).reg_size == std::optional<std::uint64_t>(dmabuf_size));
    CHECK(buffer.bus_address(dmabuf_size - 1) == dmabuf_phys + dmabuf_size - 1);
    CHECK_THROWS_AS((void)buffer.bus_address(dmabuf_size), uiokit::RangeError);
}

TEST_CASE("CPU writes to the DMA buffer read back at every width", "[dma]") {
    const uiokit::DmaBuffer buffer = uiokit::DmaBuffer::open_uio_map(uiokit::Selector::name(dmabuf_name));
    const uiokit::Region& cpu = buffer.region();
    REQUIRE(cpu.writable());
    // A pattern over the whole buffer in 64-bit words, then read back: each word names its offset.
    for (std::size_t offset = 0; offset < cpu.size(); offset += 8)
        cpu.write<std::uint64_t>(offset, 0xd0a0'0000'0000'0000ull | offset);
    uiokit::mmio::dma_write_barrier();
    std::size_t wrong = 0;
    for (std::size_t offset = 0; offset < cpu.size(); offset += 8)
        if (cpu.read<std::uint64_t>(offset) != (0xd0a0'0000'0000'0000ull | offset)) ++wrong;
    CHECK(wrong == 0);
    cpu.write<std::uint8_t>(3, 0x5a);
    cpu.write<std::uint16_t>(6, 0xbeef);
    cpu.write<std::uint32_t>(0xfffc, 0xcafef00d);
    uiokit::mmio::dma_read_barrier();
    CHECK(cpu.read<std::uint8_t>(3) == 0x5a);
    CHECK(cpu.read<std::uint16_t>(6) == 0xbeef);
    CHECK(cpu.read<std::uint32_t>(0xfffc) == 0xcafef00d);
    CHECK_THROWS_AS(cpu.write<std::uint32_t>(dmabuf_size, 0), uiokit::RangeError);

    // A second mapping of the same memory (another open) sees the writes: it is the same RAM.
    const uiokit::DmaBuffer again = uiokit::DmaBuffer::open_uio_map(uiokit::Selector::name(dmabuf_name));
    CHECK(again.region().read<std::uint32_t>(0xfffc) == 0xcafef00d);
}

TEST_CASE("pieces carved from the board's DMA buffer carry their bus addresses", "[dma]") {
    const uiokit::DmaBuffer buffer = uiokit::DmaBuffer::open_uio_map(uiokit::Selector::name(dmabuf_name));
    uiokit::DmaAllocator allocator(buffer);
    const uiokit::DmaPiece ring = allocator.allocate(16 * 16, 0x100);
    const uiokit::DmaPiece data = allocator.allocate(0x1000, 0x1000);
    CHECK(ring.bus_address == dmabuf_phys);
    CHECK(data.bus_address == dmabuf_phys + 0x1000);
    // A descriptor pointing at the data, written through the ring's Region, read back whole.
    ring.region.write<std::uint64_t>(0, data.bus_address);
    ring.region.write<std::uint32_t>(8, 0x1000);
    CHECK(buffer.region().read<std::uint64_t>(ring.offset) == dmabuf_phys + 0x1000);
    CHECK(buffer.region().read<std::uint32_t>(ring.offset + 8) == 0x1000);
}
