// Maps bounded by the device's DT `reg` on a real kernel: the kernel rounds idwindow's maps to whole
// pages (map1 is 0x10 bytes of virtio-mmio slot 31's header, in a page whose rest is more virtio
// registers); uiokit reads device/of_node/reg and bounds checked accesses to the node's extent.
#include <catch2/catch.hpp>

#include "board.hpp"

using namespace vboard;

TEST_CASE("idwindow's maps are bounded by its reg entries, not by the page", "[mapping][bound]") {
    auto dev = uiokit::Device::open(uiokit::Selector::name(window_name),
                                    uiokit::OpenOptions{.writable = false});
    const auto& info = dev.info();
    REQUIRE(info.maps.size() == 2);
    CHECK(info.map(0).reg_size == std::optional<std::uint64_t>(window0_length));
    CHECK(info.map(1).reg_size == std::optional<std::uint64_t>(window1_length));
    // The kernel lost the length: sysfs has the whole page.
    CHECK(info.map(1).window_size() == page_size() - 0xE00);

    const uiokit::Region hdr = dev.map(1);
    CHECK(hdr.size() == window1_length);
    CHECK(hdr.read<std::uint32_t>(0xC) == virtio_vendor_qemu);  // the last register inside reg
    CHECK_THROWS_AS((void)hdr.read<std::uint32_t>(window1_length), uiokit::RangeError);  // just past it

    // The page on explicit request: virtio-mmio's DeviceFeatures at 0x10, just past the reg.
    const uiokit::Region page = dev.map_whole_pages(1);
    CHECK(page.size() == page_size() - 0xE00);
    CHECK(page.base() == hdr.base());
    CHECK(page.read<std::uint32_t>(0x0) == virtio_magic);
    (void)page.read<std::uint32_t>(window1_length);  // allowed: no throw, no fault
}

TEST_CASE("the PL031's reg covers its whole page", "[mapping][bound]") {
    const auto info = uiokit::find(uiokit::Selector::name(pl031_name));
    REQUIRE(info.maps.size() == 1);
    CHECK(info.maps[0].reg_size == std::optional<std::uint64_t>(Pl031::size));
    CHECK(info.maps[0].bound() == info.maps[0].window_size());
}
