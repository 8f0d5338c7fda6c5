#include <uiokit/devicetree.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include <libfdt.h>

#include <uiokit/device_info.hpp>
#include <uiokit/error.hpp>
#include <uiokit/unique_fd.hpp>

#include "devicetree/flatten.hpp"
#include "sysfs.hpp"

namespace fs = std::filesystem;

namespace uiokit {
namespace {

constexpr std::uint32_t dtb_magic = 0xd00dfeed;
constexpr std::size_t dtb_header_size = 40;  // struct fdt_header, version 17
// libfdt keeps offsets in int; no real tree comes near this.
constexpr std::size_t max_dtb_size = static_cast<std::size_t>(INT_MAX);

std::uint32_t load_be32(const std::byte* p) {
    std::uint32_t value = 0;
    for (int i = 0; i < 4; ++i) value = (value << 8) | std::to_integer<std::uint32_t>(p[i]);
    return value;
}

std::string fdt_error(int code) { return fdt_strerror(code); }

// A name from a blob, for a message: bytes outside printable ASCII as \xNN.
std::string printable(std::string_view text) {
    std::string out;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && byte < 0x7f) {
            out += c;
        } else {
            static constexpr char digits[] = "0123456789abcdef";
            out += {'\\', 'x', digits[byte >> 4U], digits[byte & 0xfU]};
        }
    }
    return out;
}

std::vector<std::byte> read_whole_file(const fs::path& file) {
    UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
        const int err = errno;
        std::string hint;
        if (err == EACCES && file == "/sys/firmware/fdt")
            hint = " (readable by root only; the live tree /sys/firmware/devicetree/base is readable by all)";
        throw DeviceTreeError(err, "read device tree " + file.string() + hint);
    }
    std::vector<std::byte> data;
    std::byte chunk[65536];
    for (;;) {
        const ssize_t got = ::read(fd.get(), chunk, sizeof chunk);
        if (got < 0) {
            if (errno == EINTR) continue;
            throw DeviceTreeError(errno, "read device tree " + file.string());
        }
        if (got == 0) break;
        data.insert(data.end(), chunk, chunk + got);
        if (data.size() > max_dtb_size) throw DeviceTreeError("device tree " + file.string() + ": larger than 2 GiB");
    }
    return data;
}

// Our own checks of the header first, for errors that say what is wrong in numbers; then
// check_with_libfdt (libfdt's header check, our walk of the structure block, libfdt's full check).
std::size_t validated_size(std::span<const std::byte> blob, const std::string& source) {
    const std::string where = "device tree " + source + ": ";
    if (blob.size() < dtb_header_size)
        throw DeviceTreeError(where + "too short for a DTB (" + std::to_string(blob.size()) +
                              " bytes; the header alone is " + std::to_string(dtb_header_size) + ")");
    const std::uint32_t magic = load_be32(blob.data());
    if (magic != dtb_magic)
        throw DeviceTreeError(where + "not a DTB (magic " + sysfs::hex(magic) + ", expected " + sysfs::hex(dtb_magic) + ")");
    const std::uint32_t total = load_be32(blob.data() + 4);
    if (total > blob.size())
        throw DeviceTreeError(where + "truncated: the header's totalsize is " + std::to_string(total) +
                              " bytes but only " + std::to_string(blob.size()) + " are there");
    if (total < dtb_header_size)
        throw DeviceTreeError(where + "the header's totalsize (" + std::to_string(total) +
                              ") is smaller than the header");
    // Versions before 16 (pre-2008 dtc) lay out node names differently, and libfdt 1.6.1's
    // fdt_check_full dereferences NULL on such a blob (found by tests/fuzz/fuzz_dtb.cpp).
    const std::uint32_t version = load_be32(blob.data() + 20);
    if (version < 16)
        throw DeviceTreeError(where + "format version " + std::to_string(version) +
                              " is not supported (16 and 17 are; dtc has written 17 since 2008)");
    return total;
}

