#include <uiokit/discovery.hpp>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <system_error>

#include <uiokit/error.hpp>

#include "dt_selection.hpp"
#include "of_node_reg.hpp"
#include "sysfs.hpp"

namespace fs = std::filesystem;

namespace uiokit {
namespace {

fs::path device_dir(const Host& host, unsigned index) {
    return host.class_dir / ("uio" + std::to_string(index));
}

MapInfo read_map(const fs::path& map_dir, unsigned index) {
    MapInfo map;
    map.index = index;
    map.name = sysfs::read_attribute(map_dir / "name");
    map.addr = sysfs::parse_hex(sysfs::read_attribute(map_dir / "addr"), map_dir / "addr");
    map.size = sysfs::parse_hex(sysfs::read_attribute(map_dir / "size"), map_dir / "size");
    // Kernels before the `offset` attribute had none: their offset is 0.
    std::error_code ec;
    const bool has_offset = fs::exists(map_dir / "offset", ec);
    map.offset = has_offset ? sysfs::parse_hex(sysfs::read_attribute(map_dir / "offset"), map_dir / "offset") : 0;
    if (map.size == 0) throw ParseError((map_dir / "size").string() + ": map size is 0");
    // Older kernels print the resource as it is: an address inside a page, its exact size, offset 0.
    // uio_mmap still maps whole pages from the page base (and allows as many pages as the resource
    // touches), so the registers are at the address's place in its page: say so as modern kernels do.
    const auto page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
    if (map.offset == 0 && map.addr % page != 0) {
        map.offset = map.addr % page;
        map.addr -= map.offset;
        if (map.size > ~std::uint64_t{0} - map.offset - page)
            throw ParseError((map_dir / "size").string() + ": map size " + sysfs::hex(map.size) + " is too large");
        map.size = (map.offset + map.size + page - 1) / page * page;
    }
    if (map.offset >= map.size)
        throw ParseError((map_dir / "offset").string() + ": offset " + sysfs::hex(map.offset) +
                         " is not inside the map's size " + sysfs::hex(map.size));
    return map;
}

std::vector<MapInfo> read_maps(const fs::path& dir) {
    std::vector<MapInfo> maps;
    const fs::path maps_dir = dir / "maps";
    std::error_code ec;
    fs::directory_iterator it(maps_dir, ec);
    if (ec) {
        if (ec == std::errc::no_such_file_or_directory) return maps;  // a device without memory maps
        throw Error(ec.value(), "list " + maps_dir.string());
    }
    for (const auto& entry : it) {
        const std::string entry_name = entry.path().filename().string();
        if (!entry_name.starts_with("map")) continue;
        unsigned index = 0;
        const auto digits = std::string_view(entry_name).substr(3);
        const auto [end, parse_ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
        if (digits.empty() || parse_ec != std::errc{} || end != digits.data() + digits.size()) continue;
        maps.push_back(read_map(entry.path(), index));
    }
    std::sort(maps.begin(), maps.end(), [](const MapInfo& a, const MapInfo& b) { return a.index < b.index; });
    return maps;
}

std::optional<std::string> read_of_node(const fs::path& dir) {
    std::error_code ec;
    const fs::path target = fs::canonical(dir / "device" / "of_node", ec);
    if (ec) return std::nullopt;  // not a device-tree device, or no CONFIG_OF
    const std::string text = target.string();
    const std::string marker = "/devicetree/base";
    const auto at = text.rfind(marker);
    if (at == std::string::npos) return std::nullopt;
    std::string node = text.substr(at + marker.size());
    return node.empty() ? std::string("/") : node;
}

// "pl031@9010000" -> {"pl031", 0x9010000}; "pl031" -> {"pl031", nothing}.
std::pair<std::string_view, std::optional<std::uint64_t>> split_unit_address(std::string_view name) {
    const auto at = name.find('@');
    if (at == std::string_view::npos) return {name, std::nullopt};
    const std::string_view unit = name.substr(at + 1);
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(unit.data(), unit.data() + unit.size(), value, 16);
    if (unit.empty() || ec != std::errc{} || end != unit.data() + unit.size()) return {name.substr(0, at), std::nullopt};
    return {name.substr(0, at), value};
}

// Kernels before 2024 print the node name without its unit address, later ones with it; accept
// both spellings on either side. When only the selector has a unit address, it must be where one of
// the device's maps starts.
bool name_matches(std::string_view wanted, const std::string& actual, const fs::path& dir) {
    if (wanted == actual) return true;
    const auto [wanted_base, wanted_unit] = split_unit_address(wanted);
    const auto [actual_base, actual_unit] = split_unit_address(actual);
    if (wanted_base != actual_base) return false;
    const bool wanted_has_unit = wanted.find('@') != std::string_view::npos;
    const bool actual_has_unit = actual.find('@') != std::string::npos;
    if (!wanted_has_unit) return actual_has_unit;  // "pl031" matches "pl031@9010000"
    if (!wanted_unit) return false;                // "pl031@xyz": not a unit address
    if (actual_has_unit) return actual_unit == wanted_unit;
    const std::uint64_t unit = *wanted_unit;
    const auto maps = read_maps(dir);
    return std::any_of(maps.begin(), maps.end(), [unit](const MapInfo& m) { return m.start() == unit; });
}

std::string describe_existing(const Host& host) {
    std::vector<unsigned> indices;
    try {
        indices = device_indices(host);
    } catch (const Error&) {
        return "";
    }
    if (indices.empty())
        return "; there are no UIO devices under " + host.class_dir.string() +
               " (is uio_pdrv_genirq loaded with of_id=generic-uio, and a node bound to it?)";
    std::string text = "; devices:";
    for (unsigned index : indices) {
        text += " uio" + std::to_string(index);
        try {
            text += " '" + sysfs::read_attribute(device_dir(host, index) / "name") + "'";
            const auto maps = read_maps(device_dir(host, index));
            if (!maps.empty()) text += " at " + sysfs::hex(maps.front().start());
        } catch (const Error&) {
            text += " (unreadable)";
        }
        text += ",";
    }
    text.pop_back();
    return text;
}

[[noreturn]] void throw_not_found(const Selector& selector, const Host& host, const std::string& why = "") {
    throw DeviceNotFoundError("no UIO device with " + selector.describe() + why + describe_existing(host));
}

// The index of the one match; the errors list what exists, or name the several matches.
unsigned only_match(const Selector& selector, const Host& host, const std::vector<unsigned>& matches,
                    const std::string& why_none = "") {
    if (matches.empty()) throw_not_found(selector, host, why_none);
    if (matches.size() > 1) {
        std::string list;
        for (unsigned m : matches) {
            list += (list.empty() ? "uio" : ", uio") + std::to_string(m);
            try {
                list += " '" + sysfs::read_attribute(device_dir(host, m) / "name") + "'";
            } catch (const Error&) {  // the index alone still tells them apart
            }
        }
        throw DeviceNotFoundError(selector.describe() + " matches several UIO devices (" + list +
                                  "): select by address or by device node");
    }
    return matches.front();
}

// Everything but `name`, which the caller has read.
DeviceInfo read_named_device(unsigned index, const Host& host, std::string name) {
    const fs::path dir = device_dir(host, index);
    DeviceInfo info;
    info.index = index;
    info.sysfs_dir = dir;
    info.dev_node = host.dev_dir / ("uio" + std::to_string(index));
    info.name = std::move(name);
    info.version = sysfs::read_attribute(dir / "version");
    info.event_count = sysfs::parse_u32(sysfs::read_attribute(dir / "event"), dir / "event");
    info.maps = read_maps(dir);
    detail::read_reg_sizes(dir, info.maps);
    info.of_node = read_of_node(dir);
    return info;
}

}  // namespace

const MapInfo& DeviceInfo::map(unsigned map_index) const {
    for (const MapInfo& m : maps)
        if (m.index == map_index) return m;
    throw RangeError(dev_node.string() + " ('" + name + "') has no map" + std::to_string(map_index) + "; it has " +
                     std::to_string(maps.size()) + " map(s)");
}

std::vector<unsigned> device_indices(const Host& host) {
    std::vector<unsigned> indices;
    std::error_code ec;
    fs::directory_iterator it(host.class_dir, ec);
    if (ec) {
        if (ec == std::errc::no_such_file_or_directory) return indices;  // UIO core not loaded
        throw Error(ec.value(), "list " + host.class_dir.string());
    }
    for (const auto& entry : it)
        if (auto index = sysfs::parse_uio_index(entry.path().filename().string())) indices.push_back(*index);
    std::sort(indices.begin(), indices.end());
    return indices;
}

DeviceInfo read_device(unsigned index, const Host& host) {
    const fs::path dir = device_dir(host, index);
    std::error_code ec;
    if (!fs::exists(dir, ec))
        throw DeviceNotFoundError("no UIO device uio" + std::to_string(index) + " (" + dir.string() + ")" +
                                  describe_existing(host));
    return read_named_device(index, host, sysfs::read_attribute(dir / "name"));
}

std::vector<DeviceInfo> enumerate(const Host& host) {
    std::vector<DeviceInfo> devices;
    for (unsigned index : device_indices(host)) devices.push_back(read_device(index, host));
    return devices;
}

DeviceInfo find(const Selector& selector, const Host& host) {
    struct Finder {
        const Selector& selector;
        const Host& host;

        DeviceInfo operator()(const Selector::ByIndex& s) const { return read_device(s.index, host); }

        DeviceInfo operator()(const Selector::ByDevNode& s) const {
            std::error_code ec;
            const fs::path node = fs::canonical(s.path, ec);  // follows /dev/uio/by-name/... links
            if (ec) throw_not_found(selector, host, " (" + s.path + ": " + ec.message() + ")");
            const auto index = sysfs::parse_uio_index(node.filename().string());
            if (!index) throw_not_found(selector, host, " (" + node.string() + " is not a uioN node)");
            return read_device(*index, host);
        }

        // Reads each device's name once, and only the match's other attributes.
        DeviceInfo operator()(const Selector::ByName& s) const {
            std::vector<unsigned> matches;
            std::string matched_name;
            for (unsigned index : device_indices(host)) {
                const fs::path dir = device_dir(host, index);
                std::string name = sysfs::read_attribute(dir / "name");
                if (name_matches(s.name, name, dir)) {
                    matches.push_back(index);
                    matched_name = std::move(name);
                }
            }
            const unsigned index = only_match(selector, host, matches);
            return read_named_device(index, host, std::move(matched_name));
        }

        // The kernel reports a window as running to the end of its last page (the exact length is
        // lost), so windows of two devices in one page overlap. The device whose window starts
        // nearest below the address is the one whose registers are there; a tie is ambiguous.
        DeviceInfo operator()(const Selector::ByAddress& s) const {
            std::vector<unsigned> matches;
            std::uint64_t nearest_start = 0;
            for (unsigned index : device_indices(host)) {
                for (const MapInfo& m : read_maps(device_dir(host, index))) {
                    if (!m.contains(s.phys) || (!matches.empty() && m.start() < nearest_start)) continue;
                    if (matches.empty() || m.start() > nearest_start) matches.clear();
                    nearest_start = m.start();
                    if (std::find(matches.begin(), matches.end(), index) == matches.end()) matches.push_back(index);
                }
            }
            return read_device(only_match(selector, host, matches), host);
        }

        // Device-tree selectors: the matching lives in dt_selection.cpp.
        DeviceInfo operator()(const Selector::ByDtPath& s) const {
            const auto found = dt_selection::matching_devices(s, host);
            return read_device(only_match(selector, host, found.indices, found.why_none), host);
        }
        DeviceInfo operator()(const Selector::ByCompatible& s) const {
            const auto found = dt_selection::matching_devices(s, host);
            return read_device(only_match(selector, host, found.indices, found.why_none), host);
        }
        DeviceInfo operator()(const Selector::ByLabel& s) const {
            const auto found = dt_selection::matching_devices(s, host);
            return read_device(only_match(selector, host, found.indices, found.why_none), host);
        }
    };
    return std::visit(Finder{selector, host}, selector.value());
}

}  // namespace uiokit
