// Discovery's device-tree selectors (internal): which UIO devices come from the device-tree node that
// a path, compatible string or label names. find() in discovery.cpp picks the unique one.
//
// The dependency runs one way, discovery -> device tree. Selecting devices is discovery's job (it
// enumerates /sys/class/uio and reports no match or several); for the dt:, compatible: and label:
// selectors it asks the tree, through DeviceTree's public interface only. The device tree knows
// nothing of discovery: it reads DTBs, and relates a device to its node from the DeviceInfo record
// alone (device_info.hpp), so it is usable where there is no /sys/class/uio at all (image builds,
// tools working on a DTB file). Parsing a selector's text is neither's: selector.cpp holds the grammar.
#pragma once

#include <string>
#include <vector>

#include <uiokit/host.hpp>
#include <uiokit/selector.hpp>

namespace uiokit::dt_selection {

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

}  // namespace uiokit::dt_selection
