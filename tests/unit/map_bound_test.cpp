// Maps bounded by the device's DT `reg`, not by the page the kernel rounds them to
// (device_info.hpp MapInfo::bound, device.hpp Device::map / map_whole_pages).
#include <catch2/catch.hpp>

#include <cstdint>
#include <fstream>
#include <string>

#include <uiokit/device.hpp>
#include <uiokit/error.hpp>
#include <uiokit/sim/simulated_system.hpp>

#include "sim_device.hpp"

using namespace uiokit;
using uiokit_test::SimDevice;

namespace {

// A 0x200-byte device at 0x9010010: the kernel maps the whole page, 0xff0 bytes from the offset.
sim::DeviceSpec small_device(unsigned address_cells, unsigned size_cells, std::string of_node = "") {
    return {.name = "small",
            .maps = {{.phys = 0x9010010, .length = 0x200}},
            .of_node = std::move(of_node),
            .reg = {{.address = 0x9010010, .size = 0x200}},
            .parent_address_cells = address_cells,
            .parent_size_cells = size_cells};
}

}  // namespace

TEST_CASE("a map's bound is its reg entry's size with 2 address and 2 size cells", "[device][bound]") {
    SimDevice sim(small_device(2, 2));
    Device dev = sim.open();
    const MapInfo& map = dev.info().map(0);
    REQUIRE(map.reg_size == std::uint64_t{0x200});
    CHECK(map.window_size() == 0xff0);
    CHECK(map.bound() == 0x200);
    CHECK(dev.map(0).size() == 0x200);
}

TEST_CASE("a map's bound is its reg entry's size with 1 address and 1 size cell", "[device][bound]") {
    SimDevice sim(small_device(1, 1, "/soc/small@9010010"));
    Device dev = sim.open();
    CHECK(dev.info().map(0).reg_size == std::uint64_t{0x200});
    CHECK(dev.map(0).size() == 0x200);
}

TEST_CASE("a parent without cells properties decodes reg with the defaults 2 and 1", "[device][bound]") {
    SimDevice sim(small_device(0, 0));  // 0: left out
    REQUIRE_FALSE(std::ifstream(sim.system.sysfs_root() / "firmware/devicetree/base/#address-cells").good());
    Device dev = sim.open();
    CHECK(dev.map(0).size() == 0x200);
}

TEST_CASE("several reg entries bound their maps by address whatever their order", "[device][bound]") {
    sim::DeviceSpec spec{.name = "multi",
                         .maps = {{.phys = 0x40000000, .length = 0x1800}, {.phys = 0x40013f10, .length = 0x40}},
                         // Listed in the other order than the maps: matched by address, not position.
                         .reg = {{.address = 0x40013f10, .size = 0x40}, {.address = 0x40000000, .size = 0x1800}}};
    SimDevice sim(spec);
    Device dev = sim.open();
    CHECK(dev.info().map(0).reg_size == std::uint64_t{0x1800});
    CHECK(dev.info().map(1).reg_size == std::uint64_t{0x40});
    CHECK(dev.map(0).size() == 0x1800);
    CHECK(dev.map(1).size() == 0x40);
    CHECK(dev.map_whole_pages(0).size() == 0x2000);
    CHECK(dev.map_whole_pages(1).size() == 0xf0);
}

TEST_CASE("a reg that does not match the map leaves the page as the bound", "[device][bound]") {
    // E.g. a bus whose `ranges` translate: the reg address is not the CPU address sysfs shows.
    sim::DeviceSpec spec = small_device(2, 1);
    spec.reg = {{.address = 0x10, .size = 0x200}};
    SimDevice sim(spec);
    Device dev = sim.open();
    CHECK_FALSE(dev.info().map(0).reg_size.has_value());
    CHECK(dev.map(0).size() == 0xff0);
}

TEST_CASE("a device without a DT node is bounded by the page", "[device][bound]") {
    sim::DeviceSpec spec = small_device(2, 1);
    spec.has_of_node = false;
    SimDevice sim(spec);
    Device dev = sim.open();
    CHECK_FALSE(dev.info().of_node.has_value());
    CHECK_FALSE(dev.info().map(0).reg_size.has_value());
    CHECK(dev.map(0).size() == 0xff0);
}

TEST_CASE("a node without reg is bounded by the page", "[device][bound]") {
    sim::DeviceSpec spec = small_device(2, 1);
    spec.reg.clear();
    SimDevice sim(spec);
    Device dev = sim.open();
    REQUIRE(dev.info().of_node.has_value());
    CHECK(dev.map(0).size() == 0xff0);
}

TEST_CASE("an access just past the reg bound is refused and the whole page reaches it", "[device][bound]") {
    SimDevice sim(small_device(2, 1));
    Device dev = sim.open();
    const Region bounded = dev.map(0);
    bounded.write<std::uint32_t>(0x1fc, 0x11223344);
    CHECK(sim.device.memory(0).read<std::uint32_t>(0x1fc) == 0x11223344);
    CHECK_THROWS_AS(bounded.write<std::uint32_t>(0x200, 1), RangeError);
    CHECK_THROWS_AS((void)bounded.read<std::uint8_t>(0x200), RangeError);
    CHECK_THROWS_AS((void)bounded.subregion(0x100, 0x101), RangeError);

    const Region page = dev.map_whole_pages(0);
    CHECK(page.size() == 0xff0);
    CHECK(page.description().find("(whole pages)") != std::string::npos);
    CHECK(bounded.description().find("whole pages") == std::string::npos);
    page.write<std::uint32_t>(0x200, 0xa5a5a5a5);
    CHECK(sim.device.memory(0).read<std::uint32_t>(0x200) == 0xa5a5a5a5);
    CHECK(bounded.base() == page.base());  // the same mapping, one mmap
}
