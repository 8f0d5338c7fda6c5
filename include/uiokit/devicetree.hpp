// The device tree behind UIO devices: a validated flattened tree (DTB) read with libfdt, its nodes
// decoded into plain values, and the node that a UIO device comes from.
//
// Where the tree comes from:
//   - /sys/firmware/fdt: the DTB the kernel booted with (the default; readable by root only);
//   - /sys/firmware/devicetree/base (= /proc/device-tree): the live tree, readable by every user and
//     including overlays applied at run time; a directory, read property by property;
//   - any DTB file or blob (tests, image builds).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <uiokit/export.hpp>

namespace uiokit {

struct DeviceInfo;  // device_info.hpp: the device tree reads the record, never /sys/class/uio itself

// One `reg` entry, decoded with the parent's #address-cells and #size-cells.
struct DtRegion {
    std::uint64_t address = 0;  // as written in `reg`: an address on the parent bus
    std::uint64_t size = 0;
    // The CPU physical address, translated through every ancestor bus's `ranges` (an empty `ranges`
    // is the identity). Empty when a bus on the way has no `ranges` (its children are not
    // memory-mapped, e.g. I2C) or no range covers the address. This is what UIO maps report.
    std::optional<std::uint64_t> cpu_address;

    friend bool operator==(const DtRegion&, const DtRegion&) = default;
};

struct UIOKIT_EXPORT DtNode {
    std::string path;                     // "/soc/rtc@9010000"
    std::string name;                     // "rtc@9010000"
    std::vector<std::string> compatible;  // most specific first
    // `reg`, decoded with the parent's #address-cells / #size-cells (2 and 1 when the parent has
    // none, as the specification says). Left empty when either is larger than 2 (e.g. PCI, whose
    // addresses are 3 cells): such addresses do not fit 64 bits.
    std::vector<DtRegion> reg;
    unsigned address_cells = 2;  // the parent's #address-cells, used to decode reg
    unsigned size_cells = 1;     // the parent's #size-cells
    // `interrupts` as raw cells, in the interrupt parent's format: for an ARM GIC, triples
    // <type number flags>, e.g. {0, 2, 4} is SPI 2, level high.
    std::vector<std::uint32_t> interrupts;
    std::string status = "okay";         // "okay" when the node has no status
    std::vector<std::string> labels;     // from __symbols__ (present when compiled with dtc -@)
    std::optional<std::string> uio_name; // linux,uio-name: the name uio_pdrv_genirq reports

    // The node name without its unit address: "rtc" for "rtc@9010000".
    [[nodiscard]] std::string base_name() const;
    [[nodiscard]] bool enabled() const noexcept { return status == "okay" || status == "ok"; }
    [[nodiscard]] bool is_compatible(std::string_view compatible_string) const;
};

// An immutable, validated device tree. Loading checks the whole blob with libfdt (header, block
// offsets and sizes inside the blob, every tag and string) before anything is read from it, so a
// malformed blob is refused with DeviceTreeError naming its source, never read past its end.
class UIOKIT_EXPORT DeviceTree {
public:
    // A DTB file, or a directory holding an unflattened tree (/sys/firmware/devicetree/base).
    // Throws DeviceTreeError: absent or unreadable (with errno) or malformed (EINVAL).
    [[nodiscard]] static DeviceTree load(const std::filesystem::path& source = "/sys/firmware/fdt");
    // A DTB in memory; `source` names it in error messages. Bytes past the header's totalsize are
    // ignored (padding).
    [[nodiscard]] static DeviceTree from_blob(std::span<const std::byte> blob, std::string source = "DTB blob");

    [[nodiscard]] const std::string& source() const noexcept { return source_; }
    // The validated DTB (totalsize bytes).
    [[nodiscard]] std::span<const std::byte> blob() const noexcept;

    // The node at a full path ("/soc/rtc@9010000"); empty when there is none. A malformed property
    // of the node throws DeviceTreeError naming the node.
    [[nodiscard]] std::optional<DtNode> find_path(std::string_view path) const;
    // Every node whose `compatible` lists the string, in tree order.
    [[nodiscard]] std::vector<DtNode> find_compatible(std::string_view compatible) const;
    // The node a __symbols__ label names; empty when the label or __symbols__ is absent.
    [[nodiscard]] std::optional<DtNode> find_label(std::string_view label) const;
    // Every node with a `reg` entry whose CPU address range contains `cpu_address`, in tree order.
    // Nodes whose properties cannot be decoded are skipped.
    [[nodiscard]] std::vector<DtNode> find_address(std::uint64_t cpu_address) const;
    // Every node, in tree order (nodes whose properties cannot be decoded are skipped).
    [[nodiscard]] std::vector<DtNode> nodes() const;

    // __symbols__: label -> node path. Empty when the tree was compiled without dtc -@.
    [[nodiscard]] const std::map<std::string, std::string>& symbols() const noexcept { return symbols_; }
    [[nodiscard]] bool has_symbols() const noexcept { return has_symbols_; }

    // The node a UIO device comes from: the node at DeviceInfo::of_node when the device has one and
    // the tree has it; otherwise the one node whose `reg` windows start (CPU address) where the
    // device's maps start, map by map, preferring an enabled node named like the device when several
    // match. Empty when no node, or several equally good ones, match.
    [[nodiscard]] std::optional<DtNode> node_for(const DeviceInfo& device) const;

private:
    DeviceTree(std::vector<std::uint64_t> storage, std::size_t size, std::string source);
    [[nodiscard]] const void* fdt() const noexcept { return storage_.data(); }
    [[nodiscard]] DtNode decode(int offset) const;

    std::vector<std::uint64_t> storage_;  // 8-byte aligned, as libfdt requires
    std::size_t size_ = 0;
    std::string source_;
    std::map<std::string, std::string> symbols_;
    bool has_symbols_ = false;
};

}  // namespace uiokit