// libfdt 1.6.1 steps from tag to tag by adding a property's 32-bit length to an int offset, so a
// length of 2^31 or more steps backwards and fdt_check_full loops for ever (found by
// tests/fuzz/fuzz_dtb.cpp). So walk the structure block once first, every step forward and inside
// it. Runs after fdt_check_header, which has put the block inside the blob.
void check_structure_block(const void* fdt, const std::string& source) {
    const auto* base = static_cast<const std::byte*>(fdt);
    const std::size_t begin = fdt_off_dt_struct(fdt);
    const std::size_t end = fdt_version(fdt) >= 17 ? begin + fdt_size_dt_struct(fdt) : fdt_totalsize(fdt);
    const auto fail = [&](std::size_t at, const std::string& what) {
        throw DeviceTreeError("device tree " + source + ": malformed: " + what + " (structure block offset " +
                              sysfs::hex(at - begin) + ")");
    };
    // Tags are 4-aligned from the block's start, as libfdt reads them (the block itself may not be).
    const auto align4 = [begin](std::size_t n) { return begin + ((n - begin + 3) & ~std::size_t{3}); };
    int depth = 0;
    for (std::size_t pos = begin;;) {
        if (pos > end || end - pos < 4) fail(std::min(pos, end), "the structure block ends without FDT_END");
        const std::size_t tag_at = pos;
        const std::uint32_t tag = load_be32(base + pos);
        pos += 4;
        switch (tag) {
        case FDT_BEGIN_NODE: {
            const void* nul = std::memchr(base + pos, 0, end - pos);
            if (!nul) fail(tag_at, "a node name without its terminating NUL");
            const std::string_view name(reinterpret_cast<const char*>(base + pos),
                                        static_cast<std::size_t>(static_cast<const std::byte*>(nul) - (base + pos)));
            // A '/' in a name, or a nameless node below the root, would give a path that names
            // another node or none (found by the invariant fuzz harness; libfdt accepts both).
            if (depth > 0 && name.empty()) fail(tag_at, "a node without a name");
            if (name.find('/') != std::string_view::npos)
                fail(tag_at, "node name '" + printable(name) + "' contains '/', the path separator");
            ++depth;
            pos = align4(static_cast<std::size_t>(static_cast<const std::byte*>(nul) - base) + 1);
            break;
        }
        case FDT_PROP: {
            if (end - pos < 8) fail(tag_at, "a property cut off by the end of the structure block");
            const std::uint32_t length = load_be32(base + pos);
            pos += 8;
            if (length > end - pos)
                fail(tag_at, "a property's length (" + std::to_string(length) + " bytes) runs past the structure block");
            pos = align4(pos + length);
            break;
        }
        case FDT_END_NODE:
            --depth;
            break;
        case FDT_NOP:
            break;
        case FDT_END:
            return;
        default:
            fail(tag_at, "unknown tag " + sysfs::hex(tag));
        }
    }
}

void check_with_libfdt(const void* fdt, std::size_t size, const std::string& source) {
    if (const int err = fdt_check_header(fdt); err != 0)
        throw DeviceTreeError("device tree " + source + ": bad header: " + fdt_error(err));
    check_structure_block(fdt, source);
    if (const int err = fdt_check_full(fdt, size); err != 0)
        throw DeviceTreeError("device tree " + source + ": malformed: " + fdt_error(err));
}

struct Property {
    const std::byte* data = nullptr;
    std::size_t size = 0;
};

std::optional<Property> get_property(const void* fdt, int offset, const char* name) {
    int len = 0;
    const void* value = fdt_getprop(fdt, offset, name, &len);
    if (!value) return std::nullopt;
    return Property{static_cast<const std::byte*>(value), static_cast<std::size_t>(len)};
}

std::string node_path(const void* fdt, int offset) {
    std::vector<char> buffer(256);
    for (;;) {
        const int err = fdt_get_path(fdt, offset, buffer.data(), static_cast<int>(buffer.size()));
        if (err == 0) return buffer.data();
        if (err != -FDT_ERR_NOSPACE) throw DeviceTreeError("device tree: node path: " + fdt_error(err));
        buffer.resize(buffer.size() * 2);
    }
}

