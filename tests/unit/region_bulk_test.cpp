// Region's byte-granular bulk operations (copy_in, copy_out, fill, compare, copy_from) and allowed
// access widths, on the simulator's maps: every small start and length against a reference on
// ordinary memory, the checks, and nothing written when a check fails.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <numeric>
#include <vector>

#include <uiokit/device.hpp>
#include <uiokit/error.hpp>
#include <uiokit/region.hpp>

#include "sim_device.hpp"

using namespace uiokit;
using uiokit_test::SimDevice;

namespace {
constexpr std::size_t kWindow = 0x1000;

std::vector<std::byte> pattern(std::size_t n, unsigned seed) {
    std::vector<std::byte> bytes(n);
    for (std::size_t i = 0; i < n; ++i) bytes[i] = static_cast<std::byte>((i * 7 + seed * 13 + (i >> 3)) & 0xFF);
    return bytes;
}

// The device's memory as the test sees it (its own mapping of the same pages).
std::vector<std::byte> snapshot(const Region& memory, std::size_t n) {
    std::vector<std::byte> bytes(n);
    for (std::size_t i = 0; i < n; ++i) bytes[i] = static_cast<std::byte>(memory.read<std::uint8_t>(i));
    return bytes;
}
void preset(const Region& memory, const std::vector<std::byte>& bytes) {
    for (std::size_t i = 0; i < bytes.size(); ++i) memory.write<std::uint8_t>(i, std::to_integer<std::uint8_t>(bytes[i]));
}
}  // namespace

TEST_CASE("copy_in copy_out fill and compare match a reference for every small start and length", "[region][bulk]") {
    SimDevice sim;
    Device dev = sim.open();
    const Region window = dev.map(0);
    const Region memory = sim.device.memory(0);
    REQUIRE(window.size() == kWindow);
    constexpr std::size_t kSpan = 64;  // starts and lengths 0..40: every head/tail combination of 8-byte words
    const auto background = pattern(kSpan, 1);
    const auto data = pattern(kSpan, 2);
    for (std::size_t start = 0; start < 24; ++start) {
        for (std::size_t length = 0; start + length <= 40; ++length) {
            INFO("start " << start << " length " << length);
            std::vector<std::byte> expected = background;
            std::copy_n(data.begin(), length, expected.begin() + static_cast<std::ptrdiff_t>(start));

            preset(memory, background);
            window.copy_in(start, std::span(data).first(length));
            REQUIRE(snapshot(memory, kSpan) == expected);

            std::vector<std::byte> out(length + 2, std::byte{0xEE});  // bytes past `length` stay
            window.copy_out(start, std::span(out).first(length));
            REQUIRE(std::equal(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(length), data.begin()));
            REQUIRE(out[length] == std::byte{0xEE});

            // Host buffers at any alignment: one byte further on.
            std::vector<std::byte> shifted(length + 1);
            window.copy_out(start, std::span(shifted).subspan(1, length));
            REQUIRE(std::equal(shifted.begin() + 1, shifted.end(), data.begin()));

            const auto same = window.compare(start, std::span(data).first(length));
            REQUIRE(same.equal());
            REQUIRE(same.differing_bytes == 0);

            preset(memory, background);
            window.fill(start, length, std::byte{0xA5});
            std::vector<std::byte> filled = background;
            std::fill_n(filled.begin() + static_cast<std::ptrdiff_t>(start), length, std::byte{0xA5});
            REQUIRE(snapshot(memory, kSpan) == filled);
        }
    }
}

TEST_CASE("compare reports the first differing byte and how many differ", "[region][bulk]") {
    SimDevice sim;
    Device dev = sim.open();
    const Region window = dev.map(0);
    const auto data = pattern(256, 3);
    window.copy_in(0, data);

    for (std::size_t start : {0u, 1u, 3u, 8u}) {
        for (std::size_t first : {0u, 1u, 7u, 8u, 13u, 100u}) {
            INFO("start " << start << " first " << first);
            std::vector<std::byte> expected(data.begin() + static_cast<std::ptrdiff_t>(start), data.begin() + 200);
            expected[first] ^= std::byte{0x01};
            expected[first + 9] ^= std::byte{0x80};
            expected[first + 10] ^= std::byte{0xFF};
            const auto result = window.compare(start, expected);
            CHECK_FALSE(result.equal());
            CHECK(result.differing_bytes == 3);
            CHECK(result.first_difference == start + first);  // a window offset
        }
    }
    std::vector<std::byte> all_differ(data.begin() + 5, data.begin() + 33);
    for (auto& b : all_differ) b = ~b;
    const auto result = window.compare(5, all_differ);
    CHECK(result.differing_bytes == 28);
}

