// Mapping real device memory: typed register blocks over the PL031, and the windows that start
// inside a page (the kernel's maps/mapN/offset path).
#include <catch2/catch.hpp>

#include <array>
#include <thread>

#include "board.hpp"

using namespace vboard;
using namespace std::chrono_literals;

TEST_CASE("PL031 identification registers read the documented values through a register block",
          "[mapping]") {
    auto dev = uiokit::Device::open(uiokit::Selector::name(pl031_name));
    const uiokit::Region window = dev.map(0);
    CHECK(window.size() == dev.info().map(0).window_size());
    CHECK(window.size() >= Pl031::size);
    CHECK(window.writable());

    const uiokit::RegisterBlock<Pl031> rtc(window);
    const std::array<std::uint32_t, 4> periph{rtc.read(PeriphID<0>{}), rtc.read(PeriphID<1>{}),
                                              rtc.read(PeriphID<2>{}), rtc.read(PeriphID<3>{})};
    const std::array<std::uint32_t, 4> cell{rtc.read(CellID<0>{}), rtc.read(CellID<1>{}),
                                            rtc.read(CellID<2>{}), rtc.read(CellID<3>{})};
    for (unsigned i = 0; i < 4; ++i) {
        INFO("ID register " << i);
        CHECK(periph[i] == pl031_periph_id[i]);
        CHECK(cell[i] == primecell_cell_id[i]);
    }
    // the same registers through the checked Region accessors, by raw offset
    CHECK(window.read<std::uint32_t>(0xFE0) == 0x31);
    CHECK(window.read<std::uint32_t>(0xFFC) == 0xB1);
    CHECK_THROWS_AS(window.read<std::uint32_t>(0x1000), uiokit::RangeError);
    CHECK_THROWS_AS(window.read<std::uint32_t>(0x2), uiokit::RangeError);
}

TEST_CASE("PL031 data register counts seconds, and the load register sets it", "[mapping]") {
    auto dev = uiokit::Device::open(uiokit::Selector::name(pl031_name));
    uiokit::RegisterBlock<Pl031> rtc(dev.map(0));
    rtc.modify(CR::START::val<true>());
    CHECK(rtc.read(CR::START));

    // QEMU starts the RTC at the host's time of day: well after 2020-01-01 (1577836800).
    const std::uint32_t first = rtc.read(DR);
    CHECK(first > 1577836800u);

    const auto t0 = Clock::now();
    std::uint32_t now = first;
    while (now == first && seconds_since(t0) < 3.0) {
        std::this_thread::sleep_for(20ms);
        now = rtc.read(DR);
    }
    INFO("DR went from " << first << " to " << now << " in " << seconds_since(t0) << " s");
    CHECK(now == first + 1);
    // It ticks within a second of the first read; the rest is slack for a loaded emulated board (a
    // stopped counter runs the loop out to 3 s).
    CHECK(seconds_since(t0) <= 2.0);

    // LR loads the counter: a write through the mapping reaches the device
    rtc.write(LR, 1000);
    const std::uint32_t loaded = rtc.read(DR);
    CHECK((loaded == 1000 || loaded == 1001));
    rtc.write(LR, now + 1);  // back to about the time of day
    CHECK(rtc.read(DR) >= now);
}

TEST_CASE("a window that starts inside a page reads the right registers", "[mapping]") {
    auto dev = uiokit::Device::open(uiokit::Selector::name(window_name));
    const auto& info = dev.info();
    REQUIRE(info.maps.size() == 2);

    SECTION("map0: the PL061's PrimeCell ID registers at page offset 0xfe0") {
        const uiokit::Region ids = dev.map(0);
        REQUIRE(ids.size() == info.map(0).window_size());
        REQUIRE(ids.size() == window0_length);  // 0xfe0 + 0x20 ends exactly at the page's end
        const uiokit::RegisterBlock<PrimeCellIds> block(ids);
        const std::array<std::uint32_t, 8> id{
            block.read(IdReg<0>{}), block.read(IdReg<1>{}), block.read(IdReg<2>{}), block.read(IdReg<3>{}),
            block.read(IdReg<4>{}), block.read(IdReg<5>{}), block.read(IdReg<6>{}), block.read(IdReg<7>{})};
        for (unsigned i = 0; i < 4; ++i) {
            INFO("ID register " << i);
            CHECK(id[i] == pl061_periph_id[i]);
            CHECK(id[4 + i] == primecell_cell_id[i]);
        }
        // one block read, 32 bits per access
        std::array<std::uint32_t, 8> again{};
        ids.read_block<std::uint32_t>(0, again);
        CHECK(again == id);
        CHECK_THROWS_AS(ids.read<std::uint32_t>(window0_length), uiokit::RangeError);
    }

    SECTION("map1, by its name: the virtio-mmio header at page offset 0xe00") {
        const uiokit::Region hdr = dev.map(window1_name);
        // Bounded by the node's reg (0x10 bytes), not the page's 0x200 (window_bound_test.cpp).
        REQUIRE(hdr.size() == info.map(1).bound());
        CHECK(hdr.size() == window1_length);
        CHECK(info.map(1).window_size() == page_size() - 0xE00);
        CHECK(hdr.read<std::uint32_t>(0x0) == virtio_magic);
        const std::uint32_t version = hdr.read<std::uint32_t>(0x4);
        CHECK((version == 1 || version == 2));
        CHECK(hdr.read<std::uint32_t>(0x8) == 0);  // DeviceID 0: no device on this slot
        CHECK(hdr.read<std::uint32_t>(0xC) == virtio_vendor_qemu);
        // the same map by index
        CHECK(dev.map(1).read<std::uint32_t>(0x0) == virtio_magic);
    }

    SECTION("a read-only open maps too") {
        auto ro = uiokit::Device::open(uiokit::Selector::name(window_name), uiokit::OpenOptions{.writable = false});
        const uiokit::Region ids = ro.map(0);
        CHECK_FALSE(ids.writable());
        CHECK(ids.read<std::uint32_t>(0x10) == primecell_cell_id[0]);
        CHECK(uiokit::RegisterBlock<PrimeCellIds, uiokit::ReadOnlyMmioBus>(ids).read(IdReg<0>{}) ==
              pl061_periph_id[0]);
        CHECK_THROWS_AS(ids.write<std::uint32_t>(0, 0), uiokit::RangeError);
    }
}
