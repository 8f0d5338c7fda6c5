#include <uiokit/selector.hpp>

#include <charconv>

#include <uiokit/error.hpp>

#include "devicetree/device_selection.hpp"
#include "sysfs.hpp"

namespace uiokit {

Selector Selector::parse(std::string_view text) {
    if (text.empty()) throw ParseError("device selector is empty");
    if (auto dt = devicetree::parse_selector(text)) return *dt;
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
