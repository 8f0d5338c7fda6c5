// Fuzzes the command-line device selector syntax (Selector::parse). A selector that parses must be
// what the text says (the value is the text, or the text after its prefix), and its command-line
// form must parse back to the same selector, describing itself the same.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include <uiokit/error.hpp>
#include <uiokit/selector.hpp>

#include "sysfs.hpp"

namespace {

using uiokit::Selector;

using uiokit::sysfs::hex;  // the library's "0x..." spelling

// The text that selects this selector on the command line.
std::string command_line(const Selector& s) {
    struct Form {
        std::string operator()(const Selector::ByName& v) const { return v.name; }
        std::string operator()(const Selector::ByIndex& v) const { return "uio" + std::to_string(v.index); }
        std::string operator()(const Selector::ByDevNode& v) const { return v.path; }
        std::string operator()(const Selector::ByAddress& v) const { return hex(v.phys); }
        std::string operator()(const Selector::ByDtPath& v) const { return "dt:" + v.path; }
        std::string operator()(const Selector::ByCompatible& v) const { return "compatible:" + v.compatible; }
        std::string operator()(const Selector::ByLabel& v) const { return "label:" + v.label; }
    };
    return std::visit(Form{}, s.value());
}

bool same(const Selector& a, const Selector& b) {
    if (a.value().index() != b.value().index()) return false;
    return command_line(a) == command_line(b);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    Selector selector = Selector::name("unset");
    try {
        selector = Selector::parse(text);
    } catch (const uiokit::Error&) {
        return 0;
    }
    // The value is the text itself, except for an address (any spelling of the number: 0X, leading
    // zeros, upper case), which must read back as the same number.
    if (!std::holds_alternative<Selector::ByAddress>(selector.value()) && command_line(selector) != text)
        __builtin_trap();
    if (const auto* dt = std::get_if<Selector::ByDtPath>(&selector.value()); dt && !dt->path.starts_with('/'))
        __builtin_trap();
    // The command-line form parses back to the same selector, which describes itself the same.
    try {
        const Selector again = Selector::parse(command_line(selector));
        if (!same(selector, again) || again.describe() != selector.describe()) __builtin_trap();
    } catch (const uiokit::Error&) {
        __builtin_trap();  // its own form refused
    }
    // describe() names the value: the name, path, label, compatible string or address.
    struct Value {
        std::string operator()(const Selector::ByName& v) const { return v.name; }
        std::string operator()(const Selector::ByIndex& v) const { return "uio" + std::to_string(v.index); }
        std::string operator()(const Selector::ByDevNode& v) const { return v.path; }
        std::string operator()(const Selector::ByAddress& v) const { return hex(v.phys); }
        std::string operator()(const Selector::ByDtPath& v) const { return v.path; }
        std::string operator()(const Selector::ByCompatible& v) const { return v.compatible; }
        std::string operator()(const Selector::ByLabel& v) const { return v.label; }
    };
    if (selector.describe().find(std::visit(Value{}, selector.value())) == std::string::npos) __builtin_trap();
    return 0;
}
