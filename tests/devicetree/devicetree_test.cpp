// Decoding: every fact of a node, from small DTBs that dtc builds during the test run.
#include <catch2/catch.hpp>

#include <uiokit/devicetree.hpp>
#include <uiokit/discovery.hpp>
#include <uiokit/error.hpp>

#include "test_support.hpp"

using uiokit::DeviceTree;
using uiokit::DtNode;
using uiokit::DtRegion;

namespace {

// Buses with and without cells and ranges, labels, status, linux,uio-name.
const char* const facts_dts = R"(
/dts-v1/;
/ {
	#address-cells = <2>;
	#size-cells = <2>;
	compatible = "uiokit,facts";

	rtc: clock_rtc: pl031@9010000 {
		compatible = "arm,pl031", "arm,primecell";
		reg = <0x0 0x9010000 0x0 0x1000>;
		interrupts = <0 2 4>;
	};

	soc {
		compatible = "simple-bus";
		#address-cells = <1>;
		#size-cells = <1>;
		ranges = <0x7e000000 0x0 0xfe000000 0x01800000>;

		spi0: spi@7e204000 {
			compatible = "brcm,bcm2835-spi", "generic-uio";
			reg = <0x7e204000 0x200>;
			interrupts = <0 118 4>;
			status = "disabled";
			linux,uio-name = "spi-uio";
		};

		multi@7e001010 {
			compatible = "generic-uio";
			reg = <0x7e001010 0x10>, <0x7e002000 0x20>;
		};
	};

	nocells {
		/* no #address-cells / #size-cells: children use the defaults 2 and 1; no ranges */
		child@100 {
			reg = <0x0 0x100 0x10>;
		};
	};

	i2c {
		#address-cells = <1>;
		#size-cells = <0>;
		sensor@48 {
			compatible = "ti,tmp102";
			reg = <0x48>;
		};
	};

	pci {
		#address-cells = <3>;
		#size-cells = <2>;
		dev@0 {
			reg = <0x0 0x0 0x0 0x0 0x0>;
		};
	};
};
)";

DeviceTree facts_tree(const dttest::TempDir& dir, bool with_symbols = true) {
    const auto dtb = dttest::compile_dts(dir.path(), "facts", facts_dts, with_symbols);
    return DeviceTree::load(dtb);
}

}  // namespace

TEST_CASE("every fact of a node is decoded", "[devicetree]") {
    dttest::TempDir dir;
    const DeviceTree tree = facts_tree(dir);
    const auto rtc = tree.find_path("/pl031@9010000");
    REQUIRE(rtc);
    CHECK(rtc->path == "/pl031@9010000");
    CHECK(rtc->name == "pl031@9010000");
    CHECK(rtc->base_name() == "pl031");
    CHECK(rtc->compatible == std::vector<std::string>{"arm,pl031", "arm,primecell"});
    CHECK(rtc->is_compatible("arm,primecell"));
    CHECK_FALSE(rtc->is_compatible("arm,pl03"));
    CHECK(rtc->address_cells == 2);
    CHECK(rtc->size_cells == 2);
    REQUIRE(rtc->reg.size() == 1);
    CHECK(rtc->reg[0] == DtRegion{0x9010000, 0x1000, 0x9010000});
    CHECK(rtc->interrupts == std::vector<std::uint32_t>{0, 2, 4});
    CHECK(rtc->status == "okay");
    CHECK(rtc->enabled());
    CHECK(rtc->labels == std::vector<std::string>{"clock_rtc", "rtc"});
    CHECK_FALSE(rtc->uio_name);
}

TEST_CASE("reg uses the parent's cells and CPU addresses go through every bus's ranges", "[devicetree]") {
    dttest::TempDir dir;
    const DeviceTree tree = facts_tree(dir);
    const auto spi = tree.find_path("/soc/spi@7e204000");
    REQUIRE(spi);
    CHECK(spi->address_cells == 1);
    CHECK(spi->size_cells == 1);
    REQUIRE(spi->reg.size() == 1);
    CHECK(spi->reg[0].address == 0x7e204000);
    CHECK(spi->reg[0].size == 0x200);
    CHECK(spi->reg[0].cpu_address == 0xfe204000);
    CHECK(spi->status == "disabled");
    CHECK_FALSE(spi->enabled());
    CHECK(spi->uio_name == "spi-uio");
    CHECK(spi->labels == std::vector<std::string>{"spi0"});

    const auto multi = tree.find_path("/soc/multi@7e001010");
    REQUIRE(multi);
    REQUIRE(multi->reg.size() == 2);
    CHECK(multi->reg[0] == DtRegion{0x7e001010, 0x10, 0xfe001010});
    CHECK(multi->reg[1] == DtRegion{0x7e002000, 0x20, 0xfe002000});
    CHECK(multi->interrupts.empty());
    CHECK(multi->labels.empty());
}

