// regtool's commands, options and errors, in-process against the simulated board.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <thread>

#include <uiokit/bus_error.hpp>
#include <uiokit/discovery.hpp>
#include <uiokit/error.hpp>
#include <uiokit/regmap/register_map.hpp>
#include <uiokit/regmap/utf8.hpp>

#include "json.hpp"

#include "harness.hpp"

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using regtool_test::Board;
using regtool_test::Result;
using regtool_test::TempFile;

namespace {

// A usage error: exit status 2, a message on stderr naming `needle`, nothing on stdout.
void check_usage_error(const Result& r, const std::string& needle) {
    INFO("stderr: " << r.err);
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Contains(needle));
    CHECK(r.out.empty());
}

void check_runtime_error(const Result& r, const std::string& needle) {
    INFO("stderr: " << r.err);
    CHECK(r.status == 1);
    CHECK_THAT(r.err, Contains(needle));
}

}  // namespace

TEST_CASE("help: overview, per command, and version", "[regtool][cli]") {
    Board board;
    Result r = board.run({"--help"});
    CHECK(r.status == 0);
    for (const char* c : {"list", "info", "read", "write", "dump", "watch", "wait"}) {
        CHECK_THAT(r.out, Contains(std::string("regtool ") + c));
        const Result help = board.run({c, "--help"});
        INFO(c);
        CHECK(help.status == 0);
        CHECK_THAT(help.out, StartsWith(std::string("usage: regtool ") + c));
        CHECK_THAT(help.out, Contains("--json"));
    }
    CHECK_THAT(board.run({"help", "write"}).out, Contains("--mode"));
    CHECK_THAT(board.run({"dump", "-h"}).out, Contains("--raw"));
    CHECK_THAT(board.run({"wait", "--help"}).out, Contains("--ack"));
    CHECK_THAT(board.run({"--version"}).out, StartsWith("regtool (uiokit) "));
    CHECK(board.run({}).status == 2);
}

TEST_CASE("command line mistakes are usage errors", "[regtool][cli][errors]") {
    Board board;
    check_usage_error(board.run({"peek", "pl031"}), "unknown command 'peek'");
    const Result before = board.run({"--json", "list"});
    CHECK(before.status == 2);
    CHECK_THAT(before.err, Contains("options go after the command"));
    CHECK(before.json()["error"]["status"] == 2);
    check_usage_error(board.run({"read", "pl031", "DR", "--bogus"}), "unrecognised option '--bogus'");
    // Boost's own message for these never returns (it substitutes its placeholders in a loop).
    check_usage_error(board.run({"read", "pl031", "DR", "--%option%"}), "unrecognised option '--%option%'");
    check_usage_error(board.run({"read", "pl031", "DR", "--%canonical_option%x"}), "unrecognised option");
    check_usage_error(board.run({"read", "pl031", "DR", "--width", "%value%"}), "--width: '%value%' is not a number");
    check_usage_error(board.run({"read", "pl031", "DR", "--width"}), "--width");
    check_usage_error(board.run({"read", "pl031", "DR", "--dev"}), "'--dev'");  // no abbreviations
    check_usage_error(board.run({"read", "pl031", "0x0", "--width", "24"}), "8, 16, 32 or 64");
    check_usage_error(board.run({"read", "pl031", "0x0", "--dec", "--bin"}), "contradict");
    check_usage_error(board.run({"read", "pl031", "DR", "--map", "x.yaml", "--no-map"}), "contradict");
    check_usage_error(board.run({"read"}), "no device given");
    check_usage_error(board.run({"read", "pl031"}), "no address given");
    check_usage_error(board.run({"list", "extra"}), "unexpected argument 'extra'");
    check_usage_error(board.run({"write", "pl031", "MR=1", "--mode", "wr"}), "w, rw and rwr");
    check_usage_error(board.run({"read", "12", "DR"}), "ambiguous");
    // With --json the error is also a JSON document on stdout.
    const Result r = board.run({"read", "pl031", "NOPE", "--json"});
    CHECK(r.status == 2);
    const auto j = r.json();
    CHECK(j["regtool"] == 1);
    CHECK(j["command"] == "read");
    CHECK(j["error"]["status"] == 2);
    CHECK_THAT(j["error"]["message"].get<std::string>(), Contains("no register 'NOPE'"));
}

TEST_CASE("list: every device, text and JSON", "[regtool][cli][list]") {
    Board board;
    Result r = board.run({"list"});
    REQUIRE(r.status == 0);
    CHECK_THAT(r.out, Contains("uio0 'pl031': version devicetree, 0 interrupts, node /pl031@9010000"));
    CHECK_THAT(r.out, Contains("map0 'pl031@9010000': registers at 0x9010000, 0x1000 bytes"));
    CHECK_THAT(r.out, Contains("uio1 'idwindow'"));
    CHECK_THAT(r.out, Contains("map1 'virtio-mmio-31': registers at 0xa003e00, 0x200 bytes"));

    r = board.run({"list", "--json"});
    REQUIRE(r.status == 0);
    const auto j = r.json();
    CHECK(j["command"] == "list");
    REQUIRE(j["devices"].size() == 3);
    const auto& window = j["devices"][1];
    CHECK(window["device"] == "uio1");
    CHECK(window["name"] == "idwindow");
    CHECK(window["version"] == "devicetree");
    CHECK(window["events"] == 0);
    CHECK(window["of_node"] == "/idwindow@9030fe0");
    REQUIRE(window["maps"].size() == 2);
    CHECK(window["maps"][0]["start"] == 0x9030fe0);
    CHECK(window["maps"][0]["offset"] == 0xfe0);
    CHECK(window["maps"][0]["window_size"] == 0x20);
    CHECK(window["maps"][1]["name"] == "virtio-mmio-31");
}

TEST_CASE("list with no devices says so", "[regtool][cli][list]") {
    uiokit::sim::SimulatedSystem empty;
    regtool::Context context;
    context.host = empty.host();
    Result r = Board::run_with(context, {"list"});
    CHECK(r.status == 0);
    CHECK_THAT(r.out, Contains("no UIO devices under"));
    r = Board::run_with(context, {"list", "--json"});
    CHECK(r.status == 0);
    CHECK(r.json()["devices"].empty());
}

TEST_CASE("info: the device and its register map", "[regtool][cli][info]") {
    Board board;
    Result r = board.run({"info", "pl031"});
    REQUIRE(r.status == 0);
    CHECK_THAT(r.out, Contains("uio0 'pl031'"));
    CHECK_THAT(r.out, Contains("register map pl031 from built-in:pl031.yaml: 16 registers"));
    CHECK_THAT(r.out, Contains("0x1c ICR: 32-bit wo"));
    CHECK_THAT(r.out, Contains("MATCH[0] w1c"));

    r = board.run({"info", "scratch", "--json"});
    REQUIRE(r.status == 0);
    auto j = r.json();
    CHECK(j["target"]["kind"] == "uio");
    CHECK(j["target"]["device"] == "uio2");
    CHECK(j["device"]["name"] == "scratch");
    CHECK(j["map"]["name"] == "scratch");
    CHECK_THAT(j["map"]["source"].get<std::string>(), Contains("maps/scratch.yaml"));
    const auto& regs = j["map"]["registers"];
    REQUIRE(regs.size() == 9);
    CHECK(regs[2]["name"] == "FIFO");
    CHECK(regs[2]["side_effect_on_read"] == true);
    CHECK(regs[0]["fields"][1]["values"][2]["name"] == "fast");

    r = board.run({"info", "pl031", "--no-map", "--json"});
    REQUIRE(r.status == 0);
    CHECK(r.json()["map"].is_null());
    CHECK(r.json()["regmap"].is_null());

    // A map is found by the map's name too: idwindow's map0 is "pl061-id".
    r = board.run({"info", "idwindow", "--json"});
    REQUIRE(r.status == 0);
    CHECK(r.json()["map"]["name"] == "pl061_id");
    r = board.run({"info", "idwindow:1"});
    REQUIRE(r.status == 0);
    CHECK_THAT(r.out, Contains("no register map found"));
}

