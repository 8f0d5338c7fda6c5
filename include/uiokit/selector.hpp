// Which device to use: by name, index, device node, physical address of a map, or its device-tree
// node (path, compatible string, label). Never by a hard-coded uioN if you can help it: numbers
// change when the device tree changes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include <uiokit/export.hpp>

namespace uiokit {

class UIOKIT_EXPORT Selector {
public:
    struct ByName { std::string name; };           // "pl031" also matches "pl031@9010000" and back
    struct ByIndex { unsigned index; };            // uioN
    struct ByDevNode { std::string path; };        // /dev/uioN or a symlink to it (/dev/uio/by-name/x)
    struct ByAddress { std::uint64_t phys; };      // any physical address inside a map's window
    // The device-tree selectors (see devicetree.hpp and docs/devicetree.md). A path matches the
    // device's device/of_node, or the node found by its map addresses in Host::fdt; compatible and
    // label are looked up in Host::fdt (labels need __symbols__: dtc -@).
    struct ByDtPath { std::string path; };         // "/pl031@9010000"
    struct ByCompatible { std::string compatible; };  // "arm,pl031" (any entry of `compatible`)
    struct ByLabel { std::string label; };         // "rtc"

    static Selector name(std::string name) { return Selector(ByName{std::move(name)}); }
    static Selector index(unsigned index) { return Selector(ByIndex{index}); }
    static Selector dev_node(std::string path) { return Selector(ByDevNode{std::move(path)}); }
    static Selector address(std::uint64_t phys) { return Selector(ByAddress{phys}); }
    static Selector dt_path(std::string path) { return Selector(ByDtPath{std::move(path)}); }
    static Selector compatible(std::string compatible) { return Selector(ByCompatible{std::move(compatible)}); }
    static Selector label(std::string label) { return Selector(ByLabel{std::move(label)}); }

    // The command-line form, the one grammar of device selectors (src/selector.cpp reads it; regtool
    // and the examples take it as DEVICE). The first form that fits the text decides:
    //   1. "dt:/pl031@9010000"     device-tree path: the value must start with '/'
    //      "compatible:arm,pl031"  compatible string
    //      "label:rtc"             __symbols__ label
    //      (prefixes are exact and lower case; the value after one is taken as it is, '/' and ':'
    //      included, and must not be empty)
    //   2. "uio3"                  index: "uio" and a decimal number without sign or leading zero,
    //                              as the kernel names devices ("uio01" is a name)
    //   3. "/dev/uio3", "/dev/uio/by-name/rtc"
    //                              device node, or a link to one: any text with a '/'
    //   4. "0x9010000"             physical address: "0x" or "0X" and 1 to 16 hex digits
    //   5. "3"                     refused: a bare decimal number (0..4294967295) could mean an
    //                              index or an address
    //   6. "pl031", "pl031@9010000"  name: anything else
    // Throws ParseError on an empty text, an empty value after a prefix, a dt: path not starting
    // with '/', a malformed address, or a bare number.
    static Selector parse(std::string_view text);

    using Variant = std::variant<ByName, ByIndex, ByDevNode, ByAddress, ByDtPath, ByCompatible, ByLabel>;
    [[nodiscard]] const Variant& value() const noexcept { return value_; }
    [[nodiscard]] std::string describe() const;  // e.g. "name 'pl031'", "address 0x9010000"

private:
    explicit Selector(Variant v) : value_(std::move(v)) {}
    Variant value_;
};

}  // namespace uiokit
