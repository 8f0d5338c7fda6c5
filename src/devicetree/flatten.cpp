#include "flatten.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>

#include <libfdt.h>

#include <uiokit/error.hpp>

namespace fs = std::filesystem;

namespace uiokit::devicetree {
namespace {

struct Node {
    std::string name;
    std::vector<std::pair<std::string, std::vector<char>>> properties;
    std::vector<Node> children;
};

std::vector<char> read_property(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw DeviceTreeError(errno ? errno : EIO, "read device-tree property " + file.string());
    std::vector<char> value((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw DeviceTreeError(EIO, "read device-tree property " + file.string());
    return value;
}

Node read_node(const fs::path& dir, std::string name, int depth) {
    // The kernel's tree is a few levels deep; a deeper one is a directory loop or not a tree.
    if (depth > 64) throw DeviceTreeError("device tree " + dir.string() + ": nested more than 64 levels");
    Node node;
    node.name = std::move(name);
    std::vector<fs::directory_entry> entries;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) entries.push_back(*it);
    if (ec) throw DeviceTreeError(ec.value(), "read device tree " + dir.string());
    std::sort(entries.begin(), entries.end(),
              [](const auto& a, const auto& b) { return a.path().filename() < b.path().filename(); });
    for (const auto& entry : entries) {
        const std::string entry_name = entry.path().filename().string();
        if (entry.is_symlink(ec)) continue;  // not part of the tree's shape
        if (entry.is_directory(ec))
            node.children.push_back(read_node(entry.path(), entry_name, depth + 1));
        else if (entry.is_regular_file(ec))
            node.properties.emplace_back(entry_name, read_property(entry.path()));
    }
    return node;
}

// Sequential write: properties before subnodes, as libfdt requires. Returns a libfdt error code.
int write_node(void* fdt, const Node& node) {
    if (const int err = fdt_begin_node(fdt, node.name.c_str()); err < 0) return err;
    for (const auto& [name, value] : node.properties)
        if (const int err = fdt_property(fdt, name.c_str(), value.data(), static_cast<int>(value.size())); err < 0)
            return err;
    for (const Node& child : node.children)
        if (const int err = write_node(fdt, child); err < 0) return err;
    return fdt_end_node(fdt);
}

}  // namespace

std::vector<std::byte> flatten_directory(const fs::path& root) {
    const Node tree = read_node(root, "", 0);
    for (std::size_t capacity = std::size_t{64} * 1024; capacity <= (std::size_t{1} << 30); capacity *= 2) {
        std::vector<std::byte> buffer(capacity);
        void* fdt = buffer.data();
        int err = fdt_create(fdt, static_cast<int>(capacity));
        if (err == 0) err = fdt_finish_reservemap(fdt);
        if (err == 0) err = write_node(fdt, tree);
        if (err == 0) err = fdt_finish(fdt);
        if (err == -FDT_ERR_NOSPACE) continue;
        if (err < 0) throw DeviceTreeError("flatten device tree " + root.string() + ": " + fdt_strerror(err));
        buffer.resize(fdt_totalsize(fdt));
        return buffer;
    }
    throw DeviceTreeError("flatten device tree " + root.string() + ": larger than 1 GiB");
}

}  // namespace uiokit::devicetree
