// Discovery against the real kernel: what uio_pdrv_genirq registers for the board's overlays, and
// lookups by name and by physical address.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iterator>
#include <string>

#include "board.hpp"

using namespace vboard;

namespace {

const uiokit::DeviceInfo& by_name(const std::vector<uiokit::DeviceInfo>& all, const std::string& name) {
    const auto it = std::find_if(all.begin(), all.end(), [&](const auto& d) { return d.name == name; });
    if (it == all.end()) FAIL("no UIO device named '" << name << "'");
    return *it;
}

// The kernel prints map addr and size with %pa: "0x" and 16 hex digits on arm64.
std::string pa(std::uint64_t value) {
    char text[32];
    std::snprintf(text, sizeof text, "0x%016llx", static_cast<unsigned long long>(value));
    return text;
}

}  // namespace

TEST_CASE("the board has exactly the UIO devices its overlays define", "[discovery]") {
    const auto all = uiokit::enumerate();
    REQUIRE(all.size() == std::size(device_names));
    CHECK(uiokit::device_indices().size() == std::size(device_names));
    for (const char* name : device_names) CHECK(std::count_if(all.begin(), all.end(), [&](const auto& d) { return d.name == name; }) == 1);
    for (const auto& d : all) {
        INFO("uio" << d.index << " '" << d.name << "'");
        CHECK(d.version == "devicetree");
        CHECK(d.sysfs_dir == "/sys/class/uio/uio" + std::to_string(d.index));
        CHECK(d.dev_node == "/dev/uio" + std::to_string(d.index));
        // the kernel's own name attribute, read raw
        CHECK(sysfs_text(d.sysfs_dir.string() + "/name") == d.name);
    }
    const auto& rtc = by_name(all, pl031_name);
    const auto& window = by_name(all, window_name);  // linux,uio-name, not the node name "id-window"
    CHECK(rtc.index != window.index);
    CHECK(rtc.of_node == std::optional<std::string>(pl031_node));
    CHECK(window.of_node == std::optional<std::string>(window_node));
}

TEST_CASE("map address, size and offset are what the kernel reports", "[discovery]") {
    const std::uint64_t page = page_size();
    const auto all = uiokit::enumerate();

    SECTION("pl031: one page-aligned map of one page") {
        const auto& rtc = by_name(all, pl031_name);
        REQUIRE(rtc.maps.size() == 1);
        const auto& m = rtc.map(0);
        CHECK(m.index == 0);
        CHECK(m.addr == pl031_base);
        CHECK(m.size == std::max<std::uint64_t>(page, 0x1000));
        CHECK(m.offset == 0);
        CHECK(m.name == "pl031@9010000");  // no reg-names: the node's full name
        const std::string dir = rtc.sysfs_dir.string() + "/maps/map0/";
        CHECK(sysfs_text(dir + "addr") == pa(m.addr));
        CHECK(sysfs_text(dir + "size") == pa(m.size));
        CHECK(sysfs_text(dir + "offset") == "0x0");
        CHECK_THROWS_AS(rtc.map(1), uiokit::RangeError);
    }

    SECTION("idwindow: two maps that start inside a page") {
        const auto& w = by_name(all, window_name);
        REQUIRE(w.maps.size() == 2);
        struct Expected {
            std::uint64_t start, length;
            const char* name;
        };
        const Expected expected[2] = {{window0_start, window0_length, window0_name},
                                      {window1_start, window1_length, window1_name}};
        for (unsigned i = 0; i < 2; ++i) {
            INFO("map" << i);
            const auto& m = w.map(i);
            const auto& e = expected[i];
            CHECK(m.index == i);
            CHECK(m.name == e.name);  // from reg-names
            CHECK(m.addr == page_base(e.start, page));
            CHECK(m.offset == e.start - page_base(e.start, page));
            CHECK(m.offset != 0);
            CHECK(m.size == page);  // round_up(offset + length, page)
            CHECK(m.start() == e.start);
            CHECK(m.window_size() == page - m.offset);
            CHECK(m.window_size() >= e.length);
            CHECK(m.contains(e.start));
            CHECK(m.contains(e.start + e.length - 1));
            CHECK_FALSE(m.contains(e.start - 4));
            char offset[32];
            std::snprintf(offset, sizeof offset, "0x%llx", static_cast<unsigned long long>(m.offset));
            const std::string dir = w.sysfs_dir.string() + "/maps/map" + std::to_string(i) + "/";
            CHECK(sysfs_text(dir + "addr") == pa(m.addr));
            CHECK(sysfs_text(dir + "size") == pa(m.size));
            CHECK(sysfs_text(dir + "offset") == offset);
            CHECK(sysfs_text(dir + "name") == e.name);
        }
    }
}

TEST_CASE("find by name", "[discovery]") {
    const auto rtc = uiokit::find(uiokit::Selector::name(pl031_name));
    CHECK(rtc.name == pl031_name);
    CHECK(rtc.maps.size() == 1);
    // a name with the unit address (what newer kernels print) finds the same device
    CHECK(uiokit::find(uiokit::Selector::name("pl031@9010000")).index == rtc.index);
    CHECK(uiokit::find(uiokit::Selector::parse(pl031_name)).index == rtc.index);

    const auto w = uiokit::find(uiokit::Selector::name(window_name));
    CHECK(w.name == window_name);
    CHECK(w.index != rtc.index);

    CHECK(uiokit::find(uiokit::Selector::index(rtc.index)).name == pl031_name);
    CHECK(uiokit::find(uiokit::Selector::dev_node("/dev/uio" + std::to_string(w.index))).name == window_name);
    CHECK(uiokit::find(uiokit::Selector::parse("uio" + std::to_string(w.index))).name == window_name);

    CHECK_THROWS_AS(uiokit::find(uiokit::Selector::name("pl061")), uiokit::DeviceNotFoundError);
    CHECK_THROWS_AS(uiokit::find(uiokit::Selector::name("id-window")), uiokit::DeviceNotFoundError);
    CHECK_THROWS_AS(uiokit::find(uiokit::Selector::index(7)), uiokit::DeviceNotFoundError);
}

