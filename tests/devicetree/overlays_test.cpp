// The overlays in dts-overlays/: compiled by the build without warnings, and applied with
// fdtoverlay to base trees that have exactly what each overlay's comment says it assumes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <uiokit/devicetree.hpp>
#include <uiokit/discovery.hpp>

#include "test_support.hpp"

namespace fs = std::filesystem;
using uiokit::DeviceTree;
using uiokit::DtRegion;

namespace {

fs::path overlay(const std::string& stem) {
    const fs::path dtbo = dttest::overlay_build_dir() / (stem + ".dtbo");
    INFO("the build compiles " << stem << ".dtso to " << dtbo);
    REQUIRE(fs::exists(dtbo));
    return dtbo;
}

// A base tree from tests/devicetree/data with one shipped overlay applied by fdtoverlay.
struct Applied {
    Applied(const std::string& base_name, const std::string& overlay_name)
        : dtb(dttest::apply_overlays(dir.path(), overlay_name, dttest::compile_data_dts(dir.path(), base_name),
                                     {overlay(overlay_name)})),
          tree(DeviceTree::load(dtb)) {}
    dttest::TempDir dir;
    fs::path dtb;
    DeviceTree tree;
};

std::vector<std::string> shipped_overlays() {
    std::vector<std::string> stems;
    for (const auto& entry : fs::directory_iterator(dttest::overlay_source_dir()))
        if (entry.path().extension() == ".dtso") stems.push_back(entry.path().stem().string());
    std::sort(stems.begin(), stems.end());
    return stems;
}

void check_vboard_nodes(const DeviceTree& tree) {
    const auto rtc = tree.find_path("/pl031@9010000");
    REQUIRE(rtc);
    CHECK(rtc->compatible == std::vector<std::string>{"generic-uio"});  // the whole list replaced
    CHECK(rtc->reg.at(0) == DtRegion{0x9010000, 0x1000, 0x9010000});
    CHECK(rtc->interrupts == std::vector<std::uint32_t>{0, 2, 4});
    CHECK_FALSE(rtc->uio_name);

    const auto window = tree.find_path("/id-window@9030fe0");
    REQUIRE(window);
    CHECK(window->compatible == std::vector<std::string>{"generic-uio"});
    REQUIRE(window->reg.size() == 2);
    CHECK(window->reg[0] == DtRegion{0x9030fe0, 0x20, 0x9030fe0});
    CHECK(window->reg[1] == DtRegion{0xa003e00, 0x10, 0xa003e00});
    CHECK(window->interrupts.empty());
    CHECK(window->uio_name == "idwindow");
    CHECK(window->enabled());

    // The untouched neighbours stay as they were.
    CHECK(tree.find_path("/pl061@9030000")->compatible == std::vector<std::string>{"arm,pl061", "arm,primecell"});
    CHECK(tree.find_path("/pl011@9000000")->is_compatible("arm,pl011"));
}

}  // namespace

TEST_CASE("every shipped overlay compiles with dtc -@ without a single warning", "[devicetree][overlays]") {
    const auto stems = shipped_overlays();
    CHECK(stems.size() >= 6);
    dttest::TempDir dir;
    for (const std::string& stem : stems) {
        INFO(stem);
        const auto r = dttest::run({dttest::dtc(), "-@", "-I", "dts", "-O", "dtb", "-o", (dir / (stem + ".dtbo")).string(),
                                    (dttest::overlay_source_dir() / (stem + ".dtso")).string()});
        CHECK(r.exit_code == 0);
        CHECK(r.output.empty());
        (void)overlay(stem);  // and the build made it
    }
}

TEST_CASE("the virtual-board overlays applied to a QEMU virt tree", "[devicetree][overlays]") {
    dttest::TempDir dir;
    const auto base = dttest::compile_data_dts(dir.path(), "qemu-virt-base", false);
    const auto applied = dttest::apply_overlays(dir.path(), "vboard", base, {overlay("vboard-pl031"), overlay("vboard-window")});
    check_vboard_nodes(DeviceTree::load(applied));
    // And as fdtget reads it.
    CHECK(dttest::fdtget_value(applied, "/pl031@9010000", "compatible") == "generic-uio");
    CHECK(dttest::fdtget_value(applied, "/id-window@9030fe0", "linux,uio-name") == "idwindow");
    CHECK(dttest::fdtget_value(applied, "/id-window@9030fe0", "reg", "x") == "0 9030fe0 0 20 0 a003e00 0 10");
}

