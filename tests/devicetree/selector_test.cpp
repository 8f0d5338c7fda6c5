// The device-tree selectors against the simulator: dt:, compatible:, label:, and what happens when
// the tree is absent, unreadable or lacks __symbols__.
#include <catch2/catch.hpp>

#include <uiokit/devicetree.hpp>
#include <uiokit/discovery.hpp>
#include <uiokit/error.hpp>
#include <uiokit/selector.hpp>
#include <uiokit/sim/simulated_system.hpp>

#include "test_support.hpp"

using uiokit::Selector;

namespace {

// QEMU virt's PL031 and the vboard window, as the overlays leave them, with labels.
const char* const board_dts = R"(
/dts-v1/;
/ {
	#address-cells = <2>;
	#size-cells = <2>;

	rtc: pl031@9010000 {
		compatible = "generic-uio";
		reg = <0x0 0x9010000 0x0 0x1000>;
		interrupts = <0 2 4>;
	};

	gpio: pl061@9030000 {
		compatible = "arm,pl061", "arm,primecell";
		reg = <0x0 0x9030000 0x0 0x1000>;
	};

	window: id-window@9030fe0 {
		compatible = "uiokit,test-window", "generic-uio";
		reg = <0x0 0x09030fe0 0x0 0x20>, <0x0 0x0a003e00 0x0 0x10>;
		linux,uio-name = "idwindow";
	};

	spare: spare@9040000 {
		compatible = "uiokit,spare", "generic-uio";
		reg = <0x0 0x9040000 0x0 0x1000>;
		status = "disabled";
	};
};
)";

struct Board {
    uiokit::sim::SimulatedSystem sim;
    uiokit::Host host = sim.host();

    explicit Board(bool window_has_of_node = true) {
        sim.add_device({.name = "pl031", .maps = {{0x9010000, 0x1000, ""}}});
        uiokit::sim::DeviceSpec window{.name = "idwindow",
                                       .maps = {{0x9030fe0, 0x20, "id-window@9030fe0"}, {0xa003e00, 0x10, "id-window@9030fe0"}},
                                       .has_interrupt = false,
                                       .of_node = "/id-window@9030fe0"};
        window.has_of_node = window_has_of_node;
        sim.add_device(window);
    }

    void install_tree(const dttest::TempDir& dir, bool with_symbols = true) {
        const auto dtb = dttest::compile_dts(dir.path(), "board", board_dts, with_symbols);
        std::filesystem::copy_file(dtb, host.fdt, std::filesystem::copy_options::overwrite_existing);
    }
};

}  // namespace

TEST_CASE("parse knows the device-tree prefixes and keeps the older forms", "[devicetree][selector]") {
    const auto dt = Selector::parse("dt:/pl031@9010000");
    REQUIRE(std::holds_alternative<Selector::ByDtPath>(dt.value()));
    CHECK(std::get<Selector::ByDtPath>(dt.value()).path == "/pl031@9010000");
    CHECK(dt.describe() == "device-tree path /pl031@9010000");

    const auto compatible = Selector::parse("compatible:arm,pl031");
    REQUIRE(std::holds_alternative<Selector::ByCompatible>(compatible.value()));
    CHECK(std::get<Selector::ByCompatible>(compatible.value()).compatible == "arm,pl031");
    CHECK(compatible.describe() == "compatible 'arm,pl031'");

    const auto label = Selector::parse("label:rtc");
    REQUIRE(std::holds_alternative<Selector::ByLabel>(label.value()));
    CHECK(std::get<Selector::ByLabel>(label.value()).label == "rtc");
    CHECK(label.describe() == "device-tree label 'rtc'");

    CHECK_THROWS_WITH(Selector::parse("dt:"), Catch::Contains("nothing after 'dt:'"));
    CHECK_THROWS_WITH(Selector::parse("dt:pl031@9010000"), Catch::Contains("starts with '/'"));
    CHECK_THROWS_AS(Selector::parse("compatible:"), uiokit::ParseError);
    CHECK_THROWS_AS(Selector::parse("label:"), uiokit::ParseError);

    CHECK(std::holds_alternative<Selector::ByDevNode>(Selector::parse("/dev/uio0").value()));
    CHECK(std::holds_alternative<Selector::ByName>(Selector::parse("pl031").value()));
    CHECK(std::holds_alternative<Selector::ByName>(Selector::parse("dtx").value()));
    CHECK(std::holds_alternative<Selector::ByIndex>(Selector::parse("uio1").value()));
}

TEST_CASE("dt: matches device/of_node and needs no tree", "[devicetree][selector]") {
    Board board;
    REQUIRE_FALSE(std::filesystem::exists(board.host.fdt));
    CHECK(uiokit::find(Selector::parse("dt:/pl031@9010000"), board.host).index == 0);
    CHECK(uiokit::find(Selector::parse("dt:/id-window@9030fe0/"), board.host).index == 1);
    CHECK_THROWS_WITH(uiokit::find(Selector::parse("dt:/pl031@9010001"), board.host),
                      Catch::Contains("no UIO device with device-tree path /pl031@9010001") &&
                          Catch::Contains("uio0 'pl031'"));
}

