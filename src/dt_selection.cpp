#include "dt_selection.hpp"

#include <algorithm>
#include <set>

#include <uiokit/devicetree.hpp>
#include <uiokit/discovery.hpp>
#include <uiokit/error.hpp>

namespace uiokit::dt_selection {
namespace {

std::string normalized_path(std::string_view path) {
    while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
    return std::string(path);
}

// The DT path of each device: device/of_node when present (needs no tree), else the node the tree
// says the device comes from (needs the tree; loaded at most once).
class DevicePaths {
public:
    explicit DevicePaths(const Host& host) : host_(host) {}
    DevicePaths(const Host& host, DeviceTree tree) : host_(host), tree_(std::move(tree)) {}

    // Devices whose node is one of `paths`, in index order.
    std::vector<unsigned> matching(const std::set<std::string>& paths) {
        std::vector<unsigned> indices;
        std::vector<DeviceInfo> without_node;
        for (unsigned index : device_indices(host_)) {
            DeviceInfo device = read_device(index, host_);
            if (!device.of_node) without_node.push_back(std::move(device));
            else if (paths.contains(normalized_path(*device.of_node))) indices.push_back(index);
        }
        if (without_node.empty()) return indices;
        // Only devices without of_node (e.g. uio_pci_generic) need the tree, which is root-only on a
        // real system: when it cannot be read, a match found without it still stands (a second match
        // among the devices without of_node, which would make the selector ambiguous, goes unseen).
        if (!tree_) {
            try {
                tree_ = DeviceTree::load(host_.fdt);
            } catch (const DeviceTreeError&) {
                if (!indices.empty()) return indices;
                throw;
            }
        }
        for (const DeviceInfo& device : without_node)
            if (const auto node = tree_->node_for(device); node && paths.contains(node->path))
                indices.push_back(device.index);
        std::sort(indices.begin(), indices.end());
        return indices;
    }

private:
    const Host& host_;
    std::optional<DeviceTree> tree_;
};

std::string why_not_bound(const std::vector<DtNode>& nodes) {
    std::string text = " (in the device tree:";
    for (const DtNode& node : nodes) {
        text += " " + node.path;
        if (!node.enabled()) text += " has status \"" + node.status + "\"";
        else if (!node.is_compatible("generic-uio"))
            text += " is not compatible with generic-uio";
        else
            text += " is not bound to uio_pdrv_genirq (loaded with of_id=generic-uio?)";
        text += ";";
    }
    text.back() = ')';
    return text;
}

}  // namespace

DeviceSelection matching_devices(const Selector::ByDtPath& selector, const Host& host) {
    DevicePaths paths(host);
    DeviceSelection found;
    found.indices = paths.matching({normalized_path(selector.path)});
    return found;
}

DeviceSelection matching_devices(const Selector::ByCompatible& selector, const Host& host) {
    DeviceTree tree = DeviceTree::load(host.fdt);
    const std::vector<DtNode> nodes = tree.find_compatible(selector.compatible);
    if (nodes.empty())
        throw DeviceNotFoundError("no node of the device tree " + tree.source() + " is compatible with '" +
                                  selector.compatible + "'");
    std::set<std::string> wanted;
    for (const DtNode& node : nodes) wanted.insert(node.path);
    DevicePaths paths(host, std::move(tree));
    DeviceSelection found;
    found.indices = paths.matching(wanted);
    if (found.indices.empty()) found.why_none = why_not_bound(nodes);
    return found;
}

DeviceSelection matching_devices(const Selector::ByLabel& selector, const Host& host) {
    DeviceTree tree = DeviceTree::load(host.fdt);
    if (!tree.has_symbols())
        throw DeviceTreeError(ENOENT, "look up label '" + selector.label + "': the device tree " + tree.source() +
                                          " has no __symbols__ (labels are kept only when it is compiled with dtc -@)");
    const auto node = tree.find_label(selector.label);
    if (!node)
        throw DeviceNotFoundError("no label '" + selector.label + "' in the __symbols__ of the device tree " +
                                  tree.source());
    DevicePaths paths(host, std::move(tree));
    DeviceSelection found;
    found.indices = paths.matching({node->path});
    if (found.indices.empty()) found.why_none = why_not_bound({*node});
    return found;
}

}  // namespace uiokit::dt_selection
