#include "overlay_spec.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <utility>

namespace uiokit::dtogen {
namespace {

constexpr std::array<std::pair<const char*, Trigger>, 5> trigger_names{{
    {"edge-rising", Trigger::edge_rising},
    {"edge-falling", Trigger::edge_falling},
    {"edge-both", Trigger::edge_both},
    {"level-high", Trigger::level_high},
    {"level-low", Trigger::level_low},
}};

constexpr std::array<std::pair<const char*, InterruptFormat>, 4> format_names{{
    {"gic-spi", InterruptFormat::gic_spi},
    {"gic-ppi", InterruptFormat::gic_ppi},
    {"two-cell", InterruptFormat::two_cell},
    {"one-cell", InterruptFormat::one_cell},
}};

template <class Table>
std::string choices(const Table& table) {
    std::string text;
    for (const auto& [name, value] : table) text += (text.empty() ? "" : ", ") + std::string(name);
    return text;
}

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// Devicetree specification 2.2.1: node names are 1-31 characters of [0-9a-zA-Z,._+-], starting
// with a letter.
void check_node_name(const std::string& name) {
    const bool valid = !name.empty() && name.size() <= 31 &&
                       ((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z')) &&
                       std::all_of(name.begin(), name.end(), [](char c) {
                           return is_alnum(c) || c == ',' || c == '.' || c == '_' || c == '+' || c == '-';
                       });
    if (!valid)
        throw SpecError("node name '" + name +
                        "' is not a device-tree node name (1-31 of a-z A-Z 0-9 , . _ + -, starting with a letter; "
                        "no unit address: it is made from the first reg address)");
}

// dtc labels: [a-zA-Z_][a-zA-Z0-9_]*
void check_label(const std::string& label, const char* what) {
    const bool valid = !label.empty() && !(label[0] >= '0' && label[0] <= '9') &&
                       std::all_of(label.begin(), label.end(), [](char c) { return is_alnum(c) || c == '_'; });
    if (!valid) throw SpecError(std::string(what) + " '" + label + "' is not a label (a-z A-Z 0-9 _, not starting with a digit)");
}

void check_path(const std::string& path) {
    const bool valid = path.starts_with('/') && path.find("//") == std::string::npos &&
                       (path.size() == 1 || !path.ends_with('/')) &&
                       std::all_of(path.begin(), path.end(), [](char c) {
                           return is_alnum(c) || c == ',' || c == '.' || c == '_' || c == '+' || c == '-' ||
                                  c == '@' || c == '/';
                       });
    if (!valid) throw SpecError("target path '" + path + "' is not a device-tree node path (e.g. / or /amba_pl@0)");
}

// Strings go into the .dtso between double quotes: keep them to printable ASCII without escapes.
void check_string(const std::string& text, const char* what) {
    const bool valid = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
    });
    if (!valid) throw SpecError(std::string(what) + " '" + text + "' must be non-empty printable ASCII without \" or \\");
}

bool fits(std::uint64_t value, unsigned cells) { return cells >= 2 || value <= 0xffff'ffffULL; }

std::string hex(std::uint64_t value) {
    std::array<char, 18> buffer{'0', 'x'};  // "0x" and at most 16 hex digits
    // Cannot fail: 16 hex digits hold any 64-bit value.
    const std::to_chars_result digits = std::to_chars(buffer.data() + 2, buffer.data() + buffer.size(), value, 16);
    return {buffer.data(), digits.ptr};
}

}  // namespace

std::vector<std::uint32_t> InterruptSpec::cells() const {
    const auto flags = static_cast<std::uint32_t>(trigger);
    switch (format) {
        case InterruptFormat::gic_spi: return {0, number, flags};
        case InterruptFormat::gic_ppi: return {1, number, flags};
        case InterruptFormat::two_cell: return {number, flags};
        case InterruptFormat::one_cell: return {number};
    }
    return {};
}

std::string OverlaySpec::node_name() const {
    if (reg.empty()) return name;
    std::array<char, 16> digits{};
    // Cannot fail: 16 hex digits hold any 64-bit value.
    const std::to_chars_result end =
        std::to_chars(digits.data(), digits.data() + digits.size(), reg.front().address, 16);
    std::string node = name;
    node += '@';
    node.append(digits.data(), end.ptr);
    return node;
}

void OverlaySpec::validate() const {
    check_node_name(name);
    if (target_path.empty() == target_label.empty())
        throw SpecError("give exactly one target: a path (e.g. /amba_pl@0) or a label (e.g. amba_pl)");
    if (!target_path.empty()) check_path(target_path);
    if (!target_label.empty()) check_label(target_label, "target label");
    if (address_cells < 1 || address_cells > 2) throw SpecError("#address-cells must be 1 or 2");
    if (size_cells < 1 || size_cells > 2) throw SpecError("#size-cells must be 1 or 2");
    if (reg.empty()) throw SpecError("a UIO device needs at least one reg window");
    if (reg.size() > 5) throw SpecError("uio_pdrv_genirq makes at most 5 maps (MAX_UIO_MAPS); got " + std::to_string(reg.size()) + " reg windows");
    for (const RegWindow& w : reg) {
        if (w.size == 0) throw SpecError("reg window at " + hex(w.address) + " has size 0");
        if (!fits(w.address, address_cells))
            throw SpecError("reg address " + hex(w.address) + " does not fit #address-cells = <1>");
        if (!fits(w.size, size_cells)) throw SpecError("reg size " + hex(w.size) + " does not fit #size-cells = <1>");
        if (w.address + (w.size - 1) < w.address) throw SpecError("reg window at " + hex(w.address) + " wraps around");
    }
    if (compatible.empty()) throw SpecError("compatible is empty: uio_pdrv_genirq binds \"generic-uio\"");
    for (const std::string& c : compatible) check_string(c, "compatible");
    if (uio_name) check_string(*uio_name, "linux,uio-name");
    if (interrupt) {
        if (interrupt->parent_label && interrupt->parent_phandle)
            throw SpecError("give the interrupt parent as a label or as a phandle, not both");
        if (interrupt->parent_label) check_label(*interrupt->parent_label, "interrupt-parent label");
        if (interrupt->parent_phandle && (*interrupt->parent_phandle == 0 || *interrupt->parent_phandle == 0xffffffff))
            throw SpecError("interrupt-parent phandle " + hex(*interrupt->parent_phandle) + " is not a valid phandle");
        if (interrupt->format == InterruptFormat::gic_spi && interrupt->number > 987)
            throw SpecError("GIC SPI " + std::to_string(interrupt->number) +
                            " is out of range (0-987; the SPI number is the GIC interrupt ID minus 32)");
        if (interrupt->format == InterruptFormat::gic_ppi && interrupt->number > 15)
            throw SpecError("GIC PPI " + std::to_string(interrupt->number) + " is out of range (0-15)");
    }
}

std::string to_string(Trigger trigger) {
    for (const auto& [name, value] : trigger_names)
        if (value == trigger) return name;
    return "?";
}

Trigger parse_trigger(const std::string& text) {
    for (const auto& [name, value] : trigger_names)
        if (text == name) return value;
    throw SpecError("interrupt trigger '" + text + "' is not one of " + choices(trigger_names));
}

std::string to_string(InterruptFormat format) {
    for (const auto& [name, value] : format_names)
        if (value == format) return name;
    return "?";
}

InterruptFormat parse_interrupt_format(const std::string& text) {
    for (const auto& [name, value] : format_names)
        if (text == name) return value;
    throw SpecError("interrupt format '" + text + "' is not one of " + choices(format_names));
}

}  // namespace uiokit::dtogen
