// regtool on a map bounded by its device's DT reg: list/info show the bound, accesses past it are
// refused unless --whole-page asks for the page.
#include <catch2/catch.hpp>

#include "harness.hpp"

using Catch::Matchers::Contains;
using regtool_test::Board;
using regtool_test::Result;

namespace {

// A 0x20-byte device at page offset 0xfe0 whose node has a reg, as the board's idwindow map0, in a
// simulated system of its own; and one without reg, for the unchanged page bound.
struct BoundBoard {
    uiokit::sim::SimulatedSystem system;
    regtool::Context context;
    BoundBoard() {
        system.add_device({.name = "small",
                           .maps = {{.phys = 0x0903'0fe0, .length = 0x20}},
                           .has_interrupt = false,
                           .reg = {{.address = 0x0903'0fe0, .size = 0x20}}});
        system.add_device({.name = "noreg", .maps = {{.phys = 0x0904'0f00, .length = 0x20}}, .has_interrupt = false});
        context.host = system.host();
    }
    [[nodiscard]] Result run(std::vector<std::string> args) const { return Board::run_with(context, std::move(args)); }
};

}  // namespace

TEST_CASE("list and info show a map's DT reg bound", "[regtool][cli][bound]") {
    const BoundBoard board;
    Result r = board.run({"list"});
    REQUIRE(r.status == 0);
    CHECK_THAT(r.out, Contains("map0 'small@9030fe0': registers at 0x9030fe0, 0x20 bytes by DT reg, 0x20 to the page end"));
    CHECK_THAT(r.out, Contains("map0 'noreg@9040f00': registers at 0x9040f00, 0x100 bytes (addr"));

    r = board.run({"list", "--json"});
    REQUIRE(r.status == 0);
    const auto j = r.json();
    CHECK(j["devices"][0]["maps"][0]["reg_size"] == 0x20);
    CHECK(j["devices"][0]["maps"][0]["bound"] == 0x20);
    CHECK(j["devices"][1]["maps"][0]["reg_size"].is_null());
    CHECK(j["devices"][1]["maps"][0]["bound"] == 0x100);

    r = board.run({"info", "small", "--json", "--no-map"});
    REQUIRE(r.status == 0);
    CHECK(r.json()["target"]["size"] == 0x20);
    CHECK(r.json()["target"]["whole_page"] == false);
    CHECK(r.json()["device"]["maps"][0]["reg_size"] == 0x20);
}

TEST_CASE("accesses past the reg bound are refused unless --whole-page", "[regtool][cli][bound]") {
    // The reg is smaller than the rest of the page here: 0x10 bytes of a 0x100-byte window.
    uiokit::sim::SimulatedSystem system;
    auto& dev = system.add_device({.name = "tiny",
                                   .maps = {{.phys = 0x0904'0f00, .length = 0x100}},
                                   .has_interrupt = false,
                                   .reg = {{.address = 0x0904'0f00, .size = 0x10}}});
    regtool::Context context;
    context.host = system.host();
    dev.memory(0).write<std::uint32_t>(0x10, 0x12345678);

    Result r = Board::run_with(context, {"read", "tiny", "0x10", "--no-map"});
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Contains("outside the 0x10-byte window") && Contains("--whole-page reaches the page end at 0x100"));
    r = Board::run_with(context, {"write", "tiny", "0x10=1", "--no-map", "--mode", "w"});
    CHECK(r.status == 2);
    CHECK(dev.memory(0).read<std::uint32_t>(0x10) == 0x12345678);  // nothing written
    r = Board::run_with(context, {"dump", "tiny", "0", "0x20", "--no-map"});
    CHECK(r.status == 2);

    r = Board::run_with(context, {"read", "tiny", "0xc", "--no-map"});
    CHECK(r.status == 0);  // the last word inside reg
    r = Board::run_with(context, {"read", "tiny", "0x10", "--no-map", "--whole-page"});
    REQUIRE(r.status == 0);
    CHECK_THAT(r.out, Contains("0x12345678"));
    r = Board::run_with(context, {"info", "tiny", "--json", "--no-map", "--whole-page"});
    CHECK(r.json()["target"]["size"] == 0x100);
    CHECK(r.json()["target"]["whole_page"] == true);
}

TEST_CASE("--whole-page is refused for --file and --devmem", "[regtool][cli][bound]") {
    const regtool_test::TempFile file(0x100);
    const BoundBoard board;
    const Result r = board.run({"read", "--file", file.path.string(), "0x0", "--whole-page"});
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Contains("--whole-page applies only to a UIO device"));
}