TEST_CASE("read: registers by name, fields, offsets and bit ranges", "[regtool][cli][read]") {
    Board board;
    Result r = board.run({"read", "pl031", "PeriphID0", "PeriphID1", "PeriphID2", "PeriphID3", "PCellID0", "PCellID1",
                          "PCellID2", "PCellID3"});
    REQUIRE(r.status == 0);
    CHECK_THAT(r.out, Contains("PeriphID0 (0xfe0) = 0x00000031\n"));
    CHECK_THAT(r.out, Contains("PCellID3 (0xffc) = 0x000000b1\n"));
    CHECK_THAT(r.out, Contains("  DESIGNER0[7:4] = 0x1\n"));  // a named register shows its fields

    r = board.run({"read", "pl031", "DR", "CR.START", "0x0c", "0xfe4:7:4", "0xfe4:4"});
    REQUIRE(r.status == 0);
    CHECK(r.out ==
          "DR (0x0) = 0x000003e8\n"
          "CR.START (0xc[0]) = 0x1\n"
          "0xc (CR) = 0x00000001\n"
          "  START[0] = 0x1\n"
          "0xfe4[7:4] (PeriphID1) = 0x1\n"
          "0xfe4[4] (PeriphID1) = 0x1\n");
    // Without a name among the addresses no map is searched: offsets are plain.
    CHECK(board.run({"read", "pl031", "0xc", "0xfe4:7:4"}).out == "0xc = 0x00000001\n0xfe4[7:4] = 0x1\n");

    board.rtc32(0x10, 1);
    CHECK(board.run({"read", "pl031", "IMSC.MATCH"}).out == "IMSC.MATCH (0x10[0]) = 0x1 (enabled)\n");
    CHECK(board.run({"read", "pl031", "0x0", "--dec"}).out == "0x0 = 1000\n");
    CHECK(board.run({"read", "pl031", "0xfe4", "--width", "8", "--bin"}).out == "0xfe4 = 0b00010000\n");
    // Reading does not write anything.
    CHECK(board.rtc32(0x0C) == 1);
}

TEST_CASE("read: exact widths from the option or the map", "[regtool][cli][read]") {
    Board board;
    board.scratch.memory().write<std::uint64_t>(0x10, 0x1122334455667788ULL);
    board.scratch.memory().write<std::uint8_t>(0x0C, 0xAB);
    board.scratch.memory().write<std::uint16_t>(0x0E, 0xCDEF);
    Result r = board.run({"read", "scratch", "WIDE", "BYTE", "HALF", "--json"});
    INFO(r.err);
    REQUIRE(r.status == 0);
    const auto v = r.json()["values"];
    CHECK(v[0]["width"] == 64);
    CHECK(v[0]["value"].get<std::uint64_t>() == 0x1122334455667788ULL);
    CHECK(v[0]["hex"] == "0x1122334455667788");
    CHECK(v[1]["width"] == 8);
    CHECK(v[1]["value"] == 0xAB);
    CHECK(v[2]["width"] == 16);
    CHECK(v[2]["value"] == 0xCDEF);
    CHECK(board.run({"read", "scratch", "0x10", "--width", "64", "--no-map"}).out == "0x10 = 0x1122334455667788\n");
    CHECK(board.run({"read", "scratch", "0x12", "--width", "16", "--no-map"}).out == "0x12 = 0x5566\n");
    CHECK(board.run({"read", "scratch", "0x0d", "--width", "8", "--no-map"}).out == "0xd = 0x00\n");
}

TEST_CASE("read --json: the documented value objects", "[regtool][cli][read][json]") {
    Board board;
    Result r = board.run({"read", "pl031", "CR", "CR.START", "0xfe4:7:4", "--json"});
    REQUIRE(r.status == 0);
    const auto j = r.json();
    CHECK(j["regtool"] == 1);
    CHECK(j["command"] == "read");
    CHECK(j["target"]["kind"] == "uio");
    CHECK(j["target"]["name"] == "pl031");
    CHECK(j["target"]["map"] == 0);
    CHECK(j["target"]["phys"] == regtool_test::pl031_phys);
    CHECK(j["target"]["size"] == 0x1000);
    CHECK(j["regmap"]["source"] == "built-in:pl031.yaml");
    const auto& v = j["values"];
    REQUIRE(v.size() == 3);
    CHECK(v[0]["register"] == "CR");
    CHECK(v[0]["field"].is_null());
    CHECK(v[0]["offset"] == 12);
    CHECK(v[0]["bits"].is_null());
    CHECK(v[0]["value"] == 1);
    CHECK(v[0]["fields"][0]["name"] == "START");
    CHECK(v[0]["fields"][0]["value"] == 1);
    CHECK(v[1]["field"] == "START");
    CHECK(v[1]["bits"] == nlohmann::json::array({0, 0}));
    CHECK(v[2]["register"] == "PeriphID1");  // the map names an offset it knows
    CHECK(v[2]["bits"] == nlohmann::json::array({7, 4}));
    CHECK(v[2]["value"] == 1);
    CHECK(v[2]["raw"] == 0x10);
}

TEST_CASE("device selection: name, uioN, device node, address, maps", "[regtool][cli][device]") {
    Board board;
    for (const std::string dev : {"pl031", "uio0", "pl031@9010000", "0x9010000", "0x9010ff0", "uio0:0"}) {
        INFO(dev);
        CHECK(board.run({"read", dev, "0xff0", "PCellID1"}).out ==
              "0xff0 (PCellID0) = 0x0000000d\nPCellID1 (0xff4) = 0x000000f0\n");
    }
    CHECK(board.run({"read", board.dev_node(0), "0xff0"}).out == "0xff0 = 0x0000000d\n");
    // Second maps: by index, by name, by an address inside them.
    for (const std::string dev : {"idwindow:1", "idwindow:virtio-mmio-31", "uio1:1", "0xa003e00"}) {
        INFO(dev);
        CHECK(board.run({"read", dev, "0x0"}).out == "0x0 = 0x74726976\n");
    }
    // A window that does not start on a page: offset 0 is the PL061's PeriphID0.
    CHECK(board.run({"read", "idwindow", "PeriphID0"}).out == "PeriphID0 (0x0) = 0x00000061\n");
    CHECK(board.run({"read", "idwindow:pl061-id", "PCellID3"}).out == "PCellID3 (0x1c) = 0x000000b1\n");

    check_runtime_error(board.run({"read", "rtc", "DR"}), "no UIO device with name 'rtc'");
    check_runtime_error(board.run({"read", "uio7", "DR"}), "no UIO device uio7");
    check_runtime_error(board.run({"read", "0x1234", "0x0"}), "no UIO device with address 0x1234");
    check_usage_error(board.run({"read", "idwindow:2", "0x0"}), "has no map2");
    check_usage_error(board.run({"read", "idwindow:nope", "0x0"}), "no map named 'nope'");
    check_usage_error(board.run({"read", "0x12g", "0x0"}), "device '0x12g'");
}

