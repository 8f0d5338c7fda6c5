// regtool bind and unbind, in-process, against the simulator's platform bus (the Board's UIO
// devices are there too, so the new device's index follows theirs).
#include <catch2/catch.hpp>

#include "harness.hpp"

using regtool_test::Board;
using regtool_test::Result;
using namespace std::chrono_literals;

namespace {

constexpr const char* slot = "a003a00.virtio_mmio";

struct BusBoard : Board {
    explicit BusBoard(std::chrono::milliseconds probe_delay = 0ms, bool uio_loaded = true) {
        if (uio_loaded) system.add_platform_driver("uio_pdrv_genirq");
        system.add_platform_driver("virtio-mmio");
        system.add_platform_device({.name = slot,
                                    .of_node = "/virtio_mmio@a003a00",
                                    .driver = "virtio-mmio",
                                    .matching_driver = "virtio-mmio",
                                    .uio = {.name = "virtio_mmio",
                                            .maps = {{.phys = 0xa003a00, .length = 0x200}},
                                            .reg = {{.address = 0xa003a00, .size = 0x200}}},
                                    .probe_delay = probe_delay});
        context.host = system.host();
    }
};

}  // namespace

TEST_CASE("bind and unbind: text", "[regtool][cli][bind]") {
    BusBoard board;
    const Result bound = board.run({"bind", slot});
    INFO(bound.err);
    REQUIRE(bound.status == 0);
    CHECK(bound.out == std::string(slot) + ": bound to uio_pdrv_genirq as uio3 'virtio_mmio' (" + board.dev_node(3) +
                           ")\n"
                           // Bounded by the node's reg, as list and info show it; the kernel's
                           // window runs to the end of the page.
                           "  map0 'virtio_mmio@a003a00': registers at 0xa003a00, 0x200 bytes by DT reg, 0x600 to "
                           "the page end (addr 0xa003000 size 0x1000 offset 0xa00)\n"
                           "  before: driver virtio-mmio, driver_override (none)\n"
                           "  undo: regtool unbind a003a00.virtio_mmio --reprobe\n");
    // The new device is one regtool can read by name.
    CHECK(board.run({"read", "virtio_mmio", "0x0", "--no-map"}).status == 0);
    const Result again = board.run({"bind", "/virtio_mmio@a003a00"});
    CHECK(again.out.starts_with(std::string(slot) + ": already bound to uio_pdrv_genirq as uio3"));

    const Result unbound = board.run({"unbind", slot, "--reprobe"});
    INFO(unbound.err);
    REQUIRE(unbound.status == 0);
    CHECK(unbound.out == std::string(slot) +
                             ": unbound from uio_pdrv_genirq, uio3 removed; driver_override (none), driver virtio-mmio\n");
    CHECK(board.system.platform_driver(slot) == "virtio-mmio");
}

TEST_CASE("bind and unbind: JSON", "[regtool][cli][bind]") {
    BusBoard board;
    const Result bound = board.run({"bind", slot, "--json"});
    REQUIRE(bound.status == 0);
    const auto doc = bound.json();
    CHECK(doc["command"] == "bind");
    CHECK(doc["platform_device"] == slot);
    CHECK(doc["changed"] == true);
    CHECK(doc["previous_driver"] == "virtio-mmio");
    CHECK(doc["previous_override"].is_null());
    CHECK(doc["device"]["device"] == "uio3");
    CHECK(doc["device"]["of_node"] == "/virtio_mmio@a003a00");
    CHECK(doc["device"]["maps"][0]["start"] == 0xa003a00);
    CHECK(doc["device"]["maps"][0]["bound"] == 0x200);
    CHECK(doc["device"]["maps"][0]["window_size"] == 0x600);

    const Result unbound = board.run({"unbind", slot, "--override", "virtio-mmio", "--json"});
    REQUIRE(unbound.status == 0);
    const auto undone = unbound.json();
    CHECK(undone["removed"] == "uio3");
    CHECK(undone["driver_override"] == "virtio-mmio");
    CHECK(undone["driver"].is_null());
}

TEST_CASE("bind errors: cause, exit status and JSON", "[regtool][cli][bind][errors]") {
    SECTION("no such device") {
        BusBoard board;
        const Result r = board.run({"bind", "a003800.virtio_mmio", "--json"});
        CHECK(r.status == 1);
        CHECK(r.err == "regtool bind: no platform device 'a003800.virtio_mmio' (no " +
                           (board.system.sysfs_root() / "bus/platform/devices/a003800.virtio_mmio").string() +
                           "): No such device\n");
        CHECK(r.json()["error"]["cause"] == "no_such_device");
    }
    SECTION("uio_pdrv_genirq not loaded") {
        BusBoard board(0ms, false);
        const Result r = board.run({"bind", slot, "--json"});
        CHECK(r.status == 1);
        CHECK(r.json()["error"]["cause"] == "driver_not_loaded");
    }
    SECTION("permission denied") {
        BusBoard board;
        board.system.fail_attribute_writes(EACCES);
        const Result r = board.run({"bind", slot});
        CHECK(r.status == 1);
        CHECK_THAT(r.err, Catch::Contains("root needed") && Catch::Contains("Permission denied"));
        CHECK(board.system.platform_driver(slot) == "virtio-mmio");
    }
    SECTION("not appeared within --timeout: exit status 3") {
        BusBoard board(10s);
        const Result r = board.run({"bind", slot, "--timeout", "50ms", "--json"});
        CHECK(r.status == 3);
        CHECK(r.json()["error"]["cause"] == "not_appeared");
    }
    SECTION("unbind of a device bound to another driver") {
        BusBoard board;
        const Result r = board.run({"unbind", slot});
        CHECK(r.status == 1);
        CHECK_THAT(r.err, Catch::Contains("bound to virtio-mmio, not uio_pdrv_genirq"));
    }
    SECTION("usage") {
        BusBoard board;
        CHECK(board.run({"bind"}).status == 2);
        CHECK(board.run({"bind", slot, "extra"}).status == 2);
        CHECK(board.run({"bind", slot, "--timeout", "soon"}).status == 2);
        CHECK(board.run({"bind", slot, "--reprobe"}).status == 2);  // an unbind option
        CHECK(board.system.platform_driver(slot) == "virtio-mmio");
    }
}
