// The library's bulk operations on a real non-cached memory window: the board's 1 MiB SRAM
// (dts-overlays/vboard-sram.dtso), where every access is a Device-nGnRnE access of the stated width
// and an unaligned or paired one would fault. Copy in and out at unaligned starts and lengths, fill,
// compare, window to window, and a window restricted to 32-bit accesses.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <uiokit/access_widths.hpp>
#include <uiokit/device.hpp>
#include <uiokit/error.hpp>

#include "board.hpp"

namespace {

std::vector<std::byte> random_bytes(std::size_t n, unsigned seed) {
    std::mt19937 random(seed);
    std::vector<std::byte> bytes(n);
    for (auto& b : bytes) b = static_cast<std::byte>(random());
    return bytes;
}

}  // namespace

TEST_CASE("sram: the window is the node's 1 MiB, at the reserved physical address", "[memory-window]") {
    uiokit::Device sram = uiokit::Device::open(uiokit::Selector::name(vboard::sram_name));
    CHECK(sram.info().of_node == std::optional<std::string>(vboard::sram_node));
    REQUIRE(sram.info().maps.size() == 1);
    CHECK(sram.info().maps[0].start() == vboard::sram_phys);
    CHECK(sram.map(0).size() == vboard::sram_size);
}

TEST_CASE("sram: 1 MiB copied in and out byte for byte, and at unaligned starts and lengths", "[memory-window]") {
    uiokit::Device sram = uiokit::Device::open(uiokit::Selector::name(vboard::sram_name));
    const uiokit::Region window = sram.map(0);
    const auto all = random_bytes(vboard::sram_size, 1);
    window.copy_in(0, all);
    std::vector<std::byte> back(all.size());
    window.copy_out(0, back);
    CHECK(back == all);
    CHECK(window.compare(0, all).equal());

    // The same words through single 64-bit reads: what copy_in stored is where it belongs.
    std::uint64_t word = 0;
    std::memcpy(&word, all.data() + 0x1238, 8);
    CHECK(window.read<std::uint64_t>(0x1238) == word);

    auto model = all;
    for (const auto [start, length] : {std::pair<std::size_t, std::size_t>{1, 1}, {3, 13}, {0x777, 4097}, {0xffff9, 7}, {5, 0}}) {
        INFO("start " << start << " length " << length);
        const auto piece = random_bytes(length, static_cast<unsigned>(start));
        window.copy_in(start, piece);
        std::copy(piece.begin(), piece.end(), model.begin() + static_cast<std::ptrdiff_t>(start));
        std::vector<std::byte> got(length);
        window.copy_out(start, got);
        CHECK(got == piece);
    }
    const auto comparison = window.compare(0, model);
    CHECK(comparison.equal());  // nothing beside the pieces changed
}

TEST_CASE("sram: fill and compare find the first difference and count", "[memory-window]") {
    uiokit::Device sram = uiokit::Device::open(uiokit::Selector::name(vboard::sram_name));
    const uiokit::Region window = sram.map(0);
    window.fill(0, vboard::sram_size, std::byte{0});
    window.fill(0x10003, 0x1ffd, std::byte{0x5a});
    std::vector<std::byte> expected(0x3000, std::byte{0});
    std::fill(expected.begin() + 3, expected.begin() + 3 + 0x1ffd, std::byte{0x5a});
    CHECK(window.compare(0x10000, expected).equal());
    window.write<std::uint8_t>(0x10801, 0x00);
    window.write<std::uint8_t>(0x10900, 0x01);
    const auto c = window.compare(0x10000, expected);
    CHECK(c.differing_bytes == 2);
    CHECK(c.first_difference == 0x10801);
}

TEST_CASE("sram: window to window, overlapping, and a 32-bit-only window", "[memory-window]") {
    uiokit::Device sram = uiokit::Device::open(uiokit::Selector::name(vboard::sram_name));
    const uiokit::Region window = sram.map(0);
    const auto data = random_bytes(0x2000, 7);
    window.copy_in(0x20000, data);
    window.copy_from(0x30001, window, 0x20000, data.size());  // differently aligned
    CHECK(window.compare(0x30001, data).equal());
    window.copy_from(0x20005, window, 0x20000, data.size());  // overlapping: as memmove
    CHECK(window.compare(0x20005, data).equal());

    const uiokit::Region words = window.restricted_to(uiokit::AccessWidths::only(4));
    const auto aligned = random_bytes(64, 9);
    words.copy_in(0x40000, aligned);
    CHECK(window.compare(0x40000, aligned).equal());
    CHECK_THROWS_AS(words.copy_in(0x40002, aligned), uiokit::RangeError);  // would need 16-bit accesses
    CHECK_THROWS_AS(words.read<std::uint8_t>(0x40000), uiokit::RangeError);
    CHECK(window.compare(0x40000, aligned).equal());  // the refused copy wrote nothing
}
