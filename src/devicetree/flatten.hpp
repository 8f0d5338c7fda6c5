// Flattening an unflattened device tree (internal): /sys/firmware/devicetree/base and
// /proc/device-tree hold one directory per node and one file per property.
#pragma once

#include <cstddef>
#include <filesystem>
#include <vector>

namespace uiokit::devicetree {

// A DTB with the same nodes and properties as the directory tree under `root` (directories are
// nodes, regular files are properties, both in name order). Throws DeviceTreeError naming the
// entry that cannot be read.
[[nodiscard]] std::vector<std::byte> flatten_directory(const std::filesystem::path& root);

}  // namespace uiokit::devicetree
