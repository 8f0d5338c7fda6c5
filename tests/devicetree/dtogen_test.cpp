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

TEST_CASE("a path-targeted overlay with an inherited interrupt parent applies to QEMU virt", "[devicetree][dtogen]") {
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

TEST_CASE("a label-targeted overlay resolves the target and interrupt parent through __fixups__", "[devicetree][dtogen]") {
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

TEST_CASE("one label for both the target and the interrupt parent is one __fixups__ string list", "[devicetree][dtogen]") {
    dttest::TempDir dir;
    OverlaySpec spec = qemu_device();
    spec.target_path.clear();
    spec.target_label = "gic";
    spec.interrupt->parent_label = "gic";
    spec.interrupt->format = InterruptFormat::two_cell;
    (void)generate(dir, spec, "same-label");  // dtc groups them the same way, or the trees differ
}

TEST_CASE("interrupt formats and a phandle parent and no interrupt", "[devicetree][dtogen]") {
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

TEST_CASE("facts that cannot go into the tree are refused with the reason", "[devicetree][dtogen]") {
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

TEST_CASE("uiokit-dtogen writes both files and exits 2 on usage errors and 1 when it cannot write", "[devicetree][dtogen]") {
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
    // And literally, not only as the library makes it: what the command line asked for, in the
    // device-tree spec's encoding. reg: one address cell and one size cell; interrupts: the ARM GIC
    // binding's three cells, 0 = SPI, 29, 4 = IRQ_TYPE_LEVEL_HIGH; interrupt-parent: intc's phandle.
    const auto node = DeviceTree::load(applied).find_path("/amba_pl/axi-uio@43c00000");
    REQUIRE(node);
    CHECK(node->compatible == std::vector<std::string>{"generic-uio"});
    CHECK(node->reg == std::vector<DtRegion>{DtRegion{0x43c00000, 0x10000, 0x43c00000}});
    CHECK(node->interrupts == std::vector<std::uint32_t>{0, 29, 4});
    CHECK(dttest::fdtget_value(applied, "/amba_pl/axi-uio@43c00000", "reg", "x") == "43c00000 10000");
    CHECK(dttest::fdtget_value(applied, "/amba_pl/axi-uio@43c00000", "interrupts", "u") == "0 29 4");
    CHECK(dttest::fdtget_value(applied, "/amba_pl/axi-uio@43c00000", "interrupt-parent", "u") ==
          dttest::fdtget_value(applied, "/axi/interrupt-controller@f8f01000", "phandle", "u"));

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

namespace {

// Runs uiokit-dtogen with `args` and -o <dir>/<stem>.
dttest::RunResult run_dtogen(const dttest::TempDir& dir, const std::string& stem, std::vector<std::string> args) {
    args.insert(args.begin(), UIOKIT_TEST_DTOGEN);
    args.insert(args.end(), {"-o", (dir / stem).string()});
    return dttest::run(args);
}

// The tool's .dtbo is a valid tree and what dtc makes of its .dtso; returns the .dtbo.
fs::path check_tool_output(const dttest::TempDir& dir, const std::string& stem) {
    const fs::path dtbo = dir / (stem + ".dtbo");
    (void)DeviceTree::load(dtbo);
    const fs::path from_source = dir / (stem + ".dtc.dtbo");
    const auto r = dttest::run(
        {dttest::dtc(), "-@", "-I", "dts", "-O", "dtb", "-o", from_source.string(), (dir / (stem + ".dtso")).string()});
    INFO("dtc says:\n" << r.output);
    REQUIRE(r.exit_code == 0);
    CHECK(decompile(dtbo) == decompile(from_source));
    return dtbo;
}

// A command line that must be refused: exit 2, the reason, and no files.
void check_refused(const std::vector<std::string>& args, const std::string& reason) {
    dttest::TempDir dir;
    const auto r = run_dtogen(dir, "refused", args);
    INFO("uiokit-dtogen said:\n" << r.output);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Catch::Contains(reason));
    CHECK_FALSE(fs::exists(dir / "refused.dtbo"));
    CHECK_FALSE(fs::exists(dir / "refused.dtso"));
}

const std::vector<std::string> qemu_args{"--name", "uio-test", "--reg", "0x9040000:0x1000", "--target-path", "/"};

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
    args.insert(args.end(), more.begin(), more.end());
    return args;
}

}  // namespace

TEST_CASE("uiokit-dtogen --irq-format and the triggers (edge-both) give the interrupt cells on the command line", "[devicetree][dtogen]") {
    struct Case {
        std::vector<std::string> options;
        std::vector<std::uint32_t> cells;
    };
    const std::vector<Case> cases{
        {{"--irq", "46:edge-both"}, {0, 46, 3}},  // gic-spi is the default
        {{"--irq", "46:edge-both", "--irq-format", "gic-spi"}, {0, 46, 3}},
        {{"--irq", "13:edge-falling", "--irq-format", "gic-ppi"}, {1, 13, 2}},
        {{"--irq", "7:level-low", "--irq-format", "two-cell"}, {7, 8}},
        {{"--irq", "7:edge-rising", "--irq-format", "two-cell"}, {7, 1}},
        {{"--irq", "9", "--irq-format", "one-cell"}, {9}},
        {{"--irq", "9"}, {0, 9, 4}},  // level-high is the default trigger
    };
    dttest::TempDir dir;
    const auto base = dttest::compile_data_dts(dir.path(), "qemu-virt-base", false);
    int n = 0;
    for (const Case& c : cases) {
        const std::string stem = "irq" + std::to_string(n++);
        const auto r = run_dtogen(dir, stem, with(qemu_args, c.options));
        INFO(stem << ": " << r.output);
        REQUIRE(r.exit_code == 0);
        CHECK(r.output.empty());
        const auto applied = dttest::apply_overlays(dir.path(), stem + "-applied", base, {check_tool_output(dir, stem)});
        const auto node = DeviceTree::load(applied).find_path("/uio-test@9040000");
        REQUIRE(node);
        CHECK(node->interrupts == c.cells);
    }
}

TEST_CASE("uiokit-dtogen --compatible replaces generic-uio, in the order given", "[devicetree][dtogen]") {
    dttest::TempDir dir;
    const auto base = dttest::compile_data_dts(dir.path(), "qemu-virt-base", false);

    auto r = run_dtogen(dir, "list", with(qemu_args, {"--compatible", "acme,thing-1.0", "--compatible", "generic-uio"}));
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    CHECK(r.output.empty());
    auto applied = dttest::apply_overlays(dir.path(), "list-applied", base, {check_tool_output(dir, "list")});
    CHECK(DeviceTree::load(applied).find_path("/uio-test@9040000")->compatible ==
          std::vector<std::string>{"acme,thing-1.0", "generic-uio"});

    // Without generic-uio the overlay is written, with a note that uio_pdrv_genirq needs of_id.
    r = run_dtogen(dir, "own", with(qemu_args, {"--compatible", "acme,thing-1.0"}));
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.output, Catch::Contains("note: no \"generic-uio\" in compatible"));
    applied = dttest::apply_overlays(dir.path(), "own-applied", base, {check_tool_output(dir, "own")});
    CHECK(DeviceTree::load(applied).find_path("/uio-test@9040000")->compatible ==
          std::vector<std::string>{"acme,thing-1.0"});

    check_refused(with(qemu_args, {"--compatible", "acme,\"quoted\""}),
                  "compatible 'acme,\"quoted\"' must be non-empty printable ASCII");
    check_refused(with(qemu_args, {"--compatible", "generic-uio", "--compatible", ""}), "compatible '' must be non-empty");
}

TEST_CASE("uiokit-dtogen --interrupt-parent by label and by phandle number", "[devicetree][dtogen]") {
    dttest::TempDir dir;

    // By label: resolved through __fixups__ against the base's __symbols__.
    auto r = run_dtogen(dir, "label", {"--name", "axi-uio", "--reg", "0x43c00000:0x1000", "--address-cells", "1",
                                       "--size-cells", "1", "--target-label", "amba_pl", "--irq", "30:edge-both",
                                       "--interrupt-parent", "intc"});
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    const auto label_dtbo = check_tool_output(dir, "label");
    CHECK_THAT(decompile(label_dtbo),
               Catch::Contains("intc = \"/fragment@0/__overlay__/axi-uio@43c00000:interrupt-parent:0\";"));
    const auto zynq = dttest::compile_data_dts(dir.path(), "zynq7000-base");
    const auto zynq_applied = dttest::apply_overlays(dir.path(), "label-applied", zynq, {label_dtbo});
    CHECK(dttest::fdtget_value(zynq_applied, "/amba_pl/axi-uio@43c00000", "interrupt-parent", "x") ==
          dttest::fdtget_value(zynq_applied, "/axi/interrupt-controller@f8f01000", "phandle", "x"));
    CHECK(DeviceTree::load(zynq_applied).find_path("/amba_pl/axi-uio@43c00000")->interrupts ==
          std::vector<std::uint32_t>{0, 30, 3});

    // By phandle number, decimal or hex, for a base without __symbols__ (QEMU's GIC is 0x8001).
    const auto qemu = dttest::compile_data_dts(dir.path(), "qemu-virt-base", false);
    for (const std::string phandle : {"32769", "0x8001"}) {
        const std::string stem = "phandle-" + phandle;
        r = run_dtogen(dir, stem, with(qemu_args, {"--irq", "5:edge-both", "--irq-format", "two-cell",
                                                   "--interrupt-parent", phandle}));
        INFO(stem << ": " << r.output);
        REQUIRE(r.exit_code == 0);
        const auto dtbo = check_tool_output(dir, stem);
        CHECK_THAT(decompile(dtbo), !Catch::Contains("__fixups__"));
        const auto applied = dttest::apply_overlays(dir.path(), stem + "-applied", qemu, {dtbo});
        CHECK(dttest::fdtget_value(applied, "/uio-test@9040000", "interrupt-parent", "x") == "8001");
        CHECK(DeviceTree::load(applied).find_path("/uio-test@9040000")->interrupts == std::vector<std::uint32_t>{5, 3});
    }
}

TEST_CASE("uiokit-dtogen refuses bad interrupt options with the reason and writes nothing", "[devicetree][dtogen]") {
    check_refused(with(qemu_args, {"--irq", "5", "--irq-format", "gic"}),
                  "interrupt format 'gic' is not one of gic-spi, gic-ppi, two-cell, one-cell");
    check_refused(with(qemu_args, {"--irq", "5:both"}),
                  "interrupt trigger 'both' is not one of edge-rising, edge-falling, edge-both, level-high, level-low");
    check_refused(with(qemu_args, {"--irq", "16", "--irq-format", "gic-ppi"}), "GIC PPI 16 is out of range (0-15)");
    check_refused(with(qemu_args, {"--irq", "988"}), "GIC SPI 988 is out of range");
    // Boost's own message for this never returns (it substitutes its placeholders in a loop).
    check_refused(with(qemu_args, {"--%canonical_option%x"}), "unrecognised option '--%canonical_option%x'");
    check_refused(with(qemu_args, {"--irq", "9:edge-rising", "--irq-format", "one-cell"}),
                  "--irq '9:edge-rising': --irq-format one-cell has no trigger cell");
    check_refused(with(qemu_args, {"--irq-format", "two-cell"}), "give --irq too");
    check_refused(with(qemu_args, {"--irq-format", "gic-spi"}), "give --irq too");  // even the default, when given
    check_refused(with(qemu_args, {"--interrupt-parent", "intc"}), "give --irq too");
    check_refused(with(qemu_args, {"--irq", "5", "--interrupt-parent", "0"}),
                  "interrupt-parent phandle 0x0 is not a valid phandle");
    check_refused(with(qemu_args, {"--irq", "5", "--interrupt-parent", "0xffffffff"}),
                  "interrupt-parent phandle 0xffffffff is not a valid phandle");
    check_refused(with(qemu_args, {"--irq", "5", "--interrupt-parent", "4294967296"}),
                  "interrupt-parent phandle '4294967296' does not fit 32 bits");
    check_refused(with(qemu_args, {"--irq", "5", "--interrupt-parent", "0x80g1"}),
                  "interrupt-parent phandle '0x80g1' is not a number");
    check_refused(with(qemu_args, {"--irq", "5", "--interrupt-parent", "my-intc"}),
                  "interrupt-parent label 'my-intc' is not a label");
}
