// Discovery against a simulated /sys/class/uio tree in the kernel's formats.
#include <catch2/catch.hpp>

#include <uiokit/discovery.hpp>
#include <uiokit/error.hpp>
#include <uiokit/sim/simulated_system.hpp>

#include "sim_device.hpp"
#include "test_support.hpp"

using namespace uiokit;
using uiokit_test::SimDevice;
namespace fs = std::filesystem;

namespace {
sim::DeviceSpec rtc_spec() { return {.name = "pl031", .maps = {{.phys = 0x9010000, .length = 0x1000}}}; }
}  // namespace

TEST_CASE("enumerate reads every attribute as the kernel prints it", "[discovery][sysfs]") {
    sim::SimulatedSystem sys;
    sys.add_device(rtc_spec());
    sys.add_device({.name = "multi",
                    .maps = {{.phys = 0x9010010, .length = 0x20}, {.phys = 0x9030fe0, .length = 0x20, .name = "ids"}},
                    .has_interrupt = false});

    const auto devices = enumerate(sys.host());
    REQUIRE(devices.size() == 2);

    const DeviceInfo& rtc = devices[0];
    CHECK(rtc.index == 0);
    CHECK(rtc.name == "pl031");
    CHECK(rtc.version == "devicetree");
    CHECK(rtc.event_count == 0);
    CHECK(rtc.dev_node == sys.root() / "dev/uio0");
    CHECK(rtc.of_node == std::optional<std::string>("/pl031@9010000"));
    REQUIRE(rtc.maps.size() == 1);
    CHECK(rtc.maps[0].name == "pl031@9010000");
    CHECK(rtc.maps[0].addr == 0x9010000);
    CHECK(rtc.maps[0].size == 0x1000);
    CHECK(rtc.maps[0].offset == 0);

    const DeviceInfo& multi = devices[1];
    REQUIRE(multi.maps.size() == 2);
    // uio_pdrv_genirq page-aligns: addr is the page, offset the registers' place in it.
    CHECK(multi.maps[0].addr == 0x9010000);
    CHECK(multi.maps[0].offset == 0x10);
    CHECK(multi.maps[0].size == 0x1000);
    CHECK(multi.maps[0].start() == 0x9010010);
    CHECK(multi.maps[0].window_size() == 0xff0);
    CHECK(multi.maps[1].index == 1);
    CHECK(multi.maps[1].name == "ids");
    CHECK(multi.maps[1].offset == 0xfe0);
    CHECK(multi.maps[1].window_size() == 0x20);
}

TEST_CASE("the simulated tree has the kernel's exact text", "[discovery][sysfs]") {
    sim::SimulatedSystem sys;
    sys.add_device({.name = "multi", .maps = {{.phys = 0x9010010, .length = 0x20}}});
    const fs::path map0 = sys.device_dir(0) / "maps/map0";
    CHECK(uiokit_test_read(map0 / "addr") == "0x0000000009010000\n");
    CHECK(uiokit_test_read(map0 / "size") == "0x0000000000001000\n");
    CHECK(uiokit_test_read(map0 / "offset") == "0x10\n");
    CHECK(uiokit_test_read(map0 / "name") == "multi@9010010\n");
    CHECK(uiokit_test_read(sys.device_dir(0) / "event") == "0\n");
    CHECK(fs::is_symlink(sys.root() / "sys/class/uio/uio0"));
}

TEST_CASE("no UIO devices, or no UIO core at all, is an empty list", "[discovery][sysfs]") {
    sim::SimulatedSystem sys;
    CHECK(enumerate(sys.host()).empty());
    Host missing = sys.host();
    missing.class_dir = sys.root() / "no-such-dir";
    CHECK(enumerate(missing).empty());
    CHECK_THROWS_WITH(find(Selector::name("pl031"), missing), Catch::Contains("there are no UIO devices"));
}

TEST_CASE("find by name accepts the name with and without a unit address", "[discovery][sysfs]") {
    sim::SimulatedSystem sys;
    sys.add_device({.name = "other", .maps = {{.phys = 0x9000000, .length = 0x1000}}});
    sys.add_device(rtc_spec());
    const Host host = sys.host();
    CHECK(find(Selector::name("pl031"), host).index == 1);
    CHECK(find(Selector::name("pl031@9010000"), host).index == 1);  // 6.1 prints "pl031"
    CHECK_THROWS_AS(find(Selector::name("pl031@9020000"), host), DeviceNotFoundError);  // wrong unit
    CHECK_THROWS_AS(find(Selector::name("pl03"), host), DeviceNotFoundError);           // no prefix match

    sim::SimulatedSystem newer;  // kernels from 2024 print the unit address in `name`
    newer.add_device({.name = "pl031@9010000", .maps = {{.phys = 0x9010000, .length = 0x1000}}});
    CHECK(find(Selector::name("pl031"), newer.host()).index == 0);
    CHECK(find(Selector::name("pl031@9010000"), newer.host()).index == 0);
    CHECK_THROWS_AS(find(Selector::name("pl031@9020000"), newer.host()), DeviceNotFoundError);
}

