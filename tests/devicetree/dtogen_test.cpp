// The overlay generator: its .dtbo is what dtc makes of its .dtso, it applies with fdtoverlay, and
// the applied tree has the device as specified. Also its command line.
#include <catch2/catch.hpp>

#include <sstream>

#include <uiokit/devicetree.hpp>

#include "overlay_spec.hpp"
#include "overlay_writer.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace uiokit::dtogen;
using uiokit::DeviceTree;
using uiokit::DtRegion;

namespace {

std::string decompile(const fs::path& dtb) {
    const auto r = dttest::run({dttest::dtc(), "-I", "dtb", "-O", "dts", dtb.string()});
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    return r.output;
}

// Writes the spec's .dtbo and .dtso, checks that dtc compiles the .dtso without a warning to the
// same tree as the .dtbo, and returns the .dtbo.
fs::path generate(const dttest::TempDir& dir, const OverlaySpec& spec, const std::string& stem) {
    const fs::path dtbo = dir / (stem + ".dtbo");
    const fs::path dtso = dir / (stem + ".dtso");
    dttest::write_bytes(dtbo, overlay_blob(spec));
    dttest::write_text(dtso, overlay_source(spec));
    (void)DeviceTree::load(dtbo);  // a valid tree by libfdt's full check

    const fs::path from_source = dir / (stem + ".dtc.dtbo");
    const auto r = dttest::run({dttest::dtc(), "-@", "-I", "dts", "-O", "dtb", "-o", from_source.string(), dtso.string()});
    INFO(overlay_source(spec) << "\ndtc says:\n" << r.output);
    REQUIRE(r.exit_code == 0);
    if (spec.interrupt && !spec.interrupt->parent_label) {
        // The one warning the .dtso says to expect: dtc cannot see the base tree's interrupt parent.
        std::istringstream lines(r.output);
        std::string line;
        while (std::getline(lines, line))
            if (line.find("Warning") != std::string::npos) CHECK_THAT(line, Catch::Contains("Warning (interrupts_property)"));
        CHECK_THAT(overlay_source(spec), Catch::Contains("dtc warns (interrupts_property)"));
    } else {
        CHECK(r.output.empty());
    }
    CHECK(decompile(dtbo) == decompile(from_source));
    return dtbo;
}

OverlaySpec qemu_device() {
    OverlaySpec spec;
    spec.name = "uio-test";
    spec.reg = {{0x9040000, 0x1000}};
    spec.target_path = "/";
    spec.interrupt = InterruptSpec{.number = 3, .trigger = Trigger::edge_rising};
    spec.uio_name = "generated";
    return spec;
}

}  // namespace

TEST_CASE("a path-targeted overlay with an inherited interrupt parent applies to QEMU virt") {
    dttest::TempDir dir;
    const auto dtbo = generate(dir, qemu_device(), "qemu");
    const auto decompiled = decompile(dtbo);
    CHECK_THAT(decompiled, Catch::Contains("target-path = \"/\";"));
    CHECK_THAT(decompiled, Catch::Contains("uio-test@9040000"));
    CHECK_THAT(decompiled, !Catch::Contains("__fixups__"));

    const auto base = dttest::compile_data_dts(dir.path(), "qemu-virt-base", false);
    const auto applied = dttest::apply_overlays(dir.path(), "applied", base, {dtbo});
    const DeviceTree tree = DeviceTree::load(applied);
    const auto node = tree.find_path("/uio-test@9040000");
    REQUIRE(node);
    CHECK(node->compatible == std::vector<std::string>{"generic-uio"});
    CHECK(node->reg == std::vector<DtRegion>{{0x9040000, 0x1000, 0x9040000}});
    CHECK(node->interrupts == std::vector<std::uint32_t>{0, 3, 1});
    CHECK(node->uio_name == "generated");
    CHECK(node->enabled());
    CHECK(dttest::fdtget_value(applied, "/uio-test@9040000", "linux,uio-name") == "generated");
    // The restated root cells are the base's own, unchanged.
    CHECK(dttest::fdtget_value(applied, "/", "#address-cells", "u") == "2");
    CHECK(dttest::fdtget_value(applied, "/", "#size-cells", "u") == "2");
}

