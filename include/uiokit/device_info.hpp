// What /sys/class/uio says about one UIO device: plain values, filled in by discovery
// (discovery.hpp) and read by the device tree's node_for (devicetree.hpp), which needs the record but
// nothing of how it is read.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <uiokit/export.hpp>

namespace uiokit {

// One memory map, as in /sys/class/uio/uioN/maps/mapM. Modern uio_pdrv_genirq page-aligns: `addr` is
// the page base, `offset` is where the registers start inside the page and `size` is rounded up to
// whole pages, so the usable window is [addr + offset, addr + size). Older kernels printed the raw
// resource (an address inside a page, the exact size, offset 0 or no offset attribute); discovery
// turns that into the same page-aligned form, since uio_mmap maps whole pages from the page base.
struct MapInfo {
    unsigned index = 0;
    std::string name;         // maps/mapM/name (may be empty); the DT node name with unit address
    std::uint64_t addr = 0;   // page-aligned physical base
    std::uint64_t size = 0;   // bytes mapped from addr
    std::uint64_t offset = 0; // where the device's registers start, from addr

    // The length of the device-tree `reg` entry this map comes from, when the device has a DT node
    // (device/of_node) with a `reg` entry starting where this map starts (the page-rounded sysfs size
    // loses it). Empty when there is no node, no `reg`, or no entry at this address (e.g. a bus whose
    // `ranges` translate addresses): then the bound is the page. See docs/devicetree.md.
    std::optional<std::uint64_t> reg_size;

    [[nodiscard]] std::uint64_t start() const noexcept { return addr + offset; }
    // Everything mapped from the device's start to the end of its last page.
    [[nodiscard]] std::uint64_t window_size() const noexcept { return size - offset; }
    // The device's own extent: reg_size when known (never past the mapped pages), else window_size().
    // Device::map bounds its Region to this; Device::map_whole_pages reaches window_size().
    [[nodiscard]] std::uint64_t bound() const noexcept {
        return reg_size && *reg_size <= window_size() ? *reg_size : window_size();
    }
    // True when the physical address falls inside the usable window.
    [[nodiscard]] bool contains(std::uint64_t phys) const noexcept {
        return phys >= start() && phys - start() < window_size();
    }
};

struct UIOKIT_EXPORT DeviceInfo {
    unsigned index = 0;                     // N of uioN: not stable across boots, do not hard-code
    std::string name;                       // linux,uio-name or the DT node name
    std::string version;                    // "devicetree" for uio_pdrv_genirq
    std::uint32_t event_count = 0;          // cumulative interrupt count when this was read
    std::filesystem::path sysfs_dir;        // <class_dir>/uioN
    std::filesystem::path dev_node;         // <dev_dir>/uioN
    std::vector<MapInfo> maps;
    // The device-tree node behind the device, as a path relative to the DT root (e.g.
    // "/pl031@9010000"), when device/of_node exists.
    std::optional<std::string> of_node;

    [[nodiscard]] const MapInfo& map(unsigned map_index) const;  // throws RangeError naming the device
};

}  // namespace uiokit