TEST_CASE("a name that matches several devices is an error that names them", "[discovery][sysfs]") {
    sim::SimulatedSystem sys;
    sys.add_device({.name = "fpga", .maps = {{.phys = 0x40000000, .length = 0x1000}}});
    sys.add_device({.name = "fpga", .maps = {{.phys = 0x40010000, .length = 0x1000}}});
    CHECK_THROWS_WITH(find(Selector::name("fpga"), sys.host()),
                      Catch::Contains("(uio0 'fpga', uio1 'fpga')") && Catch::Contains("several"));
    // The unit address picks one of them.
    CHECK(find(Selector::name("fpga@40010000"), sys.host()).index == 1);
}

TEST_CASE("uio1 is never confused with uio10", "[discovery][sysfs]") {
    sim::SimulatedSystem sys;
    sys.add_device({.name = "ten", .maps = {{.phys = 0x1000, .length = 0x10}}}, 10);
    sys.add_device({.name = "one", .maps = {{.phys = 0x2000, .length = 0x10}}}, 1);
    CHECK(device_indices(sys.host()) == std::vector<unsigned>{1, 10});
    CHECK(find(Selector::index(1), sys.host()).name == "one");
    CHECK(find(Selector::index(10), sys.host()).name == "ten");
    CHECK(find(Selector::dev_node((sys.root() / "dev/uio1").string()), sys.host()).name == "one");
    CHECK(find(Selector::parse("uio10"), sys.host()).name == "ten");
    CHECK_THROWS_AS(find(Selector::index(2), sys.host()), DeviceNotFoundError);
}

TEST_CASE("find by device node follows symlinks such as /dev/uio/by-name/<name>", "[discovery][sysfs]") {
    sim::SimulatedSystem sys;
    sys.add_device(rtc_spec());
    sys.add_device({.name = "gpio", .maps = {{.phys = 0x9030000, .length = 0x1000}}});
    TempDir links;
    fs::create_directories(links.path() / "by-name");
    fs::create_symlink(sys.root() / "dev/uio1", links.path() / "by-name/gpio");
    CHECK(find(Selector::parse((links.path() / "by-name/gpio").string()), sys.host()).name == "gpio");
    CHECK_THROWS_WITH(find(Selector::dev_node((links.path() / "nope").string()), sys.host()),
                      Catch::Contains("nope"));
}

TEST_CASE("find by physical address uses the register window, not the page", "[discovery][sysfs]") {
    sim::SimulatedSystem sys;
    sys.add_device({.name = "low", .maps = {{.phys = 0x9010000, .length = 0x10}}});
    sys.add_device({.name = "window", .maps = {{.phys = 0x9030fe0, .length = 0x20}}});
    const Host host = sys.host();
    CHECK(find(Selector::address(0x9010000), host).name == "low");
    CHECK(find(Selector::address(0x9030fe0), host).name == "window");
    CHECK(find(Selector::address(0x9030fff), host).name == "window");
    CHECK(find(Selector::parse("0x9030ff0"), host).name == "window");
    // Below the page offset and past the end of the page are not the device's registers.
    CHECK_THROWS_AS(find(Selector::address(0x9030000), host), DeviceNotFoundError);
    CHECK_THROWS_AS(find(Selector::address(0x9031000), host), DeviceNotFoundError);
}

TEST_CASE("find by address picks the window that starts nearest below, when windows share a page", "[discovery][sysfs]") {
    sim::SimulatedSystem sys;
    // The kernel reports both windows as running to the end of the page.
    sys.add_device({.name = "first", .maps = {{.phys = 0xa003c00, .length = 0x200}}});
    sys.add_device({.name = "second", .maps = {{.phys = 0xa003e00, .length = 0x200}}});
    sys.add_device({.name = "twin", .maps = {{.phys = 0xb000000, .length = 0x100}}});
    sys.add_device({.name = "twin", .maps = {{.phys = 0xb000000, .length = 0x100}}});
    const Host host = sys.host();
    CHECK(find(Selector::address(0xa003c00), host).name == "first");
    CHECK(find(Selector::address(0xa003dfc), host).name == "first");
    CHECK(find(Selector::address(0xa003e00), host).name == "second");
    CHECK(find(Selector::address(0xa003ffc), host).name == "second");
    CHECK_THROWS_WITH(find(Selector::address(0xb000010), host), Catch::Contains("(uio2 'twin', uio3 'twin')"));
}