TEST_CASE("bulk operations check the range and write nothing when a check fails", "[region][bulk]") {
    SimDevice sim;
    Device dev = sim.open();
    const Region window = dev.map(0);
    const Region memory = sim.device.memory(0);
    const auto before = pattern(kWindow, 4);
    preset(memory, before);
    const auto data = pattern(32, 5);

    CHECK_THROWS_WITH(window.copy_in(kWindow - 16, data),
                      Catch::Contains("copy_in of 0x20 bytes at offset 0xff0") && Catch::Contains("outside the window") &&
                          Catch::Contains(window.description()));
    CHECK_THROWS_AS(window.fill(kWindow + 1, 0, std::byte{0}), RangeError);
    CHECK_THROWS_AS(window.fill(1, ~std::size_t{0}, std::byte{0}), RangeError);
    std::vector<std::byte> out(32);
    CHECK_THROWS_WITH(window.copy_out(kWindow - 31, out), Catch::Contains("outside the window"));
    CHECK_THROWS_AS((void)window.compare(kWindow, std::span(data).first(1)), RangeError);
    CHECK(snapshot(memory, kWindow) == before);

    // Zero length: nothing, also at the very end.
    CHECK_NOTHROW(window.copy_in(kWindow, {}));
    CHECK_NOTHROW(window.fill(kWindow, 0, std::byte{1}));
    CHECK(window.compare(kWindow, {}).equal());
    CHECK(snapshot(memory, kWindow) == before);

    // The last byte, exactly.
    window.copy_in(kWindow - 1, std::span(data).first(1));
    CHECK(memory.read<std::uint8_t>(kWindow - 1) == std::to_integer<std::uint8_t>(data[0]));
}

TEST_CASE("a read-only map copies out and compares but refuses copy_in fill and copy_from", "[region][bulk]") {
    SimDevice sim;
    const auto before = pattern(64, 6);
    preset(sim.device.memory(0), before);
    Device dev = sim.open({.writable = false});
    const Region window = dev.map(0);
    REQUIRE_FALSE(window.writable());
    std::vector<std::byte> out(64);
    window.copy_out(0, out);
    CHECK(out == before);
    CHECK(window.compare(0, before).equal());
    CHECK_THROWS_WITH(window.copy_in(0, before), Catch::Contains("mapped read-only") && Catch::Contains("copy_in"));
    CHECK_THROWS_WITH(window.fill(0, 8, std::byte{0}), Catch::Contains("mapped read-only"));
    CHECK_THROWS_WITH(window.copy_from(0, window, 8, 8), Catch::Contains("mapped read-only"));
    CHECK(snapshot(sim.device.memory(0), 64) == before);
}

TEST_CASE("a window restricted to 32-bit accesses uses only them and refuses what would need others", "[region][bulk]") {
    SimDevice sim;
    Device dev = sim.open();
    const Region window = dev.map(0).restricted_to(AccessWidths::only(4));
    const Region memory = sim.device.memory(0);
    CHECK(window.access_widths() == AccessWidths::only(4));
    CHECK(dev.map(0).access_widths() == AccessWidths::all());

    // Single accesses of other widths are refused, 32-bit ones work.
    CHECK_THROWS_WITH((void)window.read<std::uint8_t>(0), Catch::Contains("takes only 32-bit accesses"));
    CHECK_THROWS_WITH(window.write<std::uint64_t>(0, 1), Catch::Contains("takes only 32-bit accesses"));
    std::array<std::uint16_t, 2> halves{};
    CHECK_THROWS_AS(window.read_block<std::uint16_t>(0, halves), RangeError);
    window.write<std::uint32_t>(4, 0x11223344);
    CHECK(memory.read<std::uint32_t>(4) == 0x11223344);

    // Bulk: multiples of 4 work; an unaligned start or length is refused, with nothing written.
    const auto before = pattern(64, 7);
    preset(memory, before);
    const auto data = pattern(64, 8);
    CHECK_THROWS_WITH(window.copy_in(2, std::span(data).first(8)),
                      Catch::Contains("start needs 16-bit accesses") && Catch::Contains("takes only 32-bit"));
    CHECK_THROWS_WITH(window.copy_in(4, std::span(data).first(7)), Catch::Contains("length needs 8-bit accesses"));
    CHECK_THROWS_AS(window.fill(1, 4, std::byte{0}), RangeError);
    std::vector<std::byte> out(6);
    CHECK_THROWS_AS(window.copy_out(0, out), RangeError);
    CHECK(snapshot(memory, 64) == before);

    window.copy_in(4, std::span(data).first(12));
    auto expected = before;
    std::copy_n(data.begin(), 12, expected.begin() + 4);
    CHECK(snapshot(memory, 64) == expected);
    CHECK(window.compare(4, std::span(data).first(12)).equal());

    // Subregions inherit the restriction; restricting further intersects, and to nothing refuses.
    const Region inner = window.subregion(8, 32);
    CHECK(inner.access_widths() == AccessWidths::only(4));
    CHECK_THROWS_AS((void)inner.read<std::uint16_t>(0), RangeError);
    CHECK(dev.map(0).restricted_to(AccessWidths::up_to(4)).restricted_to(AccessWidths::only(2) | AccessWidths::only(8))
              .access_widths() == AccessWidths::only(2));
    CHECK_THROWS_WITH(window.restricted_to(AccessWidths::only(8)), Catch::Contains("no width left"));
}