class NodeDecoder {
public:
    NodeDecoder(const void* fdt, const std::string& source, int offset)
        : fdt_(fdt), source_(source), offset_(offset), path_(node_path(fdt, offset)) {}

    [[noreturn]] void fail(const std::string& what) const {
        throw DeviceTreeError("device tree " + source_ + ", node " + path_ + ": " + what);
    }

    const std::string& path() const { return path_; }

    std::vector<std::string> string_list(const char* name) const {
        std::vector<std::string> list;
        const auto prop = get_property(fdt_, offset_, name);
        if (!prop || prop->size == 0) return list;
        const char* text = reinterpret_cast<const char*>(prop->data);
        if (text[prop->size - 1] != '\0') fail(std::string("property ") + name + " is not a NUL-terminated string list");
        for (std::size_t at = 0; at < prop->size;) {
            const std::string item(text + at);
            at += item.size() + 1;
            list.push_back(item);
        }
        return list;
    }

    std::optional<std::string> string(const char* name) const {
        if (!get_property(fdt_, offset_, name)) return std::nullopt;
        auto list = string_list(name);
        if (list.size() != 1) fail(std::string("property ") + name + " is not one string");
        return list.front();
    }

    std::vector<std::uint32_t> cells(const char* name) const {
        std::vector<std::uint32_t> values;
        const auto prop = get_property(fdt_, offset_, name);
        if (!prop) return values;
        if (prop->size % 4 != 0)
            fail(std::string("property ") + name + " is " + std::to_string(prop->size) + " bytes, not whole cells");
        for (std::size_t at = 0; at < prop->size; at += 4) values.push_back(load_be32(prop->data + at));
        return values;
    }

private:
    const void* fdt_;
    const std::string& source_;
    int offset_;
    std::string path_;
};

unsigned cells_of(const void* fdt, int bus, bool address, const NodeDecoder& decoder) {
    const int n = address ? fdt_address_cells(fdt, bus) : fdt_size_cells(fdt, bus);
    if (n < 0)
        decoder.fail(std::string("its parent's ") + (address ? "#address-cells" : "#size-cells") + " is invalid: " +
                     fdt_error(n));
    return static_cast<unsigned>(n);
}

// A number of 1 or 2 cells (0 cells: 0); more do not fit 64 bits.
std::optional<std::uint64_t> join_cells(const std::uint32_t* cells, unsigned count) {
    if (count > 2) return std::nullopt;
    std::uint64_t value = 0;
    for (unsigned i = 0; i < count; ++i) value = (value << 32) | cells[i];
    return value;
}

// Translates a bus address of a child of `bus` up to the CPU's address space, through `ranges`.
std::optional<std::uint64_t> to_cpu_address(const void* fdt, int bus, std::uint64_t address) {
    while (bus > 0) {  // the root's offset is 0: its address space is the CPU's
        const int grandparent = fdt_parent_offset(fdt, bus);
        if (grandparent < 0) return std::nullopt;
        int len = 0;
        const void* raw = fdt_getprop(fdt, bus, "ranges", &len);
        if (!raw) return std::nullopt;  // not memory-mapped below this bus
        if (len > 0) {
            const int child_ac = fdt_address_cells(fdt, bus);
            const int parent_ac = fdt_address_cells(fdt, grandparent);
            const int child_sc = fdt_size_cells(fdt, bus);
            if (child_ac < 0 || parent_ac < 0 || child_sc < 0) return std::nullopt;
            const std::size_t entry_cells = static_cast<std::size_t>(child_ac) + static_cast<std::size_t>(parent_ac) +
                                            static_cast<std::size_t>(child_sc);
            if (entry_cells == 0 || static_cast<std::size_t>(len) % (entry_cells * 4) != 0) return std::nullopt;
            std::vector<std::uint32_t> cells;
            const auto* bytes = static_cast<const std::byte*>(raw);
            for (std::size_t at = 0; at < static_cast<std::size_t>(len); at += 4) cells.push_back(load_be32(bytes + at));
            bool translated = false;
            for (std::size_t e = 0; e + entry_cells <= cells.size(); e += entry_cells) {
                const auto child = join_cells(&cells[e], static_cast<unsigned>(child_ac));
                const auto parent = join_cells(&cells[e + static_cast<std::size_t>(child_ac)], static_cast<unsigned>(parent_ac));
                const auto size = join_cells(&cells[e + static_cast<std::size_t>(child_ac + parent_ac)],
                                             static_cast<unsigned>(child_sc));
                if (!child || !parent || !size) return std::nullopt;
                if (address >= *child && address - *child < *size) {
                    address = address - *child + *parent;
                    translated = true;
                    break;
                }
            }
            if (!translated) return std::nullopt;
        }
        bus = grandparent;
    }
    return address;
}