TEST_CASE("dt: finds a device with of_node when another device has none and the tree is unreadable", "[devicetree][selector]") {
    Board board;
    // A device not from the device tree (uio_pci_generic, say), and /sys/firmware/fdt root-only.
    board.sim.add_device({.name = "pci", .maps = {{0xfe000000, 0x1000, ""}}, .has_of_node = false});
    REQUIRE_FALSE(std::filesystem::exists(board.host.fdt));
    CHECK(uiokit::find(Selector::parse("dt:/pl031@9010000"), board.host).index == 0);
    CHECK(uiokit::find(Selector::parse("dt:/id-window@9030fe0"), board.host).index == 1);
    // With no match among the devices that have of_node, the unreadable tree is the answer.
    CHECK_THROWS_WITH(uiokit::find(Selector::parse("dt:/nowhere@0"), board.host),
                      Catch::Contains("read device tree " + board.host.fdt.string()));
}

TEST_CASE("dt: for a device without of_node uses the tree and its map addresses", "[devicetree][selector]") {
    Board board(false);
    dttest::TempDir dir;
    // Without a tree, the lookup says the tree is missing.
    CHECK_THROWS_WITH(uiokit::find(Selector::parse("dt:/id-window@9030fe0"), board.host),
                      Catch::Contains("read device tree " + board.host.fdt.string()));
    board.install_tree(dir);
    CHECK(uiokit::find(Selector::parse("dt:/id-window@9030fe0"), board.host).index == 1);
    const auto device = uiokit::read_device(1, board.host);
    CHECK_FALSE(device.of_node);
    const auto node = uiokit::DeviceTree::load(board.host.fdt).node_for(device);
    REQUIRE(node);
    CHECK(node->uio_name == "idwindow");
}

TEST_CASE("compatible: finds the device of a node with that compatible string", "[devicetree][selector]") {
    Board board;
    dttest::TempDir dir;
    board.install_tree(dir);
    CHECK(uiokit::find(Selector::parse("compatible:uiokit,test-window"), board.host).index == 1);
    CHECK_THROWS_WITH(uiokit::find(Selector::parse("compatible:generic-uio"), board.host),
                      Catch::Contains("matches several UIO devices (uio0 'pl031', uio1 'idwindow')"));
    CHECK_THROWS_WITH(uiokit::find(Selector::parse("compatible:arm,pl061"), board.host),
                      Catch::Contains("/pl061@9030000 is not compatible with generic-uio"));
    CHECK_THROWS_WITH(uiokit::find(Selector::parse("compatible:uiokit,spare"), board.host),
                      Catch::Contains("/spare@9040000 has status \"disabled\""));
    CHECK_THROWS_AS(uiokit::find(Selector::parse("compatible:no,such"), board.host), uiokit::DeviceNotFoundError);
    CHECK_THROWS_WITH(uiokit::find(Selector::parse("compatible:no,such"), board.host),
                      Catch::Contains("no node of the device tree " + board.host.fdt.string()));
}

TEST_CASE("label: needs __symbols__ and says so", "[devicetree][selector]") {
    Board board;
    dttest::TempDir dir;
    board.install_tree(dir);
    CHECK(uiokit::find(Selector::parse("label:rtc"), board.host).index == 0);
    CHECK(uiokit::find(Selector::label("window"), board.host).index == 1);
    CHECK_THROWS_WITH(uiokit::find(Selector::parse("label:nosuch"), board.host),
                      Catch::Contains("no label 'nosuch'"));
    CHECK_THROWS_WITH(uiokit::find(Selector::parse("label:gpio"), board.host),
                      Catch::Contains("no UIO device with device-tree label 'gpio'"));

    board.install_tree(dir, false);
    CHECK_THROWS_WITH(uiokit::find(Selector::parse("label:rtc"), board.host),
                      Catch::Contains("has no __symbols__") && Catch::Contains("dtc -@"));
}

TEST_CASE("with an absent or malformed tree the device-tree lookups say so and nothing else breaks", "[devicetree][selector]") {
    Board board;
    try {
        (void)uiokit::find(Selector::parse("compatible:generic-uio"), board.host);
        FAIL("found a device without a tree");
    } catch (const uiokit::DeviceTreeError& e) {
        CHECK(e.code().value() == ENOENT);
        CHECK_THAT(e.what(), Catch::Contains(board.host.fdt.string()));
    }
    CHECK_THROWS_AS(uiokit::find(Selector::parse("label:rtc"), board.host), uiokit::DeviceTreeError);

    dttest::write_text(board.host.fdt, "not a device tree at all, but long enough for a header");
    CHECK_THROWS_WITH(uiokit::find(Selector::parse("label:rtc"), board.host), Catch::Contains("not a DTB"));

    // Every other selector and discovery itself ignore the tree.
    CHECK(uiokit::find(Selector::parse("pl031"), board.host).index == 0);
    CHECK(uiokit::find(Selector::parse("0x9030fe4"), board.host).index == 1);
    CHECK(uiokit::find(Selector::parse("dt:/pl031@9010000"), board.host).index == 0);
    CHECK(uiokit::enumerate(board.host).size() == 2);
}

TEST_CASE("a live-tree directory works as Host::fdt", "[devicetree][selector]") {
    Board board;
    dttest::TempDir dir;
    // The simulator writes sysfs's devicetree/base/<node>/name; add the properties a lookup needs.
    const auto base = board.sim.sysfs_root() / "firmware/devicetree/base";
    dttest::write_text(base / "pl031@9010000" / "compatible", std::string("uiokit,live\0", 12));
    board.host.fdt = base;
    CHECK(uiokit::find(Selector::parse("compatible:uiokit,live"), board.host).index == 0);
}
