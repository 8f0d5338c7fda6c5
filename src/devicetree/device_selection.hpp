// The device-tree selectors (internal): which UIO devices come from the device-tree node that a
// path, compatible string or label names. find() in discovery.cpp picks the unique one.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <uiokit/host.hpp>
#include <uiokit/selector.hpp>

namespace uiokit::devicetree {

// "dt:/path", "compatible:string", "label:name" -> the selector; any other text -> nothing.
// Throws ParseError on an empty value or a dt: path that does not start with '/'.
[[nodiscard]] std::optional<Selector> parse_selector(std::string_view text);

struct DeviceSelection {
    std::vector<unsigned> indices;  // the matching uioN, in index order
    std::string why_none;           // when nothing matched: what the tree says, e.g. " (node ... is disabled)"
};

// A path needs the tree (Host::fdt) only for devices without device/of_node; compatible strings
// and labels always need it. A tree that cannot be read throws DeviceTreeError saying so; a label
// or compatible string the tree does not have throws DeviceNotFoundError naming the tree.
[[nodiscard]] DeviceSelection matching_devices(const Selector::ByDtPath& selector, const Host& host);
[[nodiscard]] DeviceSelection matching_devices(const Selector::ByCompatible& selector, const Host& host);
[[nodiscard]] DeviceSelection matching_devices(const Selector::ByLabel& selector, const Host& host);

}  // namespace uiokit::devicetree