TEST_CASE("a label-targeted overlay resolves the target and interrupt parent through __fixups__") {
    dttest::TempDir dir;
    OverlaySpec spec;
    spec.name = "axi-uio";
    spec.reg = {{0x43c00000, 0x10000}, {0x43c10000, 0x100}};
    spec.address_cells = 1;
    spec.size_cells = 1;
    spec.target_label = "amba_pl";
    spec.interrupt = InterruptSpec{.number = 29, .trigger = Trigger::level_high, .parent_label = "intc"};
    spec.compatible = {"acme,axi-thing-1.0", "generic-uio"};
    const auto dtbo = generate(dir, spec, "zynq");
    const auto decompiled = decompile(dtbo);
    CHECK_THAT(decompiled, Catch::Contains("amba_pl = \"/fragment@0:target:0\";"));
    CHECK_THAT(decompiled, Catch::Contains("intc = \"/fragment@0/__overlay__/axi-uio@43c00000:interrupt-parent:0\";"));

    const auto base = dttest::compile_data_dts(dir.path(), "zynq7000-base");
    const auto applied = dttest::apply_overlays(dir.path(), "applied", base, {dtbo});
    const DeviceTree tree = DeviceTree::load(applied);
    const auto node = tree.find_path("/amba_pl/axi-uio@43c00000");
    REQUIRE(node);
    CHECK(node->compatible == spec.compatible);
    CHECK(node->reg == std::vector<DtRegion>{{0x43c00000, 0x10000, 0x43c00000}, {0x43c10000, 0x100, 0x43c10000}});
    CHECK(node->interrupts == std::vector<std::uint32_t>{0, 29, 4});
    CHECK_FALSE(node->uio_name);
    CHECK(dttest::fdtget_value(applied, node->path, "interrupt-parent", "x") ==
          dttest::fdtget_value(applied, "/axi/interrupt-controller@f8f01000", "phandle", "x"));
}

TEST_CASE("one label for both the target and the interrupt parent is one __fixups__ string list") {
    dttest::TempDir dir;
    OverlaySpec spec = qemu_device();
    spec.target_path.clear();
    spec.target_label = "gic";
    spec.interrupt->parent_label = "gic";
    spec.interrupt->format = InterruptFormat::two_cell;
    (void)generate(dir, spec, "same-label");  // dtc groups them the same way, or the trees differ
}

TEST_CASE("interrupt formats and a phandle parent and no interrupt") {
    InterruptSpec irq{.number = 7, .trigger = Trigger::level_low};
    irq.format = InterruptFormat::gic_spi;
    CHECK(irq.cells() == std::vector<std::uint32_t>{0, 7, 8});
    irq.format = InterruptFormat::gic_ppi;
    CHECK(irq.cells() == std::vector<std::uint32_t>{1, 7, 8});
    irq.format = InterruptFormat::two_cell;
    CHECK(irq.cells() == std::vector<std::uint32_t>{7, 8});
    irq.format = InterruptFormat::one_cell;
    CHECK(irq.cells() == std::vector<std::uint32_t>{7});

    dttest::TempDir dir;
    OverlaySpec spec = qemu_device();
    spec.interrupt->parent_phandle = 0x8001;
    spec.interrupt->format = InterruptFormat::one_cell;
    const auto base = dttest::compile_data_dts(dir.path(), "qemu-virt-base", false);
    auto tree = DeviceTree::load(dttest::apply_overlays(dir.path(), "phandle", base, {generate(dir, spec, "phandle")}));
    CHECK(tree.find_path("/uio-test@9040000")->interrupts == std::vector<std::uint32_t>{3});

    spec.interrupt.reset();
    tree = DeviceTree::load(dttest::apply_overlays(dir.path(), "noirq", base, {generate(dir, spec, "noirq")}));
    CHECK(tree.find_path("/uio-test@9040000")->interrupts.empty());
}

