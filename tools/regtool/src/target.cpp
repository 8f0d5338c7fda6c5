// Opening what regtool operates on: a UIO device's map, any mmappable file, or /dev/mem.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cctype>
#include <string_view>
#include <vector>

#include <uiokit/error.hpp>
#include <uiokit/file_mapping.hpp>
#include <uiokit/regmap/numbers.hpp>
#include <uiokit/selector.hpp>

#include "core.hpp"

namespace regtool {

using uiokit::regmap::hex;

namespace {

// Maps [offset, offset + length) of `path` (uiokit::map_file, or map_physical for --devmem). A
// window the file cannot give is a usage error naming the option (`what`) that named the file.
Target open_mapped_file(Target target, const std::string& path, std::uint64_t offset,
                        std::optional<std::uint64_t> length, Access access, const std::string& what) {
    const auto map_access = access == Access::read_write ? uiokit::MapAccess::read_write : uiokit::MapAccess::read_only;
    try {
        target.file_mapping = std::make_shared<uiokit::FileMapping>(
            target.kind == Target::Kind::devmem ? uiokit::map_physical(offset, *length, map_access, path)
                                                : uiokit::map_file(path, offset, length, map_access));
    } catch (const uiokit::UnmappableError& e) {
        std::string message = what + " " + path + ": " + e.detail();
        if (e.file_size() && length && offset < *e.file_size())  // too long for the file: what fits
            message += "; give at most --size " + hex(*e.file_size() - offset);
        else if (!length && !e.file_size() && e.code().value() == EINVAL)  // a device, whose size it cannot know
            message += " with --size";
        throw UsageError(message);
    }
    target.region = target.file_mapping->region();
    target.path = path;
    return target;
}

// "DEV" or "DEV:MAP". Apart from the prefix of a device-tree selector (dt:, compatible:, label:,
// as Selector::parse knows them), a selector contains no ':', so the last one after the prefix
// separates the map: "label:window:1" is map 1 of the device labelled "window".
std::pair<std::string, std::optional<std::string>> split_map_suffix(const std::string& spec) {
    std::size_t prefix = 0;
    for (const std::string_view p : {"dt:", "compatible:", "label:"})
        if (spec.starts_with(p)) prefix = p.size();
    const auto colon = spec.rfind(':');
    if (colon == std::string::npos || colon < prefix) return {spec, std::nullopt};
    return {spec.substr(0, colon), spec.substr(colon + 1)};
}

unsigned choose_map(const uiokit::DeviceInfo& info, const std::optional<std::string>& wanted,
                    const std::optional<std::uint64_t>& address, const std::string& spec) {
    auto names = [&] {
        std::string list;
        for (const auto& m : info.maps)
            list += (list.empty() ? "" : ", ") + ("map" + std::to_string(m.index) + " '" + m.name + "'");
        return list.empty() ? std::string("none") : list;
    };
    if (info.maps.empty()) throw uiokit::Error(ENXIO, "uio" + std::to_string(info.index) + " ('" + info.name + "') has no memory maps");
    if (wanted) {
        if (wanted->empty()) throw UsageError("device '" + spec + "': nothing after ':' (give a map index or name)");
        if (std::isdigit(static_cast<unsigned char>(wanted->front()))) {
            const std::uint64_t index = parse_number(*wanted, "map index in '" + spec + "'");
            for (const auto& m : info.maps)
                if (m.index == index) return m.index;
            throw UsageError("device '" + spec + "': uio" + std::to_string(info.index) + " has no map" + *wanted +
                             "; its maps: " + names());
        }
        std::vector<unsigned> named;
        for (const auto& m : info.maps)
            if (m.name == *wanted || m.name.substr(0, m.name.find('@')) == *wanted) named.push_back(m.index);
        // Without reg-names the kernel names every map of a node after the node: only an index says which.
        if (named.size() > 1)
            throw UsageError("device '" + spec + "': " + std::to_string(named.size()) + " maps of uio" +
                             std::to_string(info.index) + " are named '" + *wanted + "' (" + names() +
                             "); give the map index instead, e.g. " + spec.substr(0, spec.rfind(':')) + ":" +
                             std::to_string(named.front()));
        if (named.size() == 1) return named.front();
        throw UsageError("device '" + spec + "': uio" + std::to_string(info.index) + " has no map named '" + *wanted +
                         "'; its maps: " + names());
    }
    if (address)  // selected by physical address: the map that holds it
        for (const auto& m : info.maps)
            if (m.contains(*address)) return m.index;
    return info.maps.front().index;
}

}  // namespace

Target open_target(const std::string& device_spec, const TargetOptions& options, Access access, const Context& context) {
    Target target;
    target.options = options;
    target.context = &context;
    target.bus_errors = std::make_shared<uiokit::BusErrorGuard>();
    if (!options.file.empty() && options.devmem) throw UsageError("--file and --devmem cannot be combined");
    if (options.whole_page && (!options.file.empty() || options.devmem))
        throw UsageError("--whole-page applies only to a UIO device (a --file or --devmem window has no DT reg)");
    if (!options.file.empty()) {
        target.kind = Target::Kind::file;
        return open_mapped_file(std::move(target), options.file, 0, options.size, access, "--file");
    }
    if (options.devmem) {
        target.kind = Target::Kind::devmem;
        const auto page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
        target.phys = *options.devmem;
        return open_mapped_file(std::move(target), context.devmem_path.string(), *options.devmem,
                                options.size.value_or(page - (*options.devmem & (page - 1))), access, "--devmem");
    }
    if (options.size) throw UsageError("--size applies only to --file and --devmem (a UIO map has its own size)");

    const auto [selector_text, map_wanted] = split_map_suffix(device_spec);
    std::optional<uiokit::Selector> selector;
    try {
        selector = uiokit::Selector::parse(selector_text);
    } catch (const uiokit::ParseError& e) {
        throw UsageError("device '" + device_spec + "': " + e.what());
    }
    std::optional<std::uint64_t> address;
    if (const auto* by_address = std::get_if<uiokit::Selector::ByAddress>(&selector->value())) address = by_address->phys;

    uiokit::DeviceInfo info = uiokit::find(*selector, context.host);
    target.kind = Target::Kind::uio;
    target.map_index = choose_map(info, map_wanted, address, device_spec);
    target.path = info.dev_node.string();
    target.phys = info.map(target.map_index).start();
    target.device = uiokit::Device::open(
        info,
        // Never a driver's open: opening must not enable the interrupt behind a driver's back
        // (or at all, when the arguments are then refused). wait enables it itself.
        uiokit::OpenOptions{.writable = access == Access::read_write, .interrupt = uiokit::InterruptAtOpen::leave},
        context.host);
    // Bounded by the device's DT reg: the rest of the page may be another device's registers.
    target.region = options.whole_page ? target.device->map_whole_pages(target.map_index)
                                       : target.device->map(target.map_index);
    target.info = std::move(info);
    return target;
}

const RegisterMap* Target::load_map(MapNeed need, const std::string& why) {
    if (!map_searched_) {
        map_searched_ = true;
        if (!options.map_file.empty()) {
            try {
                map_ = uiokit::regmap::FoundMap{uiokit::regmap::load_map(options.map_file), options.map_file};
            } catch (const uiokit::regmap::MapError& e) {
                // Which option named the file: "--map FILE:LINE: reason".
                throw uiokit::regmap::MapError("--map " + e.source(), e.line(), e.reason());
            }
        } else if (!options.no_map && kind == Kind::uio) {
            auto search = uiokit::regmap::SearchPath::standard(context->regmap_path ? context->regmap_path->c_str() : nullptr);
            search.use_builtin = context->use_builtin_maps;
            std::vector<std::string> names{info->map(map_index).name};
            if (map_index == info->maps.front().index) names.push_back(info->name);
            map_ = uiokit::regmap::find_map(names, search);
        }
    }
    if (!map_ && need == MapNeed::required) {
        std::string reason;
        if (options.no_map)
            reason = "--no-map was given";
        else if (kind != Kind::uio)
            reason = "a --file or --devmem target has no name to find a map by";
        else {
            std::string looked;
            std::vector<std::string> names{info->map(map_index).name};
            if (map_index == info->maps.front().index) names.push_back(info->name);
            // The map's and the device's names often give one file ("widget@40000000", "widget"): name it once.
            std::vector<std::string> files;
            for (const auto& n : names)
                if (auto stem = uiokit::regmap::map_file_stem(n))
                    if (std::find(files.begin(), files.end(), *stem + ".yaml") == files.end()) files.push_back(*stem + ".yaml");
            for (const auto& f : files) looked += (looked.empty() ? "" : ", ") + f;
            reason = "no register map found for " + describe() + " (looked for " + (looked.empty() ? "nothing" : looked) +
                     " in $UIOKIT_REGMAP_PATH, " + uiokit::regmap::installed_map_directory().string() +
                     " and the built-in maps)";
        }
        throw UsageError(why + " needs a register map, but " + reason + ": give one with --map FILE");
    }
    return map();
}

std::string Target::describe() const {
    switch (kind) {
        case Kind::uio:
            return "uio" + std::to_string(info->index) + " '" + info->name + "' map" + std::to_string(map_index);
        case Kind::file: return "file " + path;
        case Kind::devmem: return path + " at " + hex(*phys);
    }
    return "?";
}

std::string Target::bound_note() const {
    if (kind != Kind::uio) return "";
    const uiokit::MapInfo& m = info->map(map_index);
    if (m.bound() == m.window_size()) return "";
    if (options.whole_page) return " (--whole-page: to the page end)";
    return " (bounded by the device's DT reg; --whole-page reaches the page end at " + hex(m.window_size()) + ")";
}

void Target::write_json(JsonWriter& json) const {
    json.key("target").begin_object();
    json.field("kind", kind == Kind::uio ? "uio" : kind == Kind::file ? "file" : "devmem");
    json.field("path", path);
    if (kind == Kind::uio) {
        json.field("device", "uio" + std::to_string(info->index));
        json.field("name", info->name);
        json.field("map", map_index);
        json.field("map_name", info->map(map_index).name);
        json.field("whole_page", options.whole_page);
    }
    json.field("phys", phys);
    json.field("size", static_cast<std::uint64_t>(region.size()));
    json.end_object();
    json.key("regmap");
    if (map_) {
        json.begin_object().field("name", map_->map.name).field("source", map_->origin).end_object();
    } else {
        json.null();
    }
}

}  // namespace regtool