TEST_CASE("not found lists what exists", "[discovery][sysfs]") {
    sim::SimulatedSystem sys;
    sys.add_device(rtc_spec());
    CHECK_THROWS_WITH(find(Selector::name("uart"), sys.host()),
                      Catch::Contains("name 'uart'") && Catch::Contains("uio0 'pl031' at 0x9010000"));
}

TEST_CASE("malformed or missing attributes are errors naming the file", "[discovery][sysfs]") {
    sim::SimulatedSystem sys;
    sys.add_device(rtc_spec());
    const fs::path dir = sys.device_dir(0);
    SECTION("garbled address") {
        overwrite(dir / "maps/map0/addr", "0x00000000090zz000\n");
        CHECK_THROWS_WITH(enumerate(sys.host()), Catch::Contains("maps/map0/addr") && Catch::Contains("hex"));
    }
    SECTION("empty size") {
        overwrite(dir / "maps/map0/size", "");
        CHECK_THROWS_WITH(enumerate(sys.host()), Catch::Contains("maps/map0/size"));
    }
    SECTION("offset outside the map") {
        overwrite(dir / "maps/map0/offset", "0x1000\n");
        CHECK_THROWS_WITH(enumerate(sys.host()), Catch::Contains("maps/map0/offset"));
    }
    SECTION("missing version") {
        fs::remove(dir / "version");
        CHECK_THROWS_WITH(enumerate(sys.host()), Catch::Contains("version"));
    }
    SECTION("garbled event count") {
        overwrite(dir / "event", "12x\n");
        CHECK_THROWS_WITH(read_device(0, sys.host()), Catch::Contains("event") && Catch::Contains("decimal"));
    }
}

TEST_CASE("Selector::parse tells indices, nodes, addresses and names apart", "[discovery][sysfs]") {
    using S = Selector;
    CHECK(std::holds_alternative<S::ByIndex>(S::parse("uio3").value()));
    CHECK(std::holds_alternative<S::ByDevNode>(S::parse("/dev/uio3").value()));
    CHECK(std::holds_alternative<S::ByDevNode>(S::parse("/dev/uio/by-name/rtc").value()));
    CHECK(std::get<S::ByAddress>(S::parse("0x9010000").value()).phys == 0x9010000);
    CHECK(std::get<S::ByName>(S::parse("pl031@9010000").value()).name == "pl031@9010000");
    CHECK(std::get<S::ByName>(S::parse("uio").value()).name == "uio");
    CHECK_THROWS_AS(S::parse(""), ParseError);
    CHECK_THROWS_WITH(S::parse("3"), Catch::Contains("ambiguous"));
    CHECK_THROWS_AS(S::parse("0xzz"), ParseError);
}

TEST_CASE("garbled, truncated and empty attributes each name the file", "[fault]") {
    SimDevice sim;
    const fs::path dir = sim.system.device_dir(0);
    const auto expect_error_naming = [&](const fs::path& file, const std::string& text) {
        overwrite(file, text);
        INFO(file << " = '" << text << "'");
        CHECK_THROWS_WITH(enumerate(sim.host()), Catch::Contains(file.string()));
        CHECK_THROWS_WITH(find(Selector::address(0x40000000), sim.host()), Catch::Contains(file.string()));
    };
    expect_error_naming(dir / "maps/map0/addr", "0x00000000400000zz\n");  // garbled
    overwrite(dir / "maps/map0/addr", "0x0000000040000000\n");
    expect_error_naming(dir / "maps/map0/addr", "0x0000000040000000 0x1\n");  // two values
    overwrite(dir / "maps/map0/addr", "0x0000000040000000\n");
    expect_error_naming(dir / "maps/map0/size", "");
    overwrite(dir / "maps/map0/size", "0x0000000000001000\n");
    expect_error_naming(dir / "maps/map0/offset", "0x\n");                 // truncated
    overwrite(dir / "maps/map0/offset", "0x0\n");
    expect_error_naming(dir / "maps/map0/size", "0x0000000000000000\n");   // a map of size 0
}
