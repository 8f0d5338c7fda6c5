// DMA buffers over a simulated UIO map of reserved memory: bus addresses from sysfs, the CPU-side
// Region's bounds, the carving allocator (dma_buffer.hpp).
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <utility>

#include <uiokit/dma_buffer.hpp>
#include <uiokit/error.hpp>
#include <uiokit/sim/simulated_system.hpp>

#include "sim_device.hpp"
#include "test_support.hpp"

using namespace uiokit;
using uiokit_test::SimDevice;

namespace {

std::uint64_t sysfs_hex(const SimDevice& sim, const char* attribute) {
    const std::string text = uiokit_test_read(sim.system.device_dir(sim.device.index()) / "maps/map0" / attribute);
    return std::stoull(text, nullptr, 16);
}

// 64 KiB of reserved memory at 0x5ff00000, as dts-overlays/vboard-dmabuf.dtso describes.
sim::DeviceSpec reserved(std::uint64_t phys, std::uint64_t length) {
    return {.name = "dmabuf",
            .maps = {{.phys = phys, .length = length}},
            .has_interrupt = false,
            .reg = {{.address = phys, .size = length}}};
}

DmaBuffer open_buffer(const SimDevice& sim) {
    return DmaBuffer::open_uio_map(Selector::index(sim.device.index()), 0, sim.host());
}

}  // namespace

TEST_CASE("a DMA buffer's bus address is the sysfs address plus the page offset", "[dma]") {
    SECTION("page-aligned") {
        SimDevice sim(reserved(0x5ff00000, 0x10000));
        const DmaBuffer buffer = open_buffer(sim);
        CHECK(buffer.provider() == DmaProvider::uio_reserved_memory);
        CHECK(buffer.size() == 0x10000);
        CHECK(buffer.bus_address() == sysfs_hex(sim, "addr") + sysfs_hex(sim, "offset"));
        CHECK(buffer.bus_address(0) == 0x5ff00000);
        CHECK(buffer.bus_address(0xffff) == 0x5ff0ffff);
    }
    SECTION("starting inside a page") {
        SimDevice sim(reserved(0x5ff00040, 0x1000));  // two pages mapped, 0x40 in
        REQUIRE(sysfs_hex(sim, "offset") == 0x40);
        const DmaBuffer buffer = open_buffer(sim);
        CHECK(buffer.bus_address(0) == sysfs_hex(sim, "addr") + 0x40);
        CHECK(buffer.bus_address(0x10) == 0x5ff00050);
        CHECK(buffer.size() == 0x1000);  // the reg, not the two pages
    }
}

TEST_CASE("a DMA buffer refuses bus addresses and accesses outside it", "[dma]") {
    SimDevice sim(reserved(0x5ff00040, 0x1000));
    const DmaBuffer buffer = open_buffer(sim);
    CHECK_THROWS_AS((void)buffer.bus_address(0x1000), RangeError);
    CHECK_THROWS_AS(buffer.region().write<std::uint32_t>(0x1000, 1), RangeError);
    buffer.region().write<std::uint32_t>(0xffc, 0xcafef00d);
    // The CPU side writes the memory the device reads at that bus address.
    CHECK(sim.device.memory(0).read<std::uint32_t>(0xffc) == 0xcafef00d);
}

TEST_CASE("a DMA buffer stays usable after a move", "[dma]") {
    SimDevice sim(reserved(0x5ff00000, 0x1000));
    DmaBuffer first = open_buffer(sim);
    const DmaBuffer moved = std::move(first);
    moved.region().write<std::uint64_t>(8, 0x0123456789abcdef);
    CHECK(sim.device.memory(0).read<std::uint64_t>(8) == 0x0123456789abcdef);
    CHECK(moved.bus_address(8) == 0x5ff00008);
}

TEST_CASE("a DMA buffer from a Device takes the Device over", "[dma]") {
    SimDevice sim(reserved(0x5ff00000, 0x1000));
    DmaBuffer buffer = DmaBuffer::from_uio_map(sim.open());
    REQUIRE(buffer.device() != nullptr);
    CHECK(buffer.device()->info().name == "dmabuf");
    CHECK(sim.device.open_count() == 1);
    CHECK_THROWS_AS(DmaBuffer::from_uio_map(sim.open(), 1), RangeError);  // no map1
}

TEST_CASE("the allocator carves pieces aligned by bus address", "[dma]") {
    SimDevice sim(reserved(0x5ff00040, 0x3000));
    const DmaBuffer buffer = open_buffer(sim);
    DmaAllocator allocator(buffer);

    const DmaPiece ring = allocator.allocate(0x100, 0x1000);
    CHECK(ring.bus_address == 0x5ff01000);  // the first 4 KiB boundary after 0x5ff00040
    CHECK(ring.offset == 0xfc0);
    CHECK(ring.region.size() == 0x100);
    CHECK(allocator.used() == 0x10c0);

    const DmaPiece data = allocator.allocate(0x30);  // 64-byte default
    CHECK(data.bus_address == 0x5ff01100);
    CHECK(data.bus_address % 64 == 0);
    CHECK(data.offset == 0x10c0);

    const DmaPiece odd = allocator.allocate(3, 1);
    CHECK(odd.bus_address == 0x5ff01130);
    const DmaPiece next = allocator.allocate(4, 4);
    CHECK(next.bus_address == 0x5ff01134);  // after the 3 bytes, rounded up to 4

    // A piece is bounded to itself and writes the buffer at its offset.
    ring.region.write<std::uint32_t>(0xfc, 0x5a5a5a5a);
    CHECK(buffer.region().read<std::uint32_t>(0xfc0 + 0xfc) == 0x5a5a5a5a);
    CHECK_THROWS_AS(ring.region.write<std::uint32_t>(0x100, 1), RangeError);
}

TEST_CASE("the allocator refuses bad requests and exhaustion without changing", "[dma]") {
    SimDevice sim(reserved(0x5ff00000, 0x1000));
    const DmaBuffer buffer = open_buffer(sim);
    DmaAllocator allocator(buffer);
    (void)allocator.allocate(0xf00, 0x100);
    CHECK(allocator.used() == 0xf00);

    CHECK_THROWS_AS(allocator.allocate(0, 4), RangeError);
    CHECK_THROWS_AS(allocator.allocate(4, 0), RangeError);
    CHECK_THROWS_WITH(allocator.allocate(4, 24), Catch::Contains("power of two"));
    // 0x100 bytes are left, but aligned to 0x200 there is no room.
    CHECK_THROWS_WITH(allocator.allocate(0x10, 0x200), Catch::Contains("not enough room") &&
                                                          Catch::Contains("dmabuf"));
    CHECK_THROWS_AS(allocator.allocate(0x101, 1), RangeError);
    CHECK(allocator.used() == 0xf00);

    const DmaPiece last = allocator.allocate(0x100, 0x100);  // exactly what is left
    CHECK(last.offset == 0xf00);
    CHECK(allocator.used() == 0x1000);
    CHECK_THROWS_AS(allocator.allocate(1, 1), RangeError);

    allocator.reset();
    CHECK(allocator.allocate(0x1000, 0x1000).bus_address == 0x5ff00000);
}
