// The whole device selector grammar: Selector::parse below is the only place a selector's text is
// read (the forms are listed in selector.hpp). Discovery and the device tree only ever see the
// parsed Selector.
#include <uiokit/selector.hpp>

#include <charconv>
#include <optional>

#include <uiokit/error.hpp>

#include "sysfs.hpp"

namespace uiokit {
namespace {

// "dt:/path", "compatible:string", "label:name" -> the selector; any other text -> nothing.
std::optional<Selector> parse_devicetree_prefix(std::string_view text) {
    struct Prefix {
        std::string_view prefix;
        Selector (*make)(std::string);
    };
    static constexpr Prefix prefixes[] = {
        {"dt:", [](std::string v) { return Selector::dt_path(std::move(v)); }},
        {"compatible:", [](std::string v) { return Selector::compatible(std::move(v)); }},
        {"label:", [](std::string v) { return Selector::label(std::move(v)); }},
    };
    for (const Prefix& p : prefixes) {
        if (!text.starts_with(p.prefix)) continue;
        const std::string_view value = text.substr(p.prefix.size());
        if (value.empty()) throw ParseError("device selector '" + std::string(text) + "' has nothing after '" +
                                            std::string(p.prefix) + "'");
        if (p.prefix == "dt:" && !value.starts_with('/'))
            throw ParseError("device selector '" + std::string(text) +
                             "': a device-tree path starts with '/', e.g. dt:/pl031@9010000");
        return p.make(std::string(value));
    }
    return std::nullopt;
}

}  // namespace

// The forms are tried in the order selector.hpp lists them: the first that fits decides.
Selector Selector::parse(std::string_view text) {
    if (text.empty()) throw ParseError("device selector is empty");
    if (auto dt = parse_devicetree_prefix(text)) return *dt;
    if (auto index = sysfs::parse_uio_index(text)) return Selector::index(*index);
    if (text.find('/') != std::string_view::npos) return Selector::dev_node(std::string(text));
    if (text.starts_with("0x") || text.starts_with("0X"))
        return Selector::address(sysfs::parse_hex(text, "device selector"));
    unsigned ignored = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ignored);
    if (ec == std::errc{} && end == text.data() + text.size())
        throw ParseError("device selector '" + std::string(text) +
                         "' is ambiguous: write uio" + std::string(text) +
                         " for an index or 0x... for a physical address");
    return Selector::name(std::string(text));
}

std::string Selector::describe() const {
    struct Describe {
        std::string operator()(const ByName& s) const { return "name '" + s.name + "'"; }
        std::string operator()(const ByIndex& s) const { return "index uio" + std::to_string(s.index); }
        std::string operator()(const ByDevNode& s) const { return "device node " + s.path; }
        std::string operator()(const ByAddress& s) const { return "address " + sysfs::hex(s.phys); }
        std::string operator()(const ByDtPath& s) const { return "device-tree path " + s.path; }
        std::string operator()(const ByCompatible& s) const { return "compatible '" + s.compatible + "'"; }
        std::string operator()(const ByLabel& s) const { return "device-tree label '" + s.label + "'"; }
    };
    return std::visit(Describe{}, value_);
}

}  // namespace uiokit