TEST_CASE("with 8- and 64-bit accesses allowed, a head of up to seven bytes takes single bytes", "[region][bulk]") {
    SimDevice sim;
    Device dev = sim.open();
    const Region window = dev.map(0).restricted_to(AccessWidths::only(1) | AccessWidths::only(8));
    const Region memory = sim.device.memory(0);
    for (std::size_t start = 0; start < 9; ++start) {
        for (std::size_t length = 0; start + length <= 32; ++length) {
            const auto background = pattern(40, 9);
            preset(memory, background);
            const auto data = pattern(length, 10);
            window.copy_in(start, data);
            auto expected = background;
            std::copy(data.begin(), data.end(), expected.begin() + static_cast<std::ptrdiff_t>(start));
            REQUIRE(snapshot(memory, 40) == expected);
        }
    }
}

TEST_CASE("copy_from copies between windows and overlapping ranges as memmove", "[region][bulk]") {
    SimDevice sim({.maps = {{.phys = 0x40000000, .length = 0x4000}, {.phys = 0x50000000, .length = 0x1000}}});
    Device dev = sim.open();
    const Region big = dev.map(0);
    const Region small = dev.map(1).restricted_to(AccessWidths::only(4));
    const auto data = pattern(0x4000, 11);
    big.copy_in(0, data);

    // Between two maps, the destination restricted: each side with its own widths.
    small.copy_from(0x10, big, 0x20, 0x800);
    std::vector<std::byte> out(0x800);
    small.copy_out(0x10, out);
    CHECK(std::equal(out.begin(), out.end(), data.begin() + 0x20));
    // A source start the destination's widths could not take directly is fine through the buffer.
    small.copy_from(0x0, big, 0x3, 0x100);
    CHECK(small.compare(0x0, std::span(data).subspan(3, 0x100)).equal());
    // ...but not a destination range the widths cannot cover: refused before anything is written.
    std::vector<std::byte> small_before(0x1000);
    small.copy_out(0, small_before);
    CHECK_THROWS_WITH(small.copy_from(0x2, big, 0, 8), Catch::Contains("copy_from (destination)"));
    CHECK_THROWS_WITH(small.copy_from(0, big, 0x3ff0, 0x20), Catch::Contains("copy_from (source)"));
    CHECK(small.compare(0, small_before).equal());

    // Overlapping ranges of one window, both directions, across several 4 KiB chunks and odd offsets.
    for (const auto& [to, from, length] : std::vector<std::array<std::size_t, 3>>{
             {0x0, 0x5, 0x2000}, {0x5, 0x0, 0x2000}, {0x101, 0x100, 0x3000}, {0x100, 0x1103, 0x2efd}, {0x10, 0x10, 0x100}}) {
        INFO("to " << to << " from " << from << " length " << length);
        big.copy_in(0, data);
        std::vector<std::byte> reference = data;
        std::memmove(reference.data() + to, reference.data() + from, length);
        big.copy_from(to, big, from, length);
        std::vector<std::byte> result(0x4000);
        big.copy_out(0, result);
        CHECK(result == reference);
    }
    // Two Regions over the same memory (a subregion) overlap too.
    big.copy_in(0, data);
    const Region upper = big.subregion(0x8, 0x3000);
    upper.copy_from(0x0, big, 0x0, 0x2000);  // destination starts 8 bytes into the source
    std::vector<std::byte> reference = data;
    std::memmove(reference.data() + 8, reference.data(), 0x2000);
    std::vector<std::byte> result(0x4000);
    big.copy_out(0, result);
    CHECK(result == reference);
}
