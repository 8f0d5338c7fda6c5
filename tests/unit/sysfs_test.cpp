// The kernel's attribute formats, parsed exactly.
#include <catch2/catch.hpp>

#include <fstream>

#include <uiokit/error.hpp>

#include "sysfs.hpp"
#include "test_support.hpp"

using namespace uiokit;

TEST_CASE("parse_hex accepts the kernel's %pa and 0x%llx forms", "[sysfs]") {
    CHECK(sysfs::parse_hex("0x0000000009010000", "f") == 0x9010000u);
    CHECK(sysfs::parse_hex("0x10", "f") == 0x10u);
    CHECK(sysfs::parse_hex("0xffffffffffffffff", "f") == ~0ull);
    CHECK(sysfs::parse_hex("0xABCdef", "f") == 0xabcdefu);
}

TEST_CASE("parse_hex refuses malformed numbers and names the file", "[sysfs]") {
    for (const char* bad : {"", "0x", "10", "x10", "0x10 ", "0x1g", "0x10000000000000000", "-0x1", "0x-1"}) {
        INFO(bad);
        CHECK_THROWS_WITH(sysfs::parse_hex(bad, "/sys/x/addr"),
                          Catch::Contains("/sys/x/addr") && Catch::Contains("not a hex number"));
    }
}

TEST_CASE("parse_u32 reads decimal counts up to 2^32-1 and nothing else", "[sysfs]") {
    CHECK(sysfs::parse_u32("0", "f") == 0u);
    CHECK(sysfs::parse_u32("4294967295", "f") == 4294967295u);
    for (const char* bad : {"", "4294967296", "-1", "12a", " 1", "0x1"}) {
        INFO(bad);
        CHECK_THROWS_AS(sysfs::parse_u32(bad, "event"), ParseError);
    }
}

TEST_CASE("parse_uio_index takes uioN only: uio1 is never uio10", "[sysfs]") {
    CHECK(sysfs::parse_uio_index("uio0") == 0u);
    CHECK(sysfs::parse_uio_index("uio1") == 1u);
    CHECK(sysfs::parse_uio_index("uio10") == 10u);
    for (const char* bad : {"uio", "uio01", "uio1a", "uioX", "uio-1", "xuio1", "uio1 "}) {
        INFO(bad);
        CHECK_FALSE(sysfs::parse_uio_index(bad).has_value());
    }
}

TEST_CASE("read_attribute strips one trailing newline and reports missing files by path", "[sysfs]") {
    TempDir dir;
    std::ofstream(dir.path() / "name") << "pl031\n";
    std::ofstream(dir.path() / "empty");
    CHECK(sysfs::read_attribute(dir.path() / "name") == "pl031");
    CHECK(sysfs::read_attribute(dir.path() / "empty").empty());
    try {
        (void)sysfs::read_attribute(dir.path() / "missing");
        FAIL("no exception");
    } catch (const Error& e) {
        CHECK(e.code().value() == ENOENT);
        CHECK_THAT(e.what(), Catch::Contains((dir.path() / "missing").string()));
    }
}
