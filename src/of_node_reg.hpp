// The true extent of each UIO map, from the `reg` of the device's device-tree node in sysfs
// (device/of_node), which the page-rounded maps/mapN/size loses.
#pragma once

#include <filesystem>
#include <vector>

#include <uiokit/device_info.hpp>

namespace uiokit::detail {

// Sets MapInfo::reg_size of each map whose start is where a `reg` entry of <uio_dir>/device/of_node
// starts. `reg` is decoded with the parent node's #address-cells and #size-cells (2 and 1 when
// absent, as the DT specification says). Leaves every map as it is when the device has no node, the
// node no `reg`, or the cells cannot be decoded: the page stays the bound, as without a tree.
void read_reg_sizes(const std::filesystem::path& uio_dir, std::vector<MapInfo>& maps);

}  // namespace uiokit::detail