// "pl031@9010000" -> "pl031"
std::string strip_unit_address(std::string_view name) { return std::string(name.substr(0, name.find('@'))); }

std::string normalized_path(std::string_view path) {
    while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
    return std::string(path);
}

}  // namespace

std::string DtNode::base_name() const { return strip_unit_address(name); }

bool DtNode::is_compatible(std::string_view compatible_string) const {
    return std::find(compatible.begin(), compatible.end(), compatible_string) != compatible.end();
}

DeviceTree::DeviceTree(std::vector<std::uint64_t> storage, std::size_t size, std::string source)
    : storage_(std::move(storage)), size_(size), source_(std::move(source)) {
    check_with_libfdt(fdt(), size_, source_);
    const int symbols = fdt_path_offset(fdt(), "/__symbols__");
    if (symbols < 0) return;
    has_symbols_ = true;
    for (int prop = fdt_first_property_offset(fdt(), symbols); prop >= 0; prop = fdt_next_property_offset(fdt(), prop)) {
        const char* label = nullptr;
        int len = 0;
        const auto* value = static_cast<const char*>(fdt_getprop_by_offset(fdt(), prop, &label, &len));
        if (!value || !label) continue;
        if (len <= 0 || value[len - 1] != '\0' || std::strlen(value) != static_cast<std::size_t>(len - 1))
            throw DeviceTreeError("device tree " + source_ + ": __symbols__/" + label + " is not a path string");
        symbols_.emplace(label, value);
    }
}

DeviceTree DeviceTree::from_blob(std::span<const std::byte> blob, std::string source) {
    const std::size_t size = validated_size(blob, source);
    std::vector<std::uint64_t> storage((size + 7) / 8);
    std::memcpy(storage.data(), blob.data(), size);
    return DeviceTree(std::move(storage), size, std::move(source));
}

DeviceTree DeviceTree::load(const fs::path& source) {
    std::error_code ec;
    if (fs::is_directory(source, ec)) {
        const std::vector<std::byte> blob = devicetree::flatten_directory(source);
        return from_blob(blob, source.string());
    }
    const std::vector<std::byte> blob = read_whole_file(source);
    return from_blob(blob, source.string());
}

std::span<const std::byte> DeviceTree::blob() const noexcept {
    return {reinterpret_cast<const std::byte*>(storage_.data()), size_};
}

DtNode DeviceTree::decode(int offset) const {
    const NodeDecoder decoder(fdt(), source_, offset);
    DtNode node;
    node.path = decoder.path();
    int name_len = 0;
    const char* name = fdt_get_name(fdt(), offset, &name_len);
    node.name = name ? std::string(name, static_cast<std::size_t>(name_len)) : std::string();
    node.compatible = decoder.string_list("compatible");
    node.status = decoder.string("status").value_or("okay");
    node.uio_name = decoder.string("linux,uio-name");
    node.interrupts = decoder.cells("interrupts");
    for (const auto& [label, path] : symbols_)
        if (path == node.path) node.labels.push_back(label);

    const int parent = offset == 0 ? -1 : fdt_parent_offset(fdt(), offset);
    if (parent >= 0) {
        node.address_cells = cells_of(fdt(), parent, true, decoder);
        node.size_cells = cells_of(fdt(), parent, false, decoder);
    }
    const std::vector<std::uint32_t> reg = decoder.cells("reg");
    const unsigned entry = node.address_cells + node.size_cells;
    if (!reg.empty() && node.address_cells <= 2 && node.size_cells <= 2) {
        if (entry == 0 || reg.size() % entry != 0)
            decoder.fail("reg has " + std::to_string(reg.size()) + " cells, not a multiple of #address-cells (" +
                         std::to_string(node.address_cells) + ") + #size-cells (" + std::to_string(node.size_cells) +
                         ") of its parent");
        for (std::size_t at = 0; at < reg.size(); at += entry) {
            DtRegion region;
            region.address = *join_cells(&reg[at], node.address_cells);
            region.size = *join_cells(&reg[at + node.address_cells], node.size_cells);
            if (parent >= 0) region.cpu_address = to_cpu_address(fdt(), parent, region.address);
            node.reg.push_back(region);
        }
    }
    return node;
}

