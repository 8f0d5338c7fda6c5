// The device selector grammar (Selector::parse), all of it in one table: each command-line text and
// the selector it parses to, or the exact error it is refused with.
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include <uiokit/error.hpp>
#include <uiokit/selector.hpp>

using uiokit::Selector;

namespace {

struct GrammarCase {
    std::string text;
    std::optional<Selector> selector;  // what it parses to; empty: refused with `error`
    std::string error;                 // ParseError::what(), in full
};

GrammarCase parses(std::string text, Selector selector) { return {std::move(text), std::move(selector), ""}; }
GrammarCase refused(std::string text, std::string error) {
    return {std::move(text), std::nullopt, std::move(error) + ": Invalid argument"};
}

const std::vector<GrammarCase>& grammar() {
    static const std::vector<GrammarCase> cases = {
        // uioN: an index, exactly as the kernel names the device (no sign, no leading zero)
        parses("uio0", Selector::index(0)),
        parses("uio3", Selector::index(3)),
        parses("uio10", Selector::index(10)),
        parses("uio", Selector::name("uio")),
        parses("uio01", Selector::name("uio01")),
        parses("uio1a", Selector::name("uio1a")),
        parses("uio-1", Selector::name("uio-1")),
        // any text with a '/': a device node, or a link to one
        parses("/dev/uio3", Selector::dev_node("/dev/uio3")),
        parses("/dev/uio/by-name/rtc", Selector::dev_node("/dev/uio/by-name/rtc")),
        parses("uio1/", Selector::dev_node("uio1/")),
        parses("dev/uio0", Selector::dev_node("dev/uio0")),
        // 0x...: a physical address, hex, 1 to 16 digits
        parses("0x9010000", Selector::address(0x9010000)),
        parses("0X9010000", Selector::address(0x9010000)),
        parses("0xABCdef", Selector::address(0xabcdef)),
        parses("0x0", Selector::address(0)),
        parses("0xffffffffffffffff", Selector::address(0xffffffffffffffff)),
        refused("0x", "device selector: '0x' is not a hex number (expected 0x...)"),
        refused("0xzz", "device selector: '0xzz' is not a hex number (bad digit)"),
        refused("0x12g", "device selector: '0x12g' is not a hex number (bad digit)"),
        refused("0x10000000000000000", "device selector: '0x10000000000000000' is not a hex number (more than 64 bits)"),
        // a bare decimal number could be either: refused
        refused("3", "device selector '3' is ambiguous: write uio3 for an index or 0x... for a physical address"),
        refused("007", "device selector '007' is ambiguous: write uio007 for an index or 0x... for a physical address"),
        // the device-tree prefixes, checked before every other form (a dt: path has a '/')
        parses("dt:/pl031@9010000", Selector::dt_path("/pl031@9010000")),
        parses("dt:/", Selector::dt_path("/")),
        parses("dt:/soc/rtc@7e003000/", Selector::dt_path("/soc/rtc@7e003000/")),
        parses("compatible:arm,pl031", Selector::compatible("arm,pl031")),
        parses("compatible:generic-uio", Selector::compatible("generic-uio")),
        parses("compatible:a/b", Selector::compatible("a/b")),
        parses("label:rtc", Selector::label("rtc")),
        parses("label:0x10", Selector::label("0x10")),
        refused("dt:", "device selector 'dt:' has nothing after 'dt:'"),
        refused("compatible:", "device selector 'compatible:' has nothing after 'compatible:'"),
        refused("label:", "device selector 'label:' has nothing after 'label:'"),
        refused("dt:pl031@9010000",
                "device selector 'dt:pl031@9010000': a device-tree path starts with '/', e.g. dt:/pl031@9010000"),
        // prefixes are exact and lower case; anything close is another form
        parses("dtx", Selector::name("dtx")),
        parses("dt", Selector::name("dt")),
        parses("DT:/pl031", Selector::dev_node("DT:/pl031")),
        parses("Label:rtc", Selector::name("Label:rtc")),
        parses("compatible", Selector::name("compatible")),
        // anything else: a name, with or without a unit address
        parses("pl031", Selector::name("pl031")),
        parses("pl031@9010000", Selector::name("pl031@9010000")),
        parses("12abc", Selector::name("12abc")),
        parses("-1", Selector::name("-1")),
        refused("", "device selector is empty"),
    };
    return cases;
}

// The variant's alternative and the value (describe() spells out every field).
std::string shown(const Selector& selector) {
    return std::to_string(selector.value().index()) + " " + selector.describe();
}

}  // namespace

TEST_CASE("Selector::parse follows the grammar table") {
    for (const GrammarCase& c : grammar()) {
        INFO("selector text '" << c.text << "'");
        if (c.selector) {
            std::optional<Selector> parsed;
            REQUIRE_NOTHROW(parsed = Selector::parse(c.text));
            CHECK(shown(*parsed) == shown(*c.selector));
        } else {
            CHECK_THROWS_MATCHES(Selector::parse(c.text), uiokit::ParseError, Catch::Message(c.error));
        }
    }
}

TEST_CASE("Selector::describe names the kind and the value") {
    CHECK(Selector::name("pl031").describe() == "name 'pl031'");
    CHECK(Selector::index(3).describe() == "index uio3");
    CHECK(Selector::dev_node("/dev/uio3").describe() == "device node /dev/uio3");
    CHECK(Selector::address(0x9010000).describe() == "address 0x9010000");
    CHECK(Selector::dt_path("/pl031@9010000").describe() == "device-tree path /pl031@9010000");
    CHECK(Selector::compatible("arm,pl031").describe() == "compatible 'arm,pl031'");
    CHECK(Selector::label("rtc").describe() == "device-tree label 'rtc'");
}