TEST_CASE("a parent without #address-cells/#size-cells gives its children the defaults 2 and 1", "[devicetree]") {
    dttest::TempDir dir;
    const DeviceTree tree = facts_tree(dir);
    const auto child = tree.find_path("/nocells/child@100");
    REQUIRE(child);
    CHECK(child->address_cells == 2);
    CHECK(child->size_cells == 1);
    REQUIRE(child->reg.size() == 1);
    CHECK(child->reg[0].address == 0x100);
    CHECK(child->reg[0].size == 0x10);
    CHECK_FALSE(child->reg[0].cpu_address);  // a bus without ranges is not memory-mapped
}

TEST_CASE("buses that are not memory-mapped or have addresses wider than 64 bits", "[devicetree]") {
    dttest::TempDir dir;
    const DeviceTree tree = facts_tree(dir);
    const auto sensor = tree.find_path("/i2c/sensor@48");
    REQUIRE(sensor);
    CHECK(sensor->size_cells == 0);
    REQUIRE(sensor->reg.size() == 1);
    CHECK(sensor->reg[0].address == 0x48);
    CHECK(sensor->reg[0].size == 0);
    CHECK_FALSE(sensor->reg[0].cpu_address);

    const auto pci = tree.find_path("/pci/dev@0");
    REQUIRE(pci);
    CHECK(pci->address_cells == 3);
    CHECK(pci->reg.empty());
}

TEST_CASE("lookups by path and compatible and label and CPU address", "[devicetree]") {
    dttest::TempDir dir;
    const DeviceTree tree = facts_tree(dir);
    CHECK(tree.find_path("/soc/spi@7e204000/"));  // a trailing slash is the same node
    CHECK_FALSE(tree.find_path("/soc/spi@7e204001"));
    CHECK_FALSE(tree.find_path("spi0"));          // an alias or label is not a path

    const auto generic = tree.find_compatible("generic-uio");
    REQUIRE(generic.size() == 2);
    CHECK(generic[0].path == "/soc/spi@7e204000");  // tree order
    CHECK(generic[1].path == "/soc/multi@7e001010");
    CHECK(tree.find_compatible("no,such").empty());

    REQUIRE(tree.find_label("rtc"));
    CHECK(tree.find_label("rtc")->path == "/pl031@9010000");
    CHECK(tree.find_label("spi0")->path == "/soc/spi@7e204000");
    CHECK_FALSE(tree.find_label("nosuch"));
    CHECK(tree.has_symbols());
    CHECK(tree.symbols().at("clock_rtc") == "/pl031@9010000");

    const auto at_spi = tree.find_address(0xfe2041ff);
    REQUIRE(at_spi.size() == 1);
    CHECK(at_spi[0].path == "/soc/spi@7e204000");
    CHECK(tree.find_address(0xfe204200).empty());  // one past the window
    CHECK(tree.find_address(0x7e204000).empty());  // the bus address is not a CPU address
    CHECK(tree.find_address(0xfe002010).at(0).path == "/soc/multi@7e001010");  // second window

    // root, pl031, soc, spi, multi, nocells, child, i2c, sensor, pci, dev, __symbols__
    CHECK(tree.nodes().size() == 12);
}

TEST_CASE("without dtc -@ there are no labels", "[devicetree]") {
    dttest::TempDir dir;
    const DeviceTree tree = facts_tree(dir, false);
    CHECK_FALSE(tree.has_symbols());
    CHECK(tree.symbols().empty());
    CHECK_FALSE(tree.find_label("rtc"));
    CHECK(tree.find_path("/pl031@9010000")->labels.empty());
}

