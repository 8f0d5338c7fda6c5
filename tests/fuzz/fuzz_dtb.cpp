// Fuzzes device-tree blob reading: validation (libfdt's checks and uiokit's own), then every
// decoded fact of every node and the lookups, each checked against what it was asked for: the node
// found by a path has that path, a node found by an address contains it, a compatible lookup finds
// only nodes with that string, a label finds the node __symbols__ names. A malformed blob must be a
// DeviceTreeError; the input is copied to a buffer of exactly its size, so AddressSanitizer catches
// a read past its end.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <uiokit/devicetree.hpp>
#include <uiokit/error.hpp>

namespace {
bool has_path(const std::vector<uiokit::DtNode>& nodes, const std::string& path) {
    return std::any_of(nodes.begin(), nodes.end(), [&](const uiokit::DtNode& n) { return n.path == path; });
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto blob = std::make_unique<std::byte[]>(size);
    if (size) std::memcpy(blob.get(), data, size);
    try {
        const auto tree = uiokit::DeviceTree::from_blob(std::span<const std::byte>(blob.get(), size), "fuzz.dtb");
        for (const auto& node : tree.nodes()) {
            // nodes() lists decodable nodes, so each is found by its own path, and is that node.
            const auto found = tree.find_path(node.path);
            if (!found || found->path != node.path || found->name != node.name) __builtin_trap();
            if (!node.path.starts_with('/')) __builtin_trap();
            for (const auto& reg : node.reg) {
                if (!reg.cpu_address || reg.size == 0 || *reg.cpu_address > UINT64_MAX - (reg.size - 1)) continue;
                const auto at = tree.find_address(*reg.cpu_address);
                for (const auto& n : at) {  // every node found has a window holding the address
                    const bool holds = std::any_of(n.reg.begin(), n.reg.end(), [&](const uiokit::DtRegion& r) {
                        return r.cpu_address && *r.cpu_address <= *reg.cpu_address &&
                               *reg.cpu_address - *r.cpu_address < r.size;
                    });
                    if (!holds) __builtin_trap();
                }
                if (!has_path(at, node.path)) __builtin_trap();  // and the node itself is among them
            }
            for (const auto& compatible : node.compatible)
                if (!has_path(tree.find_compatible(compatible), node.path)) __builtin_trap();
        }
        for (const auto& n : tree.find_compatible("generic-uio"))
            if (!n.is_compatible("generic-uio")) __builtin_trap();
        for (const auto& [label, path] : tree.symbols()) {  // a label finds the node its path names
            const auto found = tree.find_label(label);
            const auto by_path = tree.find_path(path);
            if (found.has_value() != by_path.has_value() || (found && found->path != by_path->path)) __builtin_trap();
        }
    } catch (const uiokit::Error&) {
    }
    return 0;
}
