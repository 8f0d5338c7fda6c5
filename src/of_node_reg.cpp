#include "of_node_reg.hpp"

#include <cstdint>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <system_error>

namespace fs = std::filesystem;

namespace uiokit::detail {
namespace {

// A property file of the live tree: raw bytes, cells big-endian. Empty when absent or unreadable.
std::optional<std::string> read_property(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return std::nullopt;
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) return std::nullopt;
    return bytes;
}

std::uint32_t cell_at(const std::string& bytes, std::size_t cell) {
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < 4; ++i) value = (value << 8) | static_cast<unsigned char>(bytes[cell * 4 + i]);
    return value;
}

// #address-cells or #size-cells of `node`: `fallback` when absent, empty when malformed.
std::optional<unsigned> cells_of(const fs::path& node, const char* property, unsigned fallback) {
    std::error_code ec;
    if (!fs::exists(node / property, ec)) return fallback;
    const auto bytes = read_property(node / property);
    if (!bytes || bytes->size() != 4) return std::nullopt;
    return cell_at(*bytes, 0);
}

}  // namespace

void read_reg_sizes(const fs::path& uio_dir, std::vector<MapInfo>& maps) {
    std::error_code ec;
    const fs::path node = fs::canonical(uio_dir / "device" / "of_node", ec);
    if (ec) return;  // not a device-tree device
    const auto reg = read_property(node / "reg");
    const auto address_cells = cells_of(node.parent_path(), "#address-cells", 2);
    const auto size_cells = cells_of(node.parent_path(), "#size-cells", 1);
    // Addresses or sizes wider than 64 bits (PCI's 3 cells) do not describe a UIO memory map.
    if (!reg || !address_cells || !size_cells || *address_cells == 0 || *address_cells > 2 || *size_cells == 0 ||
        *size_cells > 2)
        return;
    const std::size_t entry_cells = *address_cells + *size_cells;
    if (reg->empty() || reg->size() % (entry_cells * 4) != 0) return;
    for (std::size_t entry = 0; entry < reg->size() / (entry_cells * 4); ++entry) {
        std::uint64_t address = 0, size = 0;
        for (unsigned c = 0; c < *address_cells; ++c) address = (address << 32) | cell_at(*reg, entry * entry_cells + c);
        for (unsigned c = 0; c < *size_cells; ++c)
            size = (size << 32) | cell_at(*reg, entry * entry_cells + *address_cells + c);
        // Matched by address, not by position: uio_pdrv_genirq makes map N of the Nth memory
        // resource, but a `reg` address on a bus with translating `ranges` is not the CPU address
        // sysfs shows, and a wrong bound would be worse than the page.
        for (MapInfo& map : maps)
            if (map.start() == address && size != 0 && size <= map.window_size()) map.reg_size = size;
    }
}

}  // namespace uiokit::detail