TEST_CASE("read: every refused address", "[regtool][cli][read][errors]") {
    Board board;
    check_usage_error(board.run({"read", "pl031", "0x1g"}), "address '0x1g': '0x1g' is not a number");
    check_usage_error(board.run({"read", "pl031", "0x2"}), "offset 0x2 is not aligned to the 32-bit access");
    check_usage_error(board.run({"read", "pl031", "0x6", "--width", "64"}), "not aligned to the 64-bit access");
    check_usage_error(board.run({"read", "pl031", "0x1000"}), "offset 0x1000 is outside the 0x1000-byte window of uio0 'pl031' map0");
    check_usage_error(board.run({"read", "idwindow", "0x200"}), "outside");
    check_usage_error(board.run({"read", "pl031", "FOO"}), "no register 'FOO' in map pl031");
    check_usage_error(board.run({"read", "pl031", "CR.STOP"}), "register CR has no field 'STOP'; its fields: START");
    check_usage_error(board.run({"read", "pl031", "DR.X"}), "it has no fields");
    check_usage_error(board.run({"read", "pl031", "ICR"}), "register ICR is write-only");
    check_usage_error(board.run({"read", "scratch", "CMD.GO"}), "register CMD is write-only");
    check_usage_error(board.run({"read", "pl031", "DR", "--width", "16"}), "DR is 32-bit; --width 16 contradicts the map");
    check_usage_error(board.run({"read", "pl031", "0x0:32"}), "bit 32 is beyond the 32-bit access");
    check_usage_error(board.run({"read", "pl031", "0x0:3:4"}), "high bit first");
    check_usage_error(board.run({"read", "pl031", "CR.START:3"}), "a field already selects its bits");
    check_usage_error(board.run({"read", "pl031", ":3"}), "nothing before ':', which is neither a number nor a register name");
    check_usage_error(board.run({"read", "idwindow:1", "MagicValue"}), "no register map found for uio1 'idwindow' map1");
    check_usage_error(board.run({"read", "pl031", "DR", "--no-map"}), "--no-map was given");
    // Nothing is read when one address is bad: the first error is reported, no values printed.
    check_usage_error(board.run({"read", "pl031", "DR", "0x2"}), "0x2");
}

TEST_CASE("runtime errors: missing device, permission denied, bad map", "[regtool][cli][errors]") {
    Board board;
    regtool::Context denied = board.context;
    denied.host.opener = [](const uiokit::DeviceInfo& info, const uiokit::OpenOptions&) -> uiokit::detail::DeviceFiles {
        throw uiokit::Error(EACCES, "open " + info.dev_node.string() + " ('" + info.name + "')");
    };
    check_runtime_error(Board::run_with(denied, {"read", "pl031", "DR"}), "Permission denied");
    check_runtime_error(Board::run_with(denied, {"write", "pl031", "MR=1"}), "Permission denied");

    TempFile bad_map(0);
    std::ofstream(bad_map.path) << "format: 1\nname: x\nregisters:\n  - {name: A, offset: 0x3}\n";
    Result r = board.run({"read", "pl031", "0x0", "--map", bad_map.path.string()});
    check_runtime_error(r, bad_map.path.string() + ":4: register 'A' offset 0x3 is not aligned");
    check_runtime_error(board.run({"read", "pl031", "DR", "--map", "/nonexistent.yaml"}), "/nonexistent.yaml: cannot open");

    // A bad map found by name is reported too, never skipped silently.
    TempFile dir_marker(0);
    const auto dir = dir_marker.path.string() + ".d";
    std::filesystem::create_directory(dir);
    std::ofstream(dir + "/scratch.yaml") << "format: 1\nname: s\nregisters:\n  - {name: A, offset: 0, bogus: 1}\n";
    regtool::Context with_bad = board.context;
    with_bad.regmap_path = dir;
    check_runtime_error(Board::run_with(with_bad, {"read", "scratch", "A"}), "scratch.yaml:4: unknown key 'bogus'");
    std::filesystem::remove_all(dir);
}

TEST_CASE("write: rwr by default, w and rw modes, JSON", "[regtool][cli][write]") {
    Board board;
    Result r = board.run({"write", "pl031", "MR=0x100", "LR=2000"});
    REQUIRE(r.status == 0);
    CHECK(r.out ==
          "MR (0x4) = 0x00000000 := 0x00000100 -> 0x00000100\n"
          "LR (0x8) = 0x00000000 := 0x000007d0 -> 0x000007d0\n");
    CHECK(board.rtc32(0x04) == 0x100);
    CHECK(board.rtc32(0x08) == 2000);

    CHECK(board.run({"write", "pl031", "MR=0x5", "--mode", "w"}).out == "MR (0x4) := 0x00000005\n");
    CHECK(board.run({"write", "pl031", "MR=0x6", "--mode", "rw"}).out == "MR (0x4) = 0x00000005 := 0x00000006\n");
    CHECK(board.run({"write", "pl031", "0x4=7", "--mode", "rw", "--dec", "--no-map"}).out == "0x4 = 6 := 7\n");

    r = board.run({"write", "pl031", "IMSC.MATCH=enabled", "--json"});
    REQUIRE(r.status == 0);
    const auto j = r.json();
    CHECK(j["command"] == "write");
    CHECK(j["mode"] == "rwr");
    REQUIRE(j["writes"].size() == 1);
    const auto& w = j["writes"][0];
    CHECK(w["register"] == "IMSC");
    CHECK(w["field"] == "MATCH");
    CHECK(w["value"] == 1);
    CHECK(w["old"] == 0);
    CHECK(w["written"] == 1);
    CHECK(w["readback"] == 1);
    CHECK(board.rtc32(0x10) == 1);

    r = board.run({"write", "pl031", "MR=1", "--mode", "w", "--json"});
    CHECK(r.json()["writes"][0]["old"].is_null());
    CHECK(r.json()["writes"][0]["readback"].is_null());
}