std::optional<DtNode> DeviceTree::find_path(std::string_view path) const {
    const std::string wanted = normalized_path(path);
    if (!wanted.starts_with('/')) return std::nullopt;  // aliases are not paths
    const int offset = fdt_path_offset(fdt(), wanted.c_str());
    if (offset < 0) return std::nullopt;
    return decode(offset);
}

std::vector<DtNode> DeviceTree::find_compatible(std::string_view compatible) const {
    const std::string wanted(compatible);
    std::vector<DtNode> found;
    for (int offset = fdt_node_offset_by_compatible(fdt(), -1, wanted.c_str()); offset >= 0;
         offset = fdt_node_offset_by_compatible(fdt(), offset, wanted.c_str()))
        found.push_back(decode(offset));
    return found;
}

std::optional<DtNode> DeviceTree::find_label(std::string_view label) const {
    const auto it = symbols_.find(std::string(label));
    if (it == symbols_.end()) return std::nullopt;
    return find_path(it->second);
}

std::vector<DtNode> DeviceTree::nodes() const {
    std::vector<DtNode> all;
    int depth = 0;
    for (int offset = 0; offset >= 0 && depth >= 0; offset = fdt_next_node(fdt(), offset, &depth)) {
        try {
            all.push_back(decode(offset));
        } catch (const DeviceTreeError&) {
            // One malformed node must not hide the others from a search.
        }
    }
    return all;
}

std::vector<DtNode> DeviceTree::find_address(std::uint64_t cpu_address) const {
    std::vector<DtNode> found;
    for (DtNode& node : nodes()) {
        const bool inside = std::any_of(node.reg.begin(), node.reg.end(), [&](const DtRegion& r) {
            return r.cpu_address && cpu_address >= *r.cpu_address && cpu_address - *r.cpu_address < r.size;
        });
        if (inside) found.push_back(std::move(node));
    }
    return found;
}

std::optional<DtNode> DeviceTree::node_for(const DeviceInfo& device) const {
    if (device.of_node) {
        if (auto node = find_path(*device.of_node)) return node;
    }
    if (device.maps.empty()) return std::nullopt;

    // uio_pdrv_genirq makes map i from reg entry i, so every map must start where its entry does.
    std::vector<DtNode> candidates;
    for (DtNode& node : find_address(device.maps.front().start())) {
        if (node.reg.size() < device.maps.size()) continue;
        bool all = true;
        for (std::size_t i = 0; i < device.maps.size() && all; ++i)
            all = node.reg[i].cpu_address == device.maps[i].start();
        if (all) candidates.push_back(std::move(node));
    }
    const auto keep_if = [&](auto predicate) {
        std::vector<DtNode> kept;
        std::copy_if(candidates.begin(), candidates.end(), std::back_inserter(kept), predicate);
        if (!kept.empty()) candidates = std::move(kept);
    };
    if (candidates.size() > 1) keep_if([](const DtNode& n) { return n.enabled(); });
    if (candidates.size() > 1)
        keep_if([&](const DtNode& n) {
            return n.uio_name == device.name || n.base_name() == device.name || n.name == device.name;
        });
    if (candidates.size() != 1) return std::nullopt;
    return std::move(candidates.front());
}

}  // namespace uiokit