#ifdef UIOKIT_TEST_QEMU_AARCH64
// Built only when CMake found QEMU, so it fails rather than passes when QEMU cannot run.
TEST_CASE("the virtual-board overlays applied to QEMU's own virt DTB", "[devicetree][overlays]") {
    dttest::TempDir dir;
    const fs::path dtb = dir / "virt.dtb";
    // The board's own machine options (tools/vboard/qemu-machine.args), as vboard dumps its DTB.
    std::vector<std::string> argv{UIOKIT_TEST_QEMU_AARCH64};
    std::ifstream args(UIOKIT_TEST_QEMU_MACHINE_ARGS);
    REQUIRE(args);
    for (std::string line; std::getline(args, line);) {
        line = line.substr(0, line.find('#'));
        const auto first = line.find_first_not_of(" \t");
        if (first == std::string::npos) continue;
        argv.push_back(line.substr(first, line.find_last_not_of(" \t") + 1 - first));
    }
    REQUIRE(std::find(argv.begin(), argv.end(), "-nic") != argv.end());
    argv.insert(argv.end(), {"-machine", "dumpdtb=" + dtb.string()});
    const auto dump = dttest::run(argv);
    INFO(dump.output);
    REQUIRE(dump.exit_code == 0);
    REQUIRE(fs::exists(dtb));
    const auto applied = dttest::apply_overlays(dir.path(), "vboard", dtb, {overlay("vboard-pl031"), overlay("vboard-window")});
    check_vboard_nodes(DeviceTree::load(applied));
}
#endif

TEST_CASE("zynq7000-axi-uio: an AXI peripheral under amba_pl with the GIC as interrupt parent", "[devicetree][overlays]") {
    const auto& [dir, applied, tree] = Applied("zynq7000-base", "zynq7000-axi-uio");
    const auto node = tree.find_path("/amba_pl/axi-uio@43c00000");
    REQUIRE(node);
    CHECK(node->compatible == std::vector<std::string>{"generic-uio"});
    CHECK(node->reg.at(0) == DtRegion{0x43c00000, 0x10000, 0x43c00000});
    CHECK(node->interrupts == std::vector<std::uint32_t>{0, 29, 4});
    CHECK(node->uio_name == "axi-uio0");
    CHECK(node->labels == std::vector<std::string>{"axi_uio0"});  // the overlay's label, merged
    CHECK(dttest::fdtget_value(applied, "/amba_pl/axi-uio@43c00000", "interrupt-parent", "x") ==
          dttest::fdtget_value(applied, "/axi/interrupt-controller@f8f01000", "phandle", "x"));
}

TEST_CASE("zynqmp-axi-uio: 2-cell addresses under amba_pl@0", "[devicetree][overlays]") {
    const auto& [dir, applied, tree] = Applied("zynqmp-base", "zynqmp-axi-uio");
    const auto node = tree.find_label("axi_uio0");
    REQUIRE(node);
    CHECK(node->path == "/amba_pl@0/axi-uio@a0000000");
    CHECK(node->address_cells == 2);
    CHECK(node->reg.at(0) == DtRegion{0xa0000000, 0x10000, 0xa0000000});
    CHECK(node->interrupts == std::vector<std::uint32_t>{0, 89, 4});
    CHECK(dttest::fdtget_value(applied, node->path, "interrupt-parent", "x") ==
          dttest::fdtget_value(applied, "/axi/interrupt-controller@f9010000", "phandle", "x"));
}

TEST_CASE("rpi4-spi0-uio: the UIO map is at the ARM address the soc's ranges give", "[devicetree][overlays]") {
    const auto& [dir, applied, tree] = Applied("rpi4-base", "rpi4-spi0-uio");
    const auto spi = tree.find_label("spi0");
    REQUIRE(spi);
    CHECK(spi->compatible == std::vector<std::string>{"generic-uio"});
    CHECK(spi->enabled());
    CHECK(spi->uio_name == "spi0");
    CHECK(spi->reg.at(0) == DtRegion{0x7e204000, 0x200, 0xfe204000});
    CHECK(spi->interrupts == std::vector<std::uint32_t>{0, 118, 4});

    // What uio_pdrv_genirq would report for it, matched back to the node without of_node.
    uiokit::DeviceInfo device;
    device.name = "spi0";
    device.maps.push_back({0, "spi@7e204000", 0xfe204000, 0x1000, 0x0});
    CHECK(tree.node_for(device)->path == "/soc/spi@7e204000");
}