TEST_CASE("facts that cannot go into the tree are refused with the reason") {
    const auto refused = [](const OverlaySpec& spec) {
        try {
            spec.validate();
        } catch (const SpecError& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    OverlaySpec spec = qemu_device();
    CHECK(refused(spec) == "accepted");

    auto bad = spec;
    bad.name = "9bad";
    CHECK_THAT(refused(bad), Catch::Contains("not a device-tree node name"));
    bad.name = "x@1000";
    CHECK_THAT(refused(bad), Catch::Contains("no unit address"));
    bad = spec;
    bad.target_label = "amba_pl";
    CHECK_THAT(refused(bad), Catch::Contains("exactly one target"));
    bad.target_path.clear();
    bad.target_label = "amba-pl";
    CHECK_THAT(refused(bad), Catch::Contains("is not a label"));
    bad = spec;
    bad.target_path = "amba_pl";
    CHECK_THAT(refused(bad), Catch::Contains("not a device-tree node path"));
    bad = spec;
    bad.address_cells = 1;
    bad.reg = {{0x1'0000'0000, 0x1000}};
    CHECK_THAT(refused(bad), Catch::Contains("does not fit #address-cells = <1>"));
    bad = spec;
    bad.reg = {{0x1000, 0}};
    CHECK_THAT(refused(bad), Catch::Contains("size 0"));
    bad.reg.assign(6, RegWindow{0x1000, 0x10});
    CHECK_THAT(refused(bad), Catch::Contains("at most 5 maps"));
    bad = spec;
    bad.reg.clear();
    CHECK_THAT(refused(bad), Catch::Contains("at least one reg"));
    bad = spec;
    bad.interrupt->number = 988;
    CHECK_THAT(refused(bad), Catch::Contains("GIC SPI 988 is out of range"));
    bad = spec;
    bad.interrupt->parent_label = "gic";
    bad.interrupt->parent_phandle = 1;
    CHECK_THAT(refused(bad), Catch::Contains("not both"));
    bad = spec;
    bad.uio_name = "quote\"d";
    CHECK_THAT(refused(bad), Catch::Contains("linux,uio-name"));
    CHECK_THROWS_AS(overlay_blob(bad), SpecError);
    CHECK_THROWS_AS(parse_trigger("rising"), SpecError);
    CHECK(parse_trigger("edge-falling") == Trigger::edge_falling);
    CHECK(parse_interrupt_format("one-cell") == InterruptFormat::one_cell);
}

TEST_CASE("uiokit-dtogen writes both files and exits 2 on usage errors and 1 when it cannot write") {
    dttest::TempDir dir;
    const std::string tool = UIOKIT_TEST_DTOGEN;

    const auto help = dttest::run({tool, "--help"});
    CHECK(help.exit_code == 0);
    CHECK_THAT(help.output, Catch::Contains("Usage: uiokit-dtogen") && Catch::Contains("--target-label"));

    const auto ok = dttest::run({tool, "--name", "axi-uio", "--reg", "0x43c00000:0x10000", "--address-cells", "1",
                                 "--size-cells", "1", "--target-label", "amba_pl", "--irq", "29:level-high",
                                 "--interrupt-parent", "intc", "--uio-name", "axi-uio0", "-o", (dir / "axi").string()});
    INFO(ok.output);
    REQUIRE(ok.exit_code == 0);
    CHECK(ok.output.empty());
    OverlaySpec same;
    same.name = "axi-uio";
    same.reg = {{0x43c00000, 0x10000}};
    same.address_cells = same.size_cells = 1;
    same.target_label = "amba_pl";
    same.interrupt = InterruptSpec{.number = 29, .trigger = Trigger::level_high, .parent_label = "intc"};
    same.uio_name = "axi-uio0";
    CHECK(dttest::read_bytes(dir / "axi.dtbo") == overlay_blob(same));
    const auto dtso = dttest::read_bytes(dir / "axi.dtso");
    CHECK(std::string(reinterpret_cast<const char*>(dtso.data()), dtso.size()) == overlay_source(same));
    const auto base = dttest::compile_data_dts(dir.path(), "zynq7000-base");
    const auto applied = dttest::apply_overlays(dir.path(), "cli", base, {dir / "axi.dtbo"});
    CHECK(DeviceTree::load(applied).find_path("/amba_pl/axi-uio@43c00000")->uio_name == "axi-uio0");

    const auto missing = dttest::run({tool, "--reg", "0x1000:0x10", "--target-path", "/", "-o", (dir / "x").string()});
    CHECK(missing.exit_code == 2);
    CHECK_THAT(missing.output, Catch::Contains("--name"));

    const auto bad_reg = dttest::run({tool, "--name", "x", "--reg", "0x1000", "--target-path", "/", "-o", (dir / "x").string()});
    CHECK(bad_reg.exit_code == 2);
    CHECK_THAT(bad_reg.output, Catch::Contains("not ADDR:SIZE"));

    const auto bad_trigger = dttest::run({tool, "--name", "x", "--reg", "0x1000:0x10", "--target-path", "/", "--irq",
                                          "5:sideways", "-o", (dir / "x").string()});
    CHECK(bad_trigger.exit_code == 2);
    CHECK_THAT(bad_trigger.output, Catch::Contains("level-high"));

    const auto parent_without_irq = dttest::run({tool, "--name", "x", "--reg", "0x1000:0x10", "--target-path", "/",
                                                 "--interrupt-parent", "gic", "-o", (dir / "x").string()});
    CHECK(parent_without_irq.exit_code == 2);

    const auto unwritable = dttest::run({tool, "--name", "x", "--reg", "0x1000:0x10", "--target-path", "/", "-o",
                                         (dir / "no-such-dir" / "x").string()});
    CHECK(unwritable.exit_code == 1);
    CHECK_THAT(unwritable.output, Catch::Contains("no-such-dir"));
    CHECK_FALSE(fs::exists(dir / "x.dtbo"));
}
