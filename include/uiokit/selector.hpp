// Which device to use: by name, index, device node, or physical address of a map. Never by a
// hard-coded uioN if you can help it: numbers change when the device tree changes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace uiokit {

class Selector {
public:
    struct ByName { std::string name; };           // "pl031" also matches "pl031@9010000" and back
    struct ByIndex { unsigned index; };            // uioN
    struct ByDevNode { std::string path; };        // /dev/uioN or a symlink to it (/dev/uio/by-name/x)
    struct ByAddress { std::uint64_t phys; };      // any physical address inside a map's window

    static Selector name(std::string name) { return Selector(ByName{std::move(name)}); }
    static Selector index(unsigned index) { return Selector(ByIndex{index}); }
    static Selector dev_node(std::string path) { return Selector(ByDevNode{std::move(path)}); }
    static Selector address(std::uint64_t phys) { return Selector(ByAddress{phys}); }

    // The command-line form: "uio3" (index), "/dev/uio3" or any path with a '/' (device node),
    // "0x9010000" (physical address: hex with 0x), anything else a name. Throws ParseError on an
    // empty string or a malformed number.
    static Selector parse(std::string_view text);

    using Variant = std::variant<ByName, ByIndex, ByDevNode, ByAddress>;
    [[nodiscard]] const Variant& value() const noexcept { return value_; }
    [[nodiscard]] std::string describe() const;  // e.g. "name 'pl031'", "address 0x9010000"

private:
    explicit Selector(Variant v) : value_(std::move(v)) {}
    Variant value_;
};

}  // namespace uiokit