TEST_CASE("a property in the wrong format is an error naming the node", "[devicetree]") {
    dttest::TempDir dir;
    const auto dtb = dttest::compile_dts(dir.path(), "bad", R"(
/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	odd@1000 { reg = <0x1000 0x10 0x2000>; };
	notstring { status = <1>; };
};
)");
    const DeviceTree tree = DeviceTree::load(dtb);
    CHECK_THROWS_WITH(tree.find_path("/odd@1000"),
                      Catch::Contains("node /odd@1000") && Catch::Contains("reg has 3 cells") &&
                          Catch::Contains(dtb.string()));
    CHECK_THROWS_AS(tree.find_path("/notstring"), uiokit::DeviceTreeError);
    // A search skips what it cannot decode instead of failing.
    CHECK(tree.find_address(0x1000).empty());
    CHECK(tree.nodes().size() == 1);
}

TEST_CASE("the node of a UIO device comes from of_node or else from its map addresses", "[devicetree]") {
    dttest::TempDir dir;
    const DeviceTree tree = facts_tree(dir);

    uiokit::DeviceInfo by_of_node;
    by_of_node.name = "pl031";
    by_of_node.of_node = "/pl031@9010000";
    CHECK(tree.node_for(by_of_node)->path == "/pl031@9010000");

    // No of_node: the maps start where reg starts, in CPU addresses (page base + offset).
    uiokit::DeviceInfo multi;
    multi.name = "multi";
    multi.maps.push_back({0, "multi@7e001010", 0xfe001000, 0x1000, 0x10});
    multi.maps.push_back({1, "multi@7e001010", 0xfe002000, 0x1000, 0x0});
    CHECK(tree.node_for(multi)->path == "/soc/multi@7e001010");

    // A second map that does not match reg[1] is not that node.
    multi.maps[1].offset = 0x8;
    CHECK_FALSE(tree.node_for(multi));

    // An of_node the tree does not have falls back to the addresses.
    uiokit::DeviceInfo spi;
    spi.name = "spi-uio";
    spi.of_node = "/not/in/this/tree";
    spi.maps.push_back({0, "spi@7e204000", 0xfe204000, 0x1000, 0x0});
    CHECK(tree.node_for(spi)->path == "/soc/spi@7e204000");

    uiokit::DeviceInfo nowhere;
    nowhere.maps.push_back({0, "x", 0x1234000, 0x1000, 0x0});
    CHECK_FALSE(tree.node_for(nowhere));
}

TEST_CASE("the live tree: a directory per node and a file per property", "[devicetree]") {
    dttest::TempDir dir;
    const auto base = dir / "base";
    const auto node = base / "pl031@9010000";
    std::filesystem::create_directories(node);
    std::filesystem::create_directories(base / "__symbols__");
    const auto be32 = [](std::initializer_list<std::uint32_t> cells) {
        std::vector<std::byte> bytes;
        for (std::uint32_t c : cells)
            for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<std::byte>((c >> shift) & 0xff));
        return bytes;
    };
    dttest::write_bytes(base / "#address-cells", be32({2}));
    dttest::write_bytes(base / "#size-cells", be32({2}));
    dttest::write_text(base / "name", std::string("\0", 1));
    dttest::write_text(node / "compatible", std::string("generic-uio\0", 12));
    dttest::write_text(node / "name", std::string("pl031\0", 6));
    dttest::write_bytes(node / "reg", be32({0, 0x9010000, 0, 0x1000}));
    dttest::write_bytes(node / "interrupts", be32({0, 2, 4}));
    dttest::write_text(base / "__symbols__" / "rtc", std::string("/pl031@9010000\0", 15));

    const DeviceTree live = DeviceTree::load(base);
    CHECK(live.source() == base.string());
    const auto rtc = live.find_label("rtc");
    REQUIRE(rtc);
    CHECK(rtc->compatible == std::vector<std::string>{"generic-uio"});
    CHECK(rtc->reg.at(0) == DtRegion{0x9010000, 0x1000, 0x9010000});
    CHECK(rtc->interrupts == std::vector<std::uint32_t>{0, 2, 4});

    // dtc reads the same directory into the same tree.
    const auto r = dttest::run({dttest::dtc(), "-I", "fs", "-O", "dtb", "-o", (dir / "fs.dtb").string(), base.string()});
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    const DeviceTree by_dtc = DeviceTree::load(dir / "fs.dtb");
    CHECK(by_dtc.find_path("/pl031@9010000")->reg == rtc->reg);
    CHECK(by_dtc.find_path("/pl031@9010000")->labels == rtc->labels);
}
