// --fdt and the device-tree selectors (dt:, compatible:, label:), in-process against the simulated
// board, with a DTB that dtc builds from source while the test runs.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

#include "harness.hpp"
#include "temp_dir.hpp"

using Catch::Matchers::Contains;
using regtool_test::Board;
using regtool_test::Result;

extern char** environ;

namespace {

namespace fs = std::filesystem;

// The simulated board's three devices as the device tree has them (the simulator gives each device
// the device/of_node /<name>@<first map address>), with labels (dtc -@ keeps them in __symbols__).
const char* const board_dts = R"(
/dts-v1/;
/ {
	#address-cells = <2>;
	#size-cells = <2>;

	rtc: pl031@9010000 {
		compatible = "arm,pl031", "generic-uio";
		reg = <0x0 0x9010000 0x0 0x1000>;
		interrupts = <0 2 4>;
	};

	window: idwindow@9030fe0 {
		compatible = "uiokit,test-window", "generic-uio";
		reg = <0x0 0x09030fe0 0x0 0x20>, <0x0 0x0a003e00 0x0 0x10>;
		linux,uio-name = "idwindow";
	};

	scratch: scratch@40000000 {
		compatible = "uiokit,scratch", "generic-uio";
		reg = <0x0 0x40000000 0x0 0x100>;
	};

	gpio: pl061@9030000 {
		compatible = "arm,pl061", "arm,primecell";
		reg = <0x0 0x9030000 0x0 0x1000>;
	};
};
)";

std::string read_text(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// dtc -@ -I dts -O dtb of `source`: <dir>/board.dtb. Fails the test when dtc fails.
fs::path compile_dts(const fs::path& dir, const std::string& source) {
    const fs::path dts = dir / "board.dts";
    const fs::path dtb = dir / "board.dtb";
    const fs::path log = dir / "dtc.log";
    std::ofstream(dts, std::ios::binary) << source;
    std::vector<std::string> argv{UIOKIT_TEST_DTC, "-@", "-I", "dts", "-O", "dtb", "-o", dtb.string(), dts.string()};
    std::vector<char*> args;
    for (std::string& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    REQUIRE(::posix_spawn_file_actions_init(&actions) == 0);
    ::posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::posix_spawn_file_actions_adddup2(&actions, 1, 2);
    pid_t pid = -1;
    const int spawned = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
    ::posix_spawn_file_actions_destroy(&actions);
    REQUIRE(spawned == 0);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    INFO("dtc:\n" << read_text(log));
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
    return dtb;
}

void check_selected(const Result& r, const std::string& device) {
    INFO("stderr: " << r.err << "\nstdout: " << r.out);
    REQUIRE(r.status == 0);
    CHECK(r.json()["target"]["device"] == device);
}

}  // namespace

TEST_CASE("fdt: --fdt is the device tree of the dt:, compatible: and label: selectors", "[regtool][fdt][cli]") {
    Board board;
    TempDir dir;
    const std::string dtb = compile_dts(dir.path(), board_dts).string();

    // The simulated host has no /sys/firmware/fdt: compatible: and label: need --fdt.
    const Result without = board.run({"read", "compatible:arm,pl031", "DR"});
    INFO("stderr: " << without.err);
    CHECK(without.status == 1);
    CHECK_THAT(without.err, Contains("sys/firmware/fdt"));

    check_selected(board.run({"read", "compatible:arm,pl031", "DR", "--fdt", dtb, "--json"}), "uio0");
    check_selected(board.run({"read", "label:rtc", "DR", "--fdt", dtb, "--json"}), "uio0");
    check_selected(board.run({"read", "compatible:uiokit,test-window", "0x0", "--fdt", dtb, "--json"}), "uio1");
    check_selected(board.run({"dump", "label:scratch", "0", "4", "--raw", "--fdt", dtb, "--json"}), "uio2");
    // :MAP still applies after a device-tree selector.
    const Result map1 = board.run({"read", "label:window:1", "0x0", "--fdt", dtb, "--json"});
    check_selected(map1, "uio1");
    CHECK(map1.json()["target"]["map"] == 1);
    CHECK(map1.json()["values"][0]["value"] == 0x74726976);  // virtio-mmio MagicValue "virt"

    // Text output is the same as with any other selector.
    const Result text = board.run({"read", "label:rtc", "DR", "--fdt", dtb});
    CHECK(text.status == 0);
    CHECK(text.out == board.run({"read", "pl031", "DR"}).out);

    // dt: matches the device's of_node: the tree is not read, so --fdt does not matter.
    check_selected(board.run({"read", "dt:/pl031@9010000", "DR", "--json"}), "uio0");
    check_selected(board.run({"read", "dt:/idwindow@9030fe0", "0x0", "--fdt", dtb, "--json"}), "uio1");

    // A node in the tree that no UIO device comes from, and a label the tree does not have.
    const Result unbound = board.run({"read", "compatible:arm,pl061", "0x0", "--fdt", dtb});
    CHECK(unbound.status == 1);
    CHECK_THAT(unbound.err, Contains("not compatible with generic-uio"));
    const Result no_label = board.run({"read", "label:nosuch", "0x0", "--fdt", dtb});
    CHECK(no_label.status == 1);
    CHECK_THAT(no_label.err, Contains("no label 'nosuch'"));
}

TEST_CASE("fdt: a live-tree directory (/sys/firmware/devicetree/base) works too", "[regtool][fdt][cli]") {
    Board board;
    // The simulator writes devicetree/base/<node>/name; add the property the lookup needs.
    const fs::path base = board.system.sysfs_root() / "firmware/devicetree/base";
    std::ofstream(base / "scratch@40000000" / "compatible", std::ios::binary) << std::string("uiokit,live\0", 12);
    check_selected(board.run({"read", "compatible:uiokit,live", "0x0", "--fdt", base.string(), "--json"}), "uio2");
}

TEST_CASE("fdt: --fdt refusals", "[regtool][fdt][cli][errors]") {
    Board board;
    TempDir dir;
    const Result empty = board.run({"read", "compatible:arm,pl031", "DR", "--fdt", ""});
    CHECK(empty.status == 2);
    CHECK_THAT(empty.err, Contains("--fdt needs a path"));

    const std::string missing = (dir.path() / "missing.dtb").string();
    const Result absent = board.run({"read", "compatible:arm,pl031", "DR", "--fdt", missing});
    CHECK(absent.status == 1);
    CHECK_THAT(absent.err, Contains(missing));

    const fs::path garbage = dir.path() / "garbage.dtb";
    std::ofstream(garbage, std::ios::binary) << std::string(64, 'x');
    const Result bad = board.run({"read", "label:rtc", "DR", "--fdt", garbage.string(), "--json"});
    CHECK(bad.status == 1);
    CHECK(bad.json()["error"]["status"] == 1);

    // --fdt is a target option: list does not take it.
    CHECK(board.run({"list", "--fdt", missing}).status == 2);
    CHECK_THAT(board.run({"read", "--help"}).out, Contains("--fdt"));
}