TEST_CASE("find by physical address", "[discovery]") {
    const auto name_at = [](std::uint64_t phys) { return uiokit::find(uiokit::Selector::address(phys)).name; };
    CHECK(name_at(pl031_base) == pl031_name);
    CHECK(name_at(pl031_base + 0xFFC) == pl031_name);
    CHECK(uiokit::find(uiokit::Selector::parse("0x9010000")).name == pl031_name);

    CHECK(name_at(window0_start) == window_name);
    CHECK(name_at(window0_start + window0_length - 1) == window_name);
    CHECK(name_at(window1_start) == window_name);
    CHECK(name_at(window1_start + 0xC) == window_name);

    // inside the mapped page but before the window's start: not a register of the device
    CHECK_THROWS_AS(uiokit::find(uiokit::Selector::address(window0_start - 4)), uiokit::DeviceNotFoundError);
    CHECK_THROWS_AS(uiokit::find(uiokit::Selector::address(page_base(window1_start, page_size()))),
                    uiokit::DeviceNotFoundError);
    // devices that are not UIO devices
    CHECK_THROWS_AS(uiokit::find(uiokit::Selector::address(0x0900'0000)), uiokit::DeviceNotFoundError);  // PL011
    CHECK_THROWS_AS(uiokit::find(uiokit::Selector::address(pl031_base + 0x1000)), uiokit::DeviceNotFoundError);
}

TEST_CASE("the device from the overlay uiokit-dtogen wrote is bound, mapped and has its interrupt",
          "[discovery]") {
    const auto info = uiokit::find(uiokit::Selector::name(generated_name));
    CHECK(info.of_node == std::optional<std::string>(generated_node));
    REQUIRE(info.maps.size() == 1);
    const std::uint64_t page = page_size();
    CHECK(info.maps[0].addr == (generated_phys & ~(page - 1)));
    CHECK(info.maps[0].offset == (generated_phys & (page - 1)));
    CHECK(info.maps[0].start() == generated_phys);
    CHECK(sysfs_text(info.sysfs_dir.string() + "/maps/map0/size") == pa(page));
    CHECK(uiokit::find(uiokit::Selector::address(generated_phys + 0x1ff)).index == info.index);

    // The interrupt is registered: the enable write at open succeeds (a node without one gives EIO).
    uiokit::Device dev = uiokit::Device::open(info);
    CHECK(dev.interrupt().available());
    CHECK_FALSE(dev.interrupt().wait_for(std::chrono::milliseconds(50)).has_value());
    // Its window reads the virtio-mmio slot's header: magic "virt".
    CHECK(dev.map(0).read<std::uint32_t>(0x0) == 0x74726976);
}

// The device-tree selectors against the tree the kernel booted with (/sys/firmware/fdt, the default)
// and against the live tree the kernel exposes (/sys/firmware/devicetree/base).
TEST_CASE("find by device-tree node path, compatible and label", "[discovery][devicetree]") {
    const std::string tree = GENERATE(std::string("/sys/firmware/fdt"), std::string("/sys/firmware/devicetree/base"));
    CAPTURE(tree);
    uiokit::Host host;
    host.fdt = tree;
    const auto name_of = [&](const std::string& selector) {
        return uiokit::find(uiokit::Selector::parse(selector), host).name;
    };

    CHECK(name_of(std::string("dt:") + pl031_node) == pl031_name);
    CHECK(name_of(std::string("dt:") + window_node) == window_name);
    CHECK(name_of(std::string("dt:") + generated_node) == generated_name);
    // Its own compatible, listed before generic-uio by the overlay uiokit-dtogen wrote.
    CHECK(name_of("compatible:uiokit,vboard-generated") == generated_name);
    // The label vboard-window.dtso gives its node (dtc -@, merged into __symbols__ by fdtoverlay).
    CHECK(name_of("label:idwindow") == window_name);

    // generic-uio is every device's compatible: several matches, an error that lists them.
    try {
        (void)name_of("compatible:generic-uio");
        FAIL("compatible:generic-uio selected one device out of several");
    } catch (const uiokit::DeviceNotFoundError& e) {
        const std::string what = e.what();
        CHECK_THAT(what, Catch::Contains("matches several UIO devices"));
        CHECK_THAT(what, Catch::Contains(pl031_name) && Catch::Contains(window_name) && Catch::Contains(generated_name));
    }
    // The PL061 is in the tree but not bound to uio_pdrv_genirq: the error says so.
    try {
        (void)name_of("compatible:arm,pl061");
        FAIL("compatible:arm,pl061 selected a device");
    } catch (const uiokit::DeviceNotFoundError& e) {
        CHECK_THAT(std::string(e.what()), Catch::Contains("/pl061@9030000 is not compatible with generic-uio"));
    }
    CHECK_THROWS_AS(name_of("dt:/pl061@9030000"), uiokit::DeviceNotFoundError);
    CHECK_THROWS_AS(name_of("label:no-such-label"), uiokit::DeviceNotFoundError);
}