TEST_CASE("write: fields are read-modify-write and never acknowledge W1C flags", "[regtool][cli][write][w1c]") {
    Board board;
    // STATUS: EN[0] rw, FLAGS[7:4] w1c, TRIGGER[11:8] w1s, READY[12] ro. Flags pending, ready.
    board.scratch32(0x04, 0x10F0);
    Result r = board.run({"write", "scratch", "STATUS.EN=1", "--mode", "w"});
    REQUIRE(r.status == 0);
    CHECK(board.scratch32(0x04) == 0x1001);  // FLAGS written as 0: nothing acknowledged

    board.scratch32(0x04, 0x10F1);
    REQUIRE(board.run({"write", "scratch", "STATUS.FLAGS=clear", "--mode", "w"}).status == 0);
    CHECK(board.scratch32(0x04) == 0x10F1);  // 1s to all of FLAGS, EN kept, TRIGGER 0
    board.scratch32(0x04, 0x10F1);
    REQUIRE(board.run({"write", "scratch", "STATUS.FLAGS=0x5", "--mode", "w"}).status == 0);
    CHECK(board.scratch32(0x04) == 0x1051);  // only the flags given are cleared
    board.scratch32(0x04, 0x0001);
    REQUIRE(board.run({"write", "scratch", "STATUS.TRIGGER=set", "--mode", "w"}).status == 0);
    CHECK(board.scratch32(0x04) == 0x0F01);
    // A bit range of a register the map knows gets the same protection.
    board.scratch32(0x04, 0x00F0);
    REQUIRE(board.run({"write", "scratch", "0x4:0=1", "--mode", "w"}).status == 0);
    CHECK(board.scratch32(0x04) == 0x0001);

    // Other fields keep their value; enum names work.
    board.scratch32(0x00, 0x1);
    r = board.run({"write", "scratch", "CTRL.MODE=fast"});
    REQUIRE(r.status == 0);
    CHECK(board.scratch32(0x00) == 0x5);
    CHECK(r.out == "CTRL.MODE (0x0[2:1]) = 0x0 (off) := 0x2 (fast) -> 0x2 (fast)\n");

    // Write-only register: no read; the other bits take their reset value (CMD reset 0x100).
    board.scratch32(0x18, 0xFFFF'FFFF);
    r = board.run({"write", "scratch", "CMD.GO=1"});
    REQUIRE(r.status == 0);
    CHECK(board.scratch32(0x18) == 0x101);
    CHECK_THAT(r.out, Contains("(write-only: not read)"));
    REQUIRE(board.run({"write", "pl031", "ICR.MATCH=clear"}).status == 0);
    CHECK(board.rtc32(0x1C) == 1);
}

TEST_CASE("write: a register whose read has side effects is not read without --force", "[regtool][cli][write]") {
    Board board;
    check_usage_error(board.run({"write", "scratch", "POP.LOW=1"}), "reading POP has side effects; give --force");
    Result r = board.run({"write", "scratch", "POP=0x12"});  // a whole write needs no read
    REQUIRE(r.status == 0);
    CHECK(r.out == "POP (0x20) := 0x00000012 (not read: reading has side effects, --force reads it)\n");
    r = board.run({"write", "scratch", "POP.LOW=0x34", "--force"});
    REQUIRE(r.status == 0);
    CHECK(board.scratch32(0x20) == 0x34);
}

TEST_CASE("write: every refused argument, and a refused multi-write writes nothing", "[regtool][cli][write][errors]") {
    Board board;
    board.rtc32(0x04, 0xAAAA);
    board.rtc32(0x08, 0xBBBB);
    const auto unchanged = [&] {
        CHECK(board.rtc32(0x04) == 0xAAAA);
        CHECK(board.rtc32(0x08) == 0xBBBB);
    };
    check_usage_error(board.run({"write", "pl031", "MR=1", "LR=2", "DR=1"}), "register DR is read-only");
    unchanged();
    check_usage_error(board.run({"write", "pl031", "MR=1", "LR=0x1_0000_0000"}),
                      "value 0x100000000 does not fit in the 32-bit register LR");
    unchanged();
    check_usage_error(board.run({"write", "pl031", "MR=1", "LR=0x1g"}), "'LR=0x1g' value: '0x1g' is not a number");
    unchanged();
    check_usage_error(board.run({"write", "pl031", "MR=1", "0x1002=1"}), "not aligned");
    unchanged();
    check_usage_error(board.run({"write", "pl031", "MR=1", "0x1000=1"}), "outside");
    unchanged();
    check_usage_error(board.run({"write", "pl031", "MR=1", "XR=1"}), "no register 'XR'");
    unchanged();
    check_usage_error(board.run({"write", "pl031", "MR=1", "CR.GO=1"}), "no field 'GO'");
    unchanged();
    check_usage_error(board.run({"write", "pl031", "MR=1", "CR.START=2"}), "does not fit in the 1-bit field CR.START");
    unchanged();
    check_usage_error(board.run({"write", "pl031", "MR=1", "0x8:3:0=0x10"}), "does not fit in the 4-bit bits");
    unchanged();
    check_usage_error(board.run({"write", "pl031", "MR=1", "LR"}), "'LR' is not ADDR=VALUE");
    unchanged();
    check_usage_error(board.run({"write", "pl031", "MR=1", "LR="}), "no value after '='");
    unchanged();
    check_usage_error(board.run({"write", "pl031", "MR=1", "IMSC.MATCH=on"}), "no value named 'on'; its values: masked, enabled");
    unchanged();
    check_usage_error(board.run({"write", "pl031", "MR=1", "CR.START=clear"}), "'clear' is only for write-1-to-clear fields");
    unchanged();
    check_usage_error(board.run({"write", "pl031", "MR=1", "RIS.MATCH=1"}), "register RIS is read-only");
    unchanged();
    check_usage_error(board.run({"write", "scratch", "CTRL=1", "STATUS.READY=1"}), "field STATUS.READY is read-only");
    CHECK(board.scratch32(0x00) == 0);
    check_usage_error(board.run({"write", "scratch", "BYTE=0x100"}), "does not fit in the 8-bit register");
    check_usage_error(board.run({"write", "pl031", "MR=1", "--width", "16"}), "contradicts the map");
    unchanged();
    check_usage_error(board.run({"write", "pl031"}), "nothing to write");
}

TEST_CASE("dump: one line per register with the map, skipping what must not be read", "[regtool][cli][dump]") {
    Board board;
    Result r = board.run({"dump", "pl031"});
    REQUIRE(r.status == 0);
    CHECK_THAT(r.out, Contains("0x0 DR        = 0x000003e8\n"));
    CHECK_THAT(r.out, Contains("0xc CR        = 0x00000001\n      START[0] = 0x1\n"));
    CHECK_THAT(r.out, Contains("0x1c ICR       (write-only: not read)\n"));
    CHECK_THAT(r.out, Contains("0xffc PCellID3  = 0x000000b1\n"));

    board.scratch32(0x08, 0x77);
    r = board.run({"dump", "scratch", "--json"});
    REQUIRE(r.status == 0);
    auto j = r.json();
    CHECK(j["layout"] == "registers");
    const auto& regs = j["registers"];
    REQUIRE(regs.size() == 9);
    CHECK(regs[2]["name"] == "FIFO");
    CHECK(regs[2]["value"].is_null());
    CHECK(regs[2]["skipped"] == "side-effect-on-read");
    CHECK(regs[6]["name"] == "CMD");
    CHECK(regs[6]["skipped"] == "write-only");
    CHECK(regs[0]["skipped"].is_null());
    CHECK(regs[0]["fields"][1]["name"] == "MODE");
    CHECK(regs[0]["fields"][1]["enum"] == "off");
    r = board.run({"dump", "scratch", "--force", "--json"});
    CHECK(r.json()["registers"][2]["value"] == 0x77);

    // A range: registers inside it only.
    r = board.run({"dump", "pl031", "0xfe0", "0x10"});
    REQUIRE(r.status == 0);
    CHECK(r.out ==
          "0xfe0 PeriphID0 = 0x00000031\n      PARTNUMBER0[7:0] = 0x31\n"
          "0xfe4 PeriphID1 = 0x00000010\n      PARTNUMBER1[3:0] = 0x0\n      DESIGNER0[7:4] = 0x1\n"
          "0xfe8 PeriphID2 = 0x00000014\n      DESIGNER1[3:0] = 0x4\n      REVISION[7:4] = 0x1\n"
          "0xfec PeriphID3 = 0x00000000\n      CONFIGURATION[7:0] = 0x00\n");
}

TEST_CASE("write: a value named set or clear on an ordinary field is that value", "[regtool][cli][write]") {
    Board board;
    TempFile map(0);
    std::ofstream(map.path) << "format: 1\nname: latch\nregisters:\n"
                               "  - name: CTRL\n    offset: 0x0\n    fields:\n"
                               "      - name: MODE\n        bits: \"1:0\"\n"
                               "        values: [{name: clear, value: 1}, {name: set, value: 2}]\n";
    Result r = board.run({"write", "scratch", "CTRL.MODE=set", "--map", map.path.string()});
    REQUIRE(r.status == 0);
    CHECK((board.scratch32(0x0) & 0x3) == 2);
    r = board.run({"write", "scratch", "CTRL.MODE=clear", "--map", map.path.string()});
    REQUIRE(r.status == 0);
    CHECK((board.scratch32(0x0) & 0x3) == 1);
}

TEST_CASE("a map name that several maps share must be given as an index", "[regtool][cli][errors]") {
    Board board;
    auto& twins = board.system.add_device({.name = "twins",
                             .maps = {{.phys = 0x5000'0000, .length = 0x100, .name = "regs@50000000"},
                                      {.phys = 0x5000'2000, .length = 0x100, .name = "regs@50000000"}}});
    twins.memory(0).write<std::uint32_t>(0, 0x11111111);
    twins.memory(1).write<std::uint32_t>(0, 0x22222222);
    check_usage_error(board.run({"read", "twins:regs", "0x0"}), "2 maps of uio3 are named 'regs'");
    check_usage_error(board.run({"read", "twins:regs@50000000", "0x0"}), "give the map index instead, e.g. twins:0");
    // The index selects that map: twins:1 reads map1's word, twins:0 map0's.
    const Result map1 = board.run({"read", "twins:1", "0x0", "--json"});
    REQUIRE(map1.status == 0);
    CHECK(map1.json()["target"]["map"] == 1);
    CHECK(map1.json()["values"][0]["value"] == 0x22222222);
    const Result map0 = board.run({"read", "twins:0", "0x0", "--json"});
    REQUIRE(map0.status == 0);
    CHECK(map0.json()["values"][0]["value"] == 0x11111111);
}

TEST_CASE("dump: registers of the map beyond the window are listed as outside it, not read", "[regtool][cli][dump][json]") {
    Board board;
    // idwindow's map 0 is 0x20 bytes; this map also has registers at 0x20 and 0x40.
    TempFile map(0);
    std::ofstream(map.path) << "format: 1\nname: wide\nregisters:\n"
                               "  - {name: ID0, offset: 0x0, access: ro}\n"
                               "  - {name: EDGE, offset: 0x20, access: ro}\n"
                               "  - name: BEYOND\n    offset: 0x40\n    fields:\n      - {name: EN, bits: 0}\n";
    Result r = board.run({"dump", "idwindow", "--map", map.path.string(), "--json"});
    REQUIRE(r.status == 0);
    const auto regs = r.json()["registers"];
    REQUIRE(regs.size() == 3);
    CHECK(regs[0]["name"] == "ID0");
    CHECK(regs[0]["value"] == 0x61);
    CHECK(regs[0]["skipped"].is_null());
    CHECK(regs[1]["name"] == "EDGE");
    CHECK(regs[1]["offset"] == 0x20);
    CHECK(regs[2]["name"] == "BEYOND");
    CHECK(regs[2]["offset"] == 0x40);
    for (std::size_t i = 1; i < regs.size(); ++i) {
        INFO(regs[i]["name"]);
        CHECK(regs[i]["value"].is_null());
        CHECK(regs[i]["skipped"] == "outside-window");
    }
    CHECK(regs[2]["fields"][0]["name"] == "EN");
    CHECK(regs[2]["fields"][0]["value"].is_null());

    r = board.run({"dump", "idwindow", "0x10", "--map", map.path.string()});
    REQUIRE(r.status == 0);
    CHECK(r.out == "0x20 EDGE   (outside the window)\n0x40 BEYOND (outside the window)\n");
    // An explicit range stays inside the window: only the registers in it.
    r = board.run({"dump", "idwindow", "0x0", "0x20", "--map", map.path.string()});
    REQUIRE(r.status == 0);
    CHECK(r.out == "0x0 ID0 = 0x00000061\n");
}

TEST_CASE("dump: raw hexdump with the access width", "[regtool][cli][dump]") {
    Board board;
    Result r = board.run({"dump", "pl031", "0xfe0", "0x20", "--raw"});
    REQUIRE(r.status == 0);
    CHECK(r.out == "0fe0: 00000031 00000010 00000014 00000000\n0ff0: 0000000d 000000f0 00000005 000000b1\n");
    r = board.run({"dump", "pl031", "0xfe0", "0x8", "--raw", "--width", "16"});
    CHECK(r.out == "0fe0: 0031 0000 0010 0000\n");
    r = board.run({"dump", "pl031", "0xfe0", "0x10", "--raw", "--width", "64"});
    CHECK(r.out == "0fe0: 0000001000000031 0000000000000014\n");
    r = board.run({"dump", "pl031", "0xfe0", "0x4", "--raw", "--width", "8"});
    CHECK(r.out == "0fe0: 31 00 00 00\n");
    // Write-only and side-effect registers are not read in a raw dump either.
    r = board.run({"dump", "pl031", "0x10", "0x10", "--raw"});
    CHECK(r.out == "0010: 00000000 00000000 00000000 --------\n");
    board.scratch32(0x08, 0x99);
    r = board.run({"dump", "scratch", "0x0", "0x10", "--raw"});
    CHECK(r.out == "0000: 00000000 00000000 -------- 00000000\n");
    r = board.run({"dump", "scratch", "0x0", "0x10", "--raw", "--force"});
    CHECK(r.out == "0000: 00000000 00000000 00000099 00000000\n");
    // No map: everything is read.
    r = board.run({"dump", "pl031", "0x10", "0x10", "--no-map"});
    CHECK(r.out == "0010: 00000000 00000000 00000000 00000000\n");

    r = board.run({"dump", "scratch", "0x0", "0x10", "--raw", "--json"});
    REQUIRE(r.status == 0);
    const auto j = r.json();
    CHECK(j["layout"] == "raw");
    CHECK(j["start"] == 0);
    CHECK(j["length"] == 16);
    CHECK(j["width"] == 32);
    CHECK(j["values"] == nlohmann::json::parse("[0,0,null,0]"));
}

TEST_CASE("dump: refused ranges", "[regtool][cli][dump][errors]") {
    Board board;
    check_usage_error(board.run({"dump", "pl031", "0x1000"}), "START 0x1000 is outside");
    check_usage_error(board.run({"dump", "pl031", "0xff0", "0x20"}), "is beyond");
    check_usage_error(board.run({"dump", "pl031", "0x2", "0x8", "--raw"}), "multiples of the 32-bit access");
    check_usage_error(board.run({"dump", "pl031", "0x0", "0x6", "--raw"}), "multiples");
    check_usage_error(board.run({"dump", "pl031", "0x0", "0"}), "LENGTH is 0");
    check_usage_error(board.run({"dump", "pl031", "0x0", "0x10", "--width", "16"}), "--width applies to a raw dump");
    check_usage_error(board.run({"dump", "pl031", "0", "4", "8"}), "unexpected argument '8'");
    check_usage_error(board.run({"dump", "pl031", "zz"}), "START: 'zz'");
}

TEST_CASE("file target (--file): read, write and dump any mmappable file", "[regtool][cli][file]") {
    Board board;
    TempFile file(0x100);
    file.write32(0x10, 0xDEADBEEF);
    Result r = board.run({"read", "--file", file.path.string(), "0x10"});
    REQUIRE(r.status == 0);
    CHECK(r.out == "0x10 = 0xdeadbeef\n");
    r = board.run({"write", "--file", file.path.string(), "0x14=0x12345678", "0x10:7:0=0x11"});
    REQUIRE(r.status == 0);
    CHECK(file.read32(0x14) == 0x12345678);
    CHECK(file.read32(0x10) == 0xDEADBE11);
    r = board.run({"dump", "--file", file.path.string(), "0x10", "0x8"});
    CHECK(r.out == "0010: deadbe11 12345678\n");
    r = board.run({"read", "--file", file.path.string(), "--json", "0x10"});
    CHECK(r.json()["target"]["kind"] == "file");
    CHECK(r.json()["target"]["size"] == 0x100);
    CHECK(r.json()["target"]["phys"].is_null());
    // With a map, names work on files too, and an offset is the register there, with its width.
    r = board.run({"read", "--file", file.path.string(), "--map", std::string(UIOKIT_TEST_MAP_DIR) + "/scratch.yaml", "0x10",
                   "STATUS"});
    REQUIRE(r.status == 0);
    CHECK_THAT(r.out, Contains("0x10 (WIDE) = 0x12345678deadbe11\n"));
    CHECK_THAT(r.out, Contains("STATUS (0x4) = 0x00000000"));
    // --size limits the window.
    check_usage_error(board.run({"read", "--file", file.path.string(), "--size", "0x10", "0x10"}), "outside");

    check_runtime_error(board.run({"read", "--file", "/nonexistent/img", "0x0"}), "open /nonexistent/img");
    TempFile empty(0);
    check_usage_error(board.run({"read", "--file", empty.path.string(), "0x0"}), "is empty");
    check_usage_error(board.run({"read", "--file", "/dev/null", "0x0"}), "--file /dev/null: it is a character device, whose size is unknown: give the window's size with --size");
    check_usage_error(board.run({"read", "--file", file.path.string(), "DR"}), "has no name to find a map by");
    check_usage_error(board.run({"read", "pl031", "0x0", "--size", "4"}), "--size applies only to --file and --devmem");
    check_usage_error(board.run({"read", "--file", file.path.string(), "--devmem", "0x0", "0x0"}), "cannot be combined");
}

TEST_CASE("devmem target (--devmem): a physical address, page offset included", "[regtool][cli][devmem]") {
    Board board;
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    TempFile memory(3 * page);
    memory.write32(page + 0x10, 0xCAFEF00D);
    regtool::Context context = board.context;
    context.devmem_path = memory.path;  // stands in for /dev/mem
    const std::string phys = "0x" + [&] {
        char b[32];
        std::snprintf(b, sizeof b, "%zx", page + 0x10);
        return std::string(b);
    }();
    Result r = Board::run_with(context, {"read", "--devmem", phys, "0x0", "--json"});
    REQUIRE(r.status == 0);
    const auto j = r.json();
    CHECK(j["values"][0]["value"] == 0xCAFEF00D);
    CHECK(j["target"]["kind"] == "devmem");
    CHECK(j["target"]["phys"] == page + 0x10);
    CHECK(j["target"]["size"] == page - 0x10);  // to the end of the page by default
    r = Board::run_with(context, {"write", "--devmem", phys, "--size", "8", "0x4=0x42", "--mode", "w"});
    REQUIRE(r.status == 0);
    CHECK(memory.read32(page + 0x14) == 0x42);
    check_usage_error(Board::run_with(context, {"read", "--devmem", phys, "--size", "8", "0x8"}), "outside");
    check_usage_error(Board::run_with(context, {"read", "--devmem", "0xzz", "0x0"}), "--devmem: '0xzz'");

    // A window that starts off alignment: refused before anything is written, not at the access.
    const std::string odd = "0x" + [&] {
        char b[32];
        std::snprintf(b, sizeof b, "%zx", page + 0x12);
        return std::string(b);
    }();
    memory.write32(page + 0x14, 0);
    memory.write32(page + 0x18, 0);
    check_usage_error(Board::run_with(context, {"write", "--devmem", odd, "--size", "0x20", "0x4=0x55667788", "--mode", "w"}),
                      "the window starts off 4-byte alignment, so a 32-bit access at offset 0x4 is misaligned");
    CHECK(memory.read32(page + 0x14) == 0);
    CHECK(memory.read32(page + 0x18) == 0);
    CHECK(Board::run_with(context, {"write", "--devmem", odd, "--size", "0x20", "0x4=0x5566", "--width", "16", "--mode", "w"})
              .status == 0);
}

TEST_CASE("file target: a --size beyond the end of a regular file is refused, not mapped", "[regtool][cli][file][errors]") {
    // mmap maps past the end of a file; touching that part was SIGBUS (this process would die).
    Board board;
    TempFile file(0x100);
    const std::string path = file.path.string();
    const std::vector<std::vector<std::string>> commands{{"read", "--file", path, "0x2000", "--size", "0x3000"},
                                                          {"dump", "--file", path, "--size", "0x3000"},
                                                          {"write", "--file", path, "0x2000=1", "--size", "0x3000"},
                                                          {"read", "--file", path, "0x0", "--size", "0x101"}};
    for (const std::vector<std::string>& args : commands) {
        INFO(args.front() << " " << args.back());
        check_usage_error(board.run(args), "--file " + path + ": " + args.back() + " bytes reach beyond its end: it is 0x100 (256) bytes");
    }
    CHECK_THAT(board.run({"read", "--file", path, "0x0", "--size", "0x3000"}).err, Contains("give at most --size 0x100"));
    CHECK(board.run({"read", "--file", path, "0xfc", "--size", "0x100"}).status == 0);  // the whole file is fine

    // A regular file standing in for /dev/mem: the same check, the window counted from PHYS.
    regtool::Context context = board.context;
    context.devmem_path = file.path;
    check_usage_error(Board::run_with(context, {"read", "--devmem", "0x80", "--size", "0x100", "0x0"}),
                      "--devmem " + path + ": 0x100 bytes at 0x80 reach beyond its end: it is 0x100 (256) bytes; give at most --size 0x80");
    CHECK(Board::run_with(context, {"read", "--devmem", "0x80", "--size", "0x80", "0x7c"}).status == 0);
}

TEST_CASE("an offset that overlaps a map register without being it is refused", "[regtool][cli][read][write][errors]") {
    Board board;
    const std::string scratch_map = std::string(UIOKIT_TEST_MAP_DIR) + "/scratch.yaml";
    board.scratch32(0x04, 0x00F0);  // STATUS: W1C flags pending
    board.scratch32(0x08, 0x77);    // FIFO (reading pops it)
    board.scratch32(0x1C, 0x5C);    // ID, read-only

    // Each would bypass a rule: the read-only ID written, pending W1C flags written back as 1 (a
    // partial write loads the map found by name), FIFO read without --force.
    Result r = board.run({"write", "scratch", "0x1c=5", "--width", "16", "--map", scratch_map});
    check_usage_error(r, "address '0x1c': a 16-bit access at 0x1c overlaps register ID (0x1c, 32-bit) of map scratch");
    CHECK_THAT(r.err, Contains("use the register's name (ID; ID:HI:LO or a field for part of it) or its width (--width 32)"));
    CHECK_THAT(r.err, Contains("leave out --map"));
    r = board.run({"write", "scratch", "0x4:0=1", "--width", "16", "--mode", "w"});
    check_usage_error(r, "overlaps register STATUS (0x4, 32-bit)");
    CHECK_THAT(r.err, Contains("access the raw offset without the map: --no-map, in a command that names no registers"));
    check_usage_error(board.run({"read", "scratch", "0x8", "--width", "16", "CTRL"}), "overlaps register FIFO (0x8, 32-bit)");
    check_usage_error(board.run({"watch", "scratch", "0x8", "--width", "16", "--map", scratch_map, "--duration", "10ms"}),
                      "overlaps register FIFO");
    // Inside a register, or across several.
    r = board.run({"read", "scratch", "0x1e", "--width", "16", "CTRL"});
    check_usage_error(r, "a 16-bit access at 0x1e overlaps register ID (0x1c, 32-bit)");
    CHECK_THAT(r.err, !Contains("--width 32"));  // its width would not be at 0x1e
    check_usage_error(board.run({"read", "scratch", "0x8", "--width", "64", "CTRL"}),
                      "overlaps registers FIFO (0x8, 32-bit), BYTE (0xc, 8-bit), HALF (0xe, 16-bit) of map scratch");
    check_usage_error(board.run({"read", "scratch", "0x14", "CTRL"}), "a 32-bit access at 0x14 overlaps register WIDE");
    CHECK(board.scratch32(0x04) == 0x00F0);
    CHECK(board.scratch32(0x1C) == 0x5C);

    // Exactly a register (its offset, and its width by default or given): its name and rules, as before.
    CHECK(board.run({"read", "scratch", "0x8", "--map", scratch_map}).out == "0x8 (FIFO) = 0x00000077\n");
    CHECK(board.run({"read", "scratch", "0xc", "--width", "8", "--map", scratch_map}).out == "0xc (BYTE) = 0x00\n");
    check_usage_error(board.run({"write", "scratch", "0x1c=5", "--map", scratch_map}), "register ID is read-only");
    REQUIRE(board.run({"write", "scratch", "0x4:0=1", "--mode", "w"}).status == 0);
    CHECK(board.scratch32(0x04) == 0x0001);  // FLAGS written as 0
    // Where the map has no register, and without a map, offsets are plain.
    CHECK(board.run({"read", "scratch", "0x28", "--width", "64", "--map", scratch_map}).out == "0x28 = 0x0000000000000000\n");
    CHECK(board.run({"read", "scratch", "0x1e", "--width", "16"}).out == "0x1e = 0x0000\n");
    REQUIRE(board.run({"write", "scratch", "0x1c=0x5d", "--width", "16", "--no-map", "--mode", "w"}).status == 0);
    CHECK(board.scratch32(0x1C) == 0x5D);
}

TEST_CASE("a read-only and a write-only register at one address: an offset is the one that can", "[regtool][cli][read][write]") {
    Board board;
    TempFile uart(0);
    std::ofstream(uart.path) << "format: 1\nname: uart\nregisters:\n"
                                "  - {name: RBR, offset: 0x0, access: ro}\n"
                                "  - {name: THR, offset: 0x0, access: wo}\n"
                                "  - {name: LSR, offset: 0x4}\n";
    const std::string map = uart.path.string();
    Result r = board.run({"write", "scratch", "0x0=0x41", "--map", map});
    REQUIRE(r.status == 0);
    CHECK(r.out == "0x0 (THR) := 0x00000041 (write-only: not read)\n");
    CHECK(board.scratch32(0x00) == 0x41);
    CHECK(board.run({"read", "scratch", "0x0", "--map", map}).out == "0x0 (RBR) = 0x00000041\n");
    CHECK(board.run({"write", "scratch", "0x0:7:0=0x42", "--map", map, "--mode", "w"}).out == "0x0[7:0] (THR) := 0x42\n");
    CHECK(board.scratch32(0x00) == 0x42);
    // A raw dump reads the address through the readable one.
    CHECK(board.run({"dump", "scratch", "0x0", "0x8", "--raw", "--map", map}).out == "0000: 00000042 00000000\n");
}

TEST_CASE("dump --raw --force still never reads write-only registers", "[regtool][cli][dump]") {
    Board board;
    board.scratch32(0x08, 0x99);  // FIFO: side effects
    board.scratch32(0x18, 0xAB);  // CMD: write-only
    board.scratch32(0x1C, 0x5C);
    CHECK(board.run({"dump", "scratch", "0x8", "0x4", "--raw", "--force"}).out == "0008: 00000099\n");
    CHECK(board.run({"dump", "scratch", "0x18", "0x8", "--raw", "--force"}).out == "0018: -------- 0000005c\n");
    const Result r = board.run({"dump", "scratch", "0x18", "0x8", "--raw", "--force", "--json"});
    REQUIRE(r.status == 0);
    CHECK(r.json()["values"] == nlohmann::json::parse("[null,92]"));
}

TEST_CASE("a --map that is a directory says so", "[regtool][cli][errors]") {
    Board board;
    const Result r = board.run({"read", "scratch", "0x0", "--map", UIOKIT_TEST_MAP_DIR});
    check_runtime_error(r, std::string(UIOKIT_TEST_MAP_DIR) + ": is a directory, not a register map file");
}

TEST_CASE("durations are decimal: hex floats and exponents are refused", "[regtool][cli][watch][errors]") {
    Board board;
    for (const std::string interval : {"0x10", "0x1p-4", "0x1p-4s", "1e-2", ".", "1.2.3"}) {
        INFO(interval);
        const Result r = board.run({"watch", "pl031", "DR", "--interval", interval, "--duration", "20ms"});
        CHECK(r.status == 2);
        CHECK_THAT(r.err, Contains("--interval '" + interval + "' is not a duration"));
    }
    CHECK_THAT(board.run({"wait", "pl031", "--timeout", "0x1p-4"}).err, Contains("not a duration"));
    CHECK(board.run({"watch", "pl031", "DR", "--interval", "1ms", "--duration", ".02"}).status == 0);
    CHECK(board.run({"watch", "pl031", "DR", "--interval", "1ms", "--duration", "20.ms"}).status == 0);
}

// Hostile input (issue 21): what a file, an option or a map can throw at regtool. Each is refused
// with the option, file or line named, nothing is written, and nothing hangs or crashes.
namespace {

struct ScratchDir {
    std::filesystem::path path;
    ScratchDir() {
        char pattern[] = "/tmp/regtool-hostile-XXXXXX";
        path = ::mkdtemp(pattern);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    ~ScratchDir() { std::filesystem::remove_all(path); }
};

bool valid_utf8(const std::string& text) { return uiokit::regmap::utf8::first_invalid(text) == std::string::npos; }

}  // namespace

TEST_CASE("hostile input: a FIFO or a directory is refused by its type, never waited on", "[regtool][cli][file][errors][hostile]") {
    Board board;
    const ScratchDir dir;
    const std::string fifo = (dir.path / "fifo").string();
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    // Without O_NONBLOCK, open() of a FIFO waits for a writer: these would never return.
    check_usage_error(board.run({"read", "--file", fifo, "0"}), "--file " + fifo + ": it is a FIFO; only a regular file or a character device can be mapped");
    check_usage_error(board.run({"info", "--file", fifo}), "--file " + fifo + ": it is a FIFO");
    const Result json = board.run({"read", "--file", fifo, "0", "--json"});
    CHECK(json.status == 2);
    CHECK_THAT(json.json()["error"]["message"].get<std::string>(), Contains("is a FIFO"));
    check_usage_error(board.run({"write", "--file", fifo, "0=1"}), "is a FIFO");
    // A directory is named as one, with or without --size (which used to fail with "No such device").
    const std::string directory = dir.path.string();
    check_usage_error(board.run({"read", "--file", directory, "0"}), "--file " + directory + ": it is a directory");
    check_usage_error(board.run({"read", "--file", directory, "0", "--size", "4"}), "--file " + directory + ": it is a directory");
    // --map: only a regular file.
    const TempFile image(0x100);
    check_runtime_error(board.run({"read", "--file", image.path.string(), "0", "--map", fifo}),
                        "--map " + fifo + ": is a FIFO, not a regular file");
}

TEST_CASE("hostile input: a map that never ends or is too big is refused before it is read", "[regtool][cli][regmap][errors][hostile]") {
    Board board;
    const TempFile image(0x100);
    const std::string file = image.path.string();
    // /dev/zero grew without bound, /dev/urandom never ended.
    for (const std::string device : {"/dev/zero", "/dev/urandom"}) {
        INFO(device);
        check_runtime_error(board.run({"read", "--file", file, "0", "--map", device}),
                            "--map " + device + ": is a character device, not a regular file");
    }
    const TempFile big(0);
    std::filesystem::resize_file(big.path, uiokit::regmap::max_map_file_size + 1);  // sparse
    check_runtime_error(board.run({"read", "--file", file, "0", "--map", big.path.string()}),
                        "more than a register map may be (16777216 bytes, 16 MiB)");
    // At the limit exactly the file is read: its zeros are then refused as text, not for size.
    std::filesystem::resize_file(big.path, uiokit::regmap::max_map_file_size);
    check_runtime_error(board.run({"read", "--file", file, "0", "--map", big.path.string()}),
                        big.path.string() + ":1: character U+0000 (a NUL byte) at column 1");
}

TEST_CASE("hostile input: an option given an empty value is refused, naming the option", "[regtool][cli][errors][hostile]") {
    Board board;
    TempFile image(0x100);
    const std::string file = image.path.string();
    // `write --map ''` wrote as if there were no --map.
    check_usage_error(board.run({"write", "--file", file, "0=1", "--map", ""}), "--map was given an empty value");
    CHECK(image.read32(0) == 0);
    const std::vector<std::vector<std::string>> cases = {
        {"watch", "--file", file, "0", "--interval", ""},  // was: the default interval
        {"watch", "--file", file, "0", "--duration", ""},  // was: for ever
        {"watch", "--file", file, "0", "--count", ""},     // was: for ever
        {"read", "--file", ""},
        {"read", "pl031", "DR", "--width", ""},
        {"read", "--file", file, "0", "--size", ""},
        {"read", "--devmem", "", "0"},
        {"write", "pl031", "MR=1", "--mode", ""},
        {"wait", "pl031", "--timeout", ""},
        {"wait", "pl031", "--count", ""},
        {"wait", "pl031", "--ack", ""},
        {"read", "pl031", "DR", "--sysfs-class-dir", ""},
        {"read", "pl031", "DR", "--dev-dir", ""},
    };
    for (const auto& args : cases) {
        const auto empty = std::find(args.begin() + 1, args.end(), std::string());
        REQUIRE(empty != args.end());
        const std::string option = *(empty - 1);
        INFO(option);
        check_usage_error(board.run(args), option + " was given an empty value");
    }
}

TEST_CASE("hostile input: --json output and messages stay UTF-8 whatever the input", "[regtool][cli][json][errors][hostile]") {
    Board board;
    const TempFile image(0x100);
    const std::string file = image.path.string();
    // Bytes that are not UTF-8 are shown as \xNN in messages (stderr and JSON alike).
    Result r = board.run({"read", "--file", file, "\xff\xfe", "--json"});
    CHECK(r.status == 2);
    CHECK(valid_utf8(r.err));
    CHECK_THAT(r.err, Contains("'\\xff\\xfe'"));
    REQUIRE_NOTHROW(r.json());  // nlohmann refuses invalid UTF-8
    CHECK_THAT(r.json()["error"]["message"].get<std::string>(), Contains("'\\xff\\xfe'"));
    r = board.run({"read", "--file", file + "\xc3", "0", "--json"});
    CHECK(r.status == 1);
    REQUIRE_NOTHROW(r.json());
    // A message about a number quotes the whole character, not a lone byte of it.
    r = board.run({"read", "--file", file, "0x\u0661\u0662", "--json"});
    CHECK(r.status == 2);
    CHECK(valid_utf8(r.err));
    CHECK_THAT(r.err, Contains("'\u0661' is not a hex digit"));
    REQUIRE_NOTHROW(r.json());
    r = board.run({"write", "--file", file, "0=1\u0662"});
    CHECK_THAT(r.err, Contains("'\u0662' is not a decimal digit"));
    // Strings in JSON documents: a byte that is not UTF-8 becomes U+FFFD.
    std::ostringstream out;
    regtool::JsonWriter json(out);
    json.begin_object().field("path", std::string_view("a\xff" "b\xe2\x82" "c\xe2\x82\xac")).end_object().end_document();
    CHECK(out.str() == "{\"path\":\"a\\ufffdb\\ufffd\\ufffdc\xe2\x82\xac\"}\n");
    CHECK(nlohmann::json::parse(out.str())["path"] == "a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd" "c\xe2\x82\xac");
}

TEST_CASE("hostile input: a map that is not UTF-8, has a NUL or nests too deep is refused at its line", "[regtool][cli][regmap][errors][hostile]") {
    Board board;
    const TempFile image(0x100);
    const ScratchDir dir;
    const auto refused = [&](const std::string& text, const std::string& needle) {
        const std::string map = (dir.path / "map.yaml").string();
        std::ofstream(map, std::ios::binary) << text;
        const Result r = board.run({"info", "--file", image.path.string(), "--map", map, "--json"});
        INFO(r.err);
        CHECK(r.status == 1);
        CHECK_THAT(r.err, Contains("--map " + map + needle));
        CHECK(valid_utf8(r.err));
        CHECK_NOTHROW(r.json());
    };
    refused("format: 1\nname: x\ndescription: caf\xe9\nregisters:\n  - {name: A, offset: 0}\n",
            ":3: the map is not valid UTF-8 text: byte 0xe9 at column 17");
    // "unknown escape character" was all yaml-cpp (the earlier parser) said.
    refused(std::string("format: 1\nname: x\nregisters:\n  - {name: A, offset: 0, description: \"a\\") + '\0' + "b\"}\n",
            ":4: character U+0000 (a NUL byte) at column 42 is a control character");
    // "YAML syntax: bad file", at the end of the text.
    refused("format: 1\nname: x\nregisters:\n  - {name: A, offset: 0, description: " + std::string(3000, '[') +
                std::string(3000, ']') + "}\n",
            ":4: the YAML is nested more than 100 levels deep");
    refused("format: 1\nname: x\nregisters:\n  - " + [] {
        std::string deep;
        for (int i = 0; i < 3000; ++i) deep += "- ";
        return deep;
    }() + "x\n", ":4: the YAML is nested more than");
    // Text that is UTF-8 is fine, in JSON too.
    const std::string map = (dir.path / "ok.yaml").string();
    std::ofstream(map) << "format: 1\nname: x\ndescription: caf\u00e9 \u0661\u0662\nregisters:\n  - {name: A, offset: 0}\n";
    const Result ok = board.run({"info", "--file", image.path.string(), "--map", map, "--json"});
    REQUIRE(ok.status == 0);
    CHECK(ok.json()["map"]["description"] == "caf\u00e9 \u0661\u0662");
}

TEST_CASE("hostile input: a mapped file truncated under watch is a runtime error, not SIGBUS", "[regtool][cli][file][watch][errors][hostile]") {
    Board board;
    const TempFile image(0x2000);
    std::thread truncate([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        std::filesystem::resize_file(image.path, 0);
    });
    const Result r = board.run({"watch", "--file", image.path.string(), "0x1000", "--interval", "1ms", "--duration", "20s"});
    truncate.join();
    check_runtime_error(r, "read32 at offset 0x1000 of " + image.path.string() + " (0x2000 bytes): bus error (SIGBUS)");
}

TEST_CASE("hostile input: the library turns SIGBUS in a guarded access into BusError", "[regtool][region][hostile]") {
    const TempFile image(0x2000, 0x5a);
    const int fd = ::open(image.path.c_str(), O_RDWR | O_CLOEXEC);
    REQUIRE(fd >= 0);
    void* mapped = ::mmap(nullptr, 0x2000, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ::close(fd);
    REQUIRE(mapped != MAP_FAILED);
    const uiokit::Region region(static_cast<volatile std::byte*>(mapped), 0x2000, true, "the image");
    {
        const uiokit::BusErrorGuard guard;
        CHECK(region.read_guarded<std::uint32_t>(0x1000) == 0x5a5a5a5aU);
        region.write_guarded<std::uint16_t>(0x1000, 0x1234);
        CHECK(region.read_guarded<std::uint16_t>(0x1000) == 0x1234);
        std::filesystem::resize_file(image.path, 0x1000);  // the second page is gone
        CHECK(region.read_guarded<std::uint64_t>(0x0) == 0x5a5a5a5a5a5a5a5aULL);
        try {
            (void)region.read_guarded<std::uint32_t>(0x1004);
            FAIL("no BusError");
        } catch (const uiokit::BusError& e) {
            CHECK(e.offset() == 0x1004);
            CHECK_THAT(e.what(), Contains("read32 at offset 0x1004 of the image (0x2000 bytes): bus error (SIGBUS)"));
        }
        CHECK_THROWS_AS(region.write_guarded<std::uint8_t>(0x1fff, 1), uiokit::BusError);
        // Still usable afterwards, and the checks of read/write still come first.
        CHECK(region.read_guarded<std::uint8_t>(0xfff) == 0x5a);
        CHECK_THROWS_AS(region.read_guarded<std::uint32_t>(0x2000), uiokit::RangeError);
    }
    ::munmap(mapped, 0x2000);
}

TEST_CASE("hostile input: a failed write to stdout is exit status 1, not success", "[regtool][cli][errors][hostile]") {
    Board board;
    std::ostream broken(nullptr);  // every output fails, as on /dev/full
    std::ostringstream err;
    CHECK(regtool::run({"read", "pl031", "DR"}, broken, err, board.context) == 1);
    CHECK_THAT(err.str(), Contains("cannot write to standard output"));
    std::ostringstream err_watch;
    CHECK(regtool::run({"watch", "pl031", "DR", "--interval", "1ms"}, broken, err_watch, board.context) == 1);
    CHECK_THAT(err_watch.str(), Contains("cannot write to standard output"));
}

TEST_CASE("hostile input: messages say what is wrong: past the end, neither number nor name", "[regtool][cli][errors][hostile]") {
    Board board;
    const TempFile three(3);
    // The offset is inside; the access runs past the end of the window.
    Result r = board.run({"read", "--file", three.path.string(), "0"});
    check_usage_error(r, "the 32-bit access at offset 0x0 runs past the end of the 0x3-byte window of file " +
                             three.path.string() + ", which ends at 0x3");
    CHECK_THAT(r.err, !Contains("outside"));
    const TempFile image(0x100);
    r = board.run({"read", "--file", image.path.string(), "0", "--size", "3"});
    check_usage_error(r, "runs past the end of the 0x3-byte window of file " + image.path.string() + " (--size 0x3)");
    check_usage_error(board.run({"read", "--file", image.path.string(), "0x200"}), "offset 0x200 is outside the 0x100-byte window");
    // Not register names to look up in a map: neither a number nor a name.
    for (const std::string address : {" 4", "\u0664", "\uff14", ":7:4"}) {
        INFO(address);
        for (const std::string& target : {std::string("pl031"), std::string("scratch")}) {
            r = board.run({"read", target, address});
            check_usage_error(r, "is neither a number nor a register name");
            CHECK_THAT(r.err, !Contains("--map"));
        }
        r = board.run({"write", "--file", image.path.string(), address + "=1"});
        check_usage_error(r, "is neither a number nor a register name");
    }
}