TEST_CASE("fpga-ip-template: applies as written to a base with fpga_bus and gic", "[devicetree][overlays]") {
    const auto& [dir, applied, tree] = Applied("fpga-bus-base", "fpga-ip-template");
    const auto ip = tree.find_label("my_ip");
    REQUIRE(ip);
    CHECK(ip->path == "/bus@40000000/my-ip@40000000");
    CHECK(ip->compatible == std::vector<std::string>{"vendor,my-ip-1.0", "generic-uio"});
    CHECK(ip->reg.at(0) == DtRegion{0x40000000, 0x10000, 0x40000000});
    CHECK(ip->interrupts == std::vector<std::uint32_t>{0, 29, 4});
    CHECK(ip->uio_name == "my-ip");
}

TEST_CASE("a label-targeted overlay does not apply to a base without __symbols__", "[devicetree][overlays]") {
    dttest::TempDir dir;
    const auto base = dttest::compile_data_dts(dir.path(), "zynq7000-base", false);
    const auto r = dttest::run({dttest::fdtoverlay(), "-i", base.string(), "-o", (dir / "out.dtb").string(),
                                overlay("zynq7000-axi-uio").string()});
    CHECK(r.exit_code != 0);
    // Refused for the reason the test is about: libfdt finds no __symbols__ entry for the target
    // label (any other failure, e.g. an unreadable base, prints something else).
    CHECK_THAT(r.output, Catch::Matchers::Contains("Failed to apply '" + overlay("zynq7000-axi-uio").string() +
                                                   "': FDT_ERR_NOTFOUND"));
    CHECK(!std::filesystem::exists(dir / "out.dtb"));
}

// DMA buffers (docs/dma.md): a reserved-memory no-map region and a generic-uio node over the same
// range, with the root's 2/2 cells (QEMU virt's).
namespace {
void check_dma_buffer_nodes(const fs::path& applied, const std::string& uio_node, const std::string& reserved_node,
                            DtRegion range, const std::string& uio_name) {
    const DeviceTree tree = DeviceTree::load(applied);
    const auto uio = tree.find_path(uio_node);
    REQUIRE(uio);
    CHECK(uio->compatible == std::vector<std::string>{"generic-uio"});
    CHECK(uio->reg == std::vector<DtRegion>{range});
    CHECK(uio->uio_name == uio_name);
    CHECK(uio->interrupts.empty());
    const auto reserved = tree.find_path(reserved_node);
    REQUIRE(reserved);
    CHECK(reserved->reg == std::vector<DtRegion>{range});  // through reserved-memory's empty ranges
    const auto no_map = dttest::run({dttest::fdtget(), applied.string(), reserved_node, "no-map"});
    CHECK(no_map.exit_code == 0);  // present (an empty property)
    // memory-region points at the reserved region.
    CHECK(dttest::fdtget_value(applied, uio_node, "memory-region", "x") ==
          dttest::fdtget_value(applied, reserved_node, "phandle", "x"));
}
}  // namespace

TEST_CASE("vboard-dmabuf: 2 MiB of reserved RAM at 0x5fc00000 as UIO device dmabuf", "[devicetree][overlays]") {
    const auto& [dir, applied, tree] = Applied("qemu-virt-base", "vboard-dmabuf");
    check_dma_buffer_nodes(applied, "/dma-buffer@5fc00000", "/reserved-memory/dmabuf@5fc00000",
                           DtRegion{0x5fc00000, 0x200000, 0x5fc00000}, "dmabuf");
}

TEST_CASE("vboard-sram: 1 MiB of reserved RAM at 0x5fe00000 as UIO device sram", "[devicetree][overlays]") {
    const auto& [dir, applied, tree] = Applied("qemu-virt-base", "vboard-sram");
    check_dma_buffer_nodes(applied, "/sram@5fe00000", "/reserved-memory/sram@5fe00000",
                           DtRegion{0x5fe00000, 0x100000, 0x5fe00000}, "sram");
}

TEST_CASE("dma-buffer-template: applies as written to a base with 2/2 root cells", "[devicetree][overlays]") {
    const auto& [dir, applied, tree] = Applied("qemu-virt-base", "dma-buffer-template");
    check_dma_buffer_nodes(applied, "/dma-buffer@7ff00000", "/reserved-memory/dma-buffer@7ff00000",
                           DtRegion{0x7ff00000, 0x100000, 0x7ff00000}, "my-dma");
    CHECK(tree.find_label("my_dma")->path == "/dma-buffer@7ff00000");
}
