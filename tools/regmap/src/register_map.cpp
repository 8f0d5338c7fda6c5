// The register map parser: yaml-cpp builds the node tree, this file checks every key and value and
// reports the first problem with its line.
#include <uiokit/regmap/register_map.hpp>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <fstream>
#include <initializer_list>
#include <set>
#include <sstream>
#include <system_error>

#include <uiokit/regmap/numbers.hpp>

namespace uiokit::regmap {
namespace {

std::uint64_t ones(unsigned bits) { return bits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1; }

// Whether [a, a + a_length) and [b, b + b_length) share a byte, without computing an end that
// could wrap past 2^64 - 1.
bool ranges_overlap(std::uint64_t a, std::uint64_t a_length, std::uint64_t b, std::uint64_t b_length) {
    return a <= b ? b - a < a_length : a - b < b_length;
}

// Names become C++ identifiers in generated headers: refuse what would not compile there.
bool is_identifier(std::string_view name) {
    if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) return false;
    return std::all_of(name.begin(), name.end(),
                       [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

bool is_reserved(std::string_view name) {
    static constexpr std::array<std::string_view, 40> reserved = {
        "alignas", "alignof", "auto", "bool", "break", "case", "char", "class", "const", "constexpr",
        "continue", "default", "delete", "do", "double", "else", "enum", "explicit", "false", "float",
        "for", "if", "int", "long", "namespace", "new", "operator", "private", "public", "register",
        "return", "short", "signed", "static", "struct", "switch", "true", "union", "unsigned", "void"};
    // The generator's own names in a block's namespace (header_generator.cpp): a register called
    // block_name would be hidden by the block's name constant (read<ns::block_name>() fails).
    return std::find(reserved.begin(), reserved.end(), name) != reserved.end() || name == "Block" ||
           name == "block_name";
}

// regtool's write takes these words for W1C and W1S fields, so on such a field a value called so
// could never be written by name. (On other fields value names come first.)
bool is_write_keyword(std::string_view name) { return name == "clear" || name == "set"; }

class Parser {
public:
    explicit Parser(std::string source) : source_(std::move(source)) {}

    RegisterMap parse(std::string_view text) {
        YAML::Node root;
        try {
            root = YAML::Load(std::string(text));
        } catch (const YAML::ParserException& e) {
            throw MapError(source_, e.mark.line + 1, "YAML syntax: " + e.msg);
        }
        if (!root.IsMap()) fail(root, "the top level must be a mapping with format, name and registers");
        check_keys(root, {"format", "name", "description", "size", "registers"}, "the top level");

        const YAML::Node format = required(root, "format", "the top level");
        if (number(format, "format") != 1) fail(format, "format " + scalar(format, "format") + " is not supported (this is format 1)");

        RegisterMap map;
        map.source = source_;
        map.name = identifier(required(root, "name", "the top level"), "block name");
        if (const YAML::Node d = root["description"]) map.description = scalar(d, "description");

        const YAML::Node registers = required(root, "registers", "the top level");
        if (!registers.IsSequence() || registers.size() == 0)
            fail(registers, "'registers' must be a non-empty list of registers");
        for (const YAML::Node& node : registers) map.registers.push_back(parse_register(node));

        // Ends compared without computing offset + width, which wraps for offsets near 2^64.
        if (const YAML::Node size = root["size"]) {
            map.size = number(size, "size");
            if (map.size == 0) fail(size, "size must not be 0");
            for (const RegisterDef& r : map.registers)
                if (r.width_bytes() > map.size || r.offset > map.size - r.width_bytes())
                    fail_at(r.line, "register '" + r.name + "' at offset " + hex(r.offset) + " (" +
                                        std::to_string(r.width_bits) + "-bit) lies beyond the block size " +
                                        hex(map.size));
        } else {
            // The block's size is the end of its last register, which must be a 64-bit number.
            constexpr std::uint64_t largest = ~std::uint64_t{0};
            for (const RegisterDef& r : map.registers) {
                if (r.offset > largest - r.width_bytes())
                    fail_at(r.line, "register '" + r.name + "' at offset " + hex(r.offset) + " (" +
                                        std::to_string(r.width_bits) + "-bit) ends beyond " + hex(largest) +
                                        ", the largest block size");
                map.size = std::max(map.size, r.offset + r.width_bytes());
            }
        }
        check_registers(map);
        std::stable_sort(map.registers.begin(), map.registers.end(),
                         [](const RegisterDef& a, const RegisterDef& b) { return a.offset < b.offset; });
        return map;
    }

private:
    [[noreturn]] void fail_at(int line, const std::string& reason) const { throw MapError(source_, line, reason); }
    [[noreturn]] void fail(const YAML::Node& at, const std::string& reason) const { fail_at(line_of(at), reason); }
    static int line_of(const YAML::Node& node) {
        const YAML::Mark mark = node.Mark();
        return mark.line < 0 ? 0 : mark.line + 1;
    }

    [[noreturn]] void fail_unknown_key(const YAML::Node& at, const std::string& key,
                                       std::initializer_list<std::string_view> allowed, const std::string& where) const {
        std::string list;
        for (std::string_view a : allowed) {
            if (!list.empty()) list += ", ";
            list += a;
        }
        fail(at, "unknown key '" + key + "' in " + where + " (known keys: " + list + ")");
    }
    [[noreturn]] void fail_repeated_key(const YAML::Node& at, const std::string& key, const std::string& where) const {
        fail(at, "key '" + key + "' is given twice in " + where);
    }

    // Every key known and given once: a typo ("widht") must not silently fall back to a default.
    void check_keys(const YAML::Node& map, std::initializer_list<std::string_view> allowed, const std::string& where) const {
        std::set<std::string> seen;
        for (auto it = map.begin(); it != map.end(); ++it) {
            if (!it->first.IsScalar()) fail(it->first, "a key in " + where + " is not a plain name");
            const std::string key = it->first.Scalar();
            if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) fail_unknown_key(it->first, key, allowed, where);
            if (!seen.insert(key).second) fail_repeated_key(it->first, key, where);
        }
    }

    YAML::Node required(const YAML::Node& map, const char* key, const std::string& where) const {
        YAML::Node value = map[key];
        if (!value || value.IsNull()) fail(map, "missing '" + std::string(key) + "' in " + where);
        return value;
    }

    std::string scalar(const YAML::Node& node, const std::string& what) const {
        if (!node.IsScalar()) fail(node, what + " must be a single value, not a list or mapping");
        return node.Scalar();
    }

    std::uint64_t number(const YAML::Node& node, const std::string& what) const {
        const std::string text = scalar(node, what);
        try {
            return parse_unsigned(text);
        } catch (const NumberError& e) {
            fail(node, "bad number for " + what + ": " + e.what());
        }
    }

    std::string identifier(const YAML::Node& node, const std::string& what) const {
        std::string name = scalar(node, what);
        if (!is_identifier(name))
            fail(node, what + " '" + name + "' is not a name (letters, digits and '_', not starting with a digit)");
        if (is_reserved(name))
            fail(node, what + " '" + name + "' is reserved (a C++ keyword, or the generator's 'Block' or 'block_name')");
        return name;
    }

    bool boolean(const YAML::Node& node, const std::string& what) const {
        const std::string text = scalar(node, what);
        if (text == "true") return true;
        if (text == "false") return false;
        fail(node, what + " must be true or false, not '" + text + "'");
    }

    Access access(const YAML::Node& node, const std::string& what, bool field) const {
        std::string text = scalar(node, what);
        std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
        if (text == "ro") return Access::ro;
        if (text == "wo") return Access::wo;
        if (text == "rw") return Access::rw;
        if (field && text == "w1c") return Access::w1c;
        if (field && text == "w1s") return Access::w1s;
        fail(node, what + " '" + node.Scalar() + "' is not one of " + (field ? "ro, wo, rw, w1c, w1s" : "ro, wo, rw") +
                       (field ? "" : " (w1c and w1s belong to fields)"));
    }

    RegisterDef parse_register(const YAML::Node& node) const {
        if (!node.IsMap()) fail(node, "each entry of 'registers' must be a mapping with name and offset");
        RegisterDef r;
        r.line = line_of(node);
        r.name = identifier(required(node, "name", "a register"), "register name");
        const std::string where = "register '" + r.name + "'";
        check_keys(node, {"name", "offset", "width", "reset", "access", "side-effect-on-read", "description", "fields"}, where);

        const YAML::Node offset = required(node, "offset", where);
        r.offset = number(offset, where + " offset");
        if (const YAML::Node width = node["width"]) {
            const std::uint64_t bits = number(width, where + " width");
            if (bits != 8 && bits != 16 && bits != 32 && bits != 64)
                fail(width, where + " width " + std::to_string(bits) + " is not 8, 16, 32 or 64");
            r.width_bits = static_cast<unsigned>(bits);
        }
        if (r.offset % r.width_bytes() != 0)
            fail(offset, where + " offset " + hex(r.offset) + " is not aligned to its width (" +
                             std::to_string(r.width_bits) + " bits: a multiple of " + std::to_string(r.width_bytes()) + ")");
        if (const YAML::Node reset = node["reset"]) {
            r.reset = number(reset, where + " reset");
            if (r.reset > r.max_value())
                fail(reset, where + " reset " + hex(r.reset) + " does not fit in " + std::to_string(r.width_bits) + " bits");
        }
        if (const YAML::Node a = node["access"]) r.access = access(a, where + " access", false);
        if (const YAML::Node s = node["side-effect-on-read"]) r.side_effect_on_read = boolean(s, where + " side-effect-on-read");
        if (const YAML::Node d = node["description"]) r.description = scalar(d, where + " description");
        if (r.side_effect_on_read && r.access == Access::wo)
            fail(node["side-effect-on-read"], where + " is write-only, so it has no read side effect");

        if (const YAML::Node fields = node["fields"]) {
            if (!fields.IsSequence()) fail(fields, where + " fields must be a list");
            for (const YAML::Node& f : fields) r.fields.push_back(parse_field(f, r));
            check_fields(r);
        }
        return r;
    }

    FieldDef parse_field(const YAML::Node& node, const RegisterDef& r) const {
        if (!node.IsMap()) fail(node, "each field of register '" + r.name + "' must be a mapping with name and bits");
        FieldDef f;
        f.line = line_of(node);
        f.name = identifier(required(node, "name", "a field of register '" + r.name + "'"), "field name");
        const std::string where = "field '" + r.name + "." + f.name + "'";
        check_keys(node, {"name", "bits", "access", "values", "description"}, where);
        if (f.name == r.name) fail(node, where + " has its register's name (the generated header needs them distinct)");

        const YAML::Node bits = required(node, "bits", where);
        const std::string text = scalar(bits, where + " bits");
        const auto colon = text.find(':');
        try {
            f.msb = static_cast<unsigned>(std::min<std::uint64_t>(parse_unsigned(text.substr(0, colon)), 1000));
            f.lsb = colon == std::string::npos
                        ? f.msb
                        : static_cast<unsigned>(std::min<std::uint64_t>(parse_unsigned(text.substr(colon + 1)), 1000));
        } catch (const NumberError& e) {
            fail(bits, where + " bits '" + text + "' is not BIT or HIGH:LOW: " + e.what());
        }
        if (f.msb < f.lsb) fail(bits, where + " bits " + text + ": write the high bit first (" +
                                          std::to_string(f.lsb) + ":" + std::to_string(f.msb) + ")");
        if (f.msb >= r.width_bits)
            fail(bits, where + " bits " + text + " lie beyond the register's " + std::to_string(r.width_bits) + " bits");

        // A field can restrict its register's access, never widen it.
        f.access = r.access;
        if (const YAML::Node a = node["access"]) {
            f.access = access(a, where + " access", true);
            const bool fits = r.access == Access::rw || (r.access == Access::ro && f.access == Access::ro) ||
                              (r.access == Access::wo && f.access != Access::ro && f.access != Access::rw);
            if (!fits)
                fail(a, where + " access " + std::string(access_name(f.access)) + " does not fit its " +
                            std::string(access_name(r.access)) + " register");
        }
        if (const YAML::Node d = node["description"]) f.description = scalar(d, where + " description");
        if (const YAML::Node values = node["values"]) {
            if (!values.IsSequence()) fail(values, where + " values must be a list of {name, value}");
            for (const YAML::Node& v : values) f.values.push_back(parse_value(v, f, where));
        }
        return f;
    }

    EnumValue parse_value(const YAML::Node& node, const FieldDef& f, const std::string& field_where) const {
        if (!node.IsMap()) fail(node, "each value of " + field_where + " must be a mapping with name and value");
        EnumValue v;
        const YAML::Node name = required(node, "name", "a value of " + field_where);
        v.name = identifier(name, "value name");
        const std::string where = "value '" + v.name + "' of " + field_where;
        if (is_write_keyword(v.name) && (f.access == Access::w1c || f.access == Access::w1s))
            fail(name, where + ": '" + v.name + "' is reserved on a " + std::string(access_name(f.access)) +
                           " field (regtool write takes 'clear' and 'set' for W1C and W1S fields, so a value of that " +
                           "name could not be written); choose another name");
        check_keys(node, {"name", "value", "description"}, where);
        const YAML::Node value = required(node, "value", where);
        v.value = number(value, where);
        if (v.value > ones(f.width()))
            fail(value, where + ": " + hex(v.value) + " does not fit in the field's " + std::to_string(f.width()) + " bits");
        if (const YAML::Node d = node["description"]) v.description = scalar(d, where + " description");
        for (const EnumValue& other : f.values) {
            if (other.name == v.name) fail(node, "duplicate value name '" + v.name + "' in " + field_where);
            if (other.value == v.value)
                fail(node, where + " has the same value " + hex(v.value) + " as '" + other.name + "'");
        }
        return v;
    }

    // In the order the map lists them (as check_registers): fields in flow style share one line,
    // so the line cannot tell which came first. Sorted by lsb afterwards.
    void check_fields(RegisterDef& r) const {
        for (std::size_t i = 0; i < r.fields.size(); ++i)
            for (std::size_t j = i + 1; j < r.fields.size(); ++j) {
                const FieldDef& a = r.fields[i];
                const FieldDef& b = r.fields[j];  // listed later
                if (a.name == b.name)
                    fail_at(b.line, "duplicate field name '" + r.name + "." + b.name + "' (first at line " +
                                        std::to_string(a.line) + ")");
                if ((a.mask() & b.mask()) != 0)
                    fail_at(b.line, "field '" + r.name + "." + b.name + "' (bits " + std::to_string(b.msb) + ":" +
                                        std::to_string(b.lsb) + ") overlaps field '" + a.name + "' (bits " +
                                        std::to_string(a.msb) + ":" + std::to_string(a.lsb) + ", line " +
                                        std::to_string(a.line) + ")");
            }
        std::sort(r.fields.begin(), r.fields.end(), [](const FieldDef& a, const FieldDef& b) { return a.lsb < b.lsb; });
    }

    void check_registers(const RegisterMap& map) const {
        const auto& regs = map.registers;
        for (std::size_t i = 0; i < regs.size(); ++i)
            for (std::size_t j = i + 1; j < regs.size(); ++j) {
                const RegisterDef& a = regs[i];
                const RegisterDef& b = regs[j];  // defined later in the file
                if (a.name == b.name)
                    fail_at(b.line, "duplicate register name '" + b.name + "' (first at line " + std::to_string(a.line) + ")");
                const bool overlap = ranges_overlap(a.offset, a.width_bytes(), b.offset, b.width_bytes());
                // A read-only and a write-only register may share an address (e.g. a UART's RBR/THR),
                // exactly: an access by offset then is one of them, chosen by reading or writing.
                const bool split_access = ((a.access == Access::ro && b.access == Access::wo) ||
                                           (a.access == Access::wo && b.access == Access::ro)) &&
                                          a.offset == b.offset && a.width_bits == b.width_bits;
                if (overlap && !split_access)
                    fail_at(b.line, "register '" + b.name + "' at " + hex(b.offset) + " (" + std::to_string(b.width_bits) +
                                        "-bit) overlaps register '" + a.name + "' at " + hex(a.offset) + " (" +
                                        std::to_string(a.width_bits) + "-bit, line " + std::to_string(a.line) +
                                        "); only a read-only and a write-only register at the same offset and of " +
                                        "the same width may share an address");
            }
    }

    std::string source_;
};

}  // namespace

MapError::MapError(const std::string& source, int line, const std::string& reason)
    : std::runtime_error(source + (line > 0 ? ":" + std::to_string(line) : std::string()) + ": " + reason),
      source_(source), line_(line), reason_(reason) {}

std::uint64_t FieldDef::mask() const noexcept { return ones(width()) << lsb; }
std::uint64_t FieldDef::max_value() const noexcept { return ones(width()); }

const EnumValue* FieldDef::value_named(std::string_view wanted) const noexcept {
    for (const EnumValue& v : values)
        if (v.name == wanted) return &v;
    return nullptr;
}

const EnumValue* FieldDef::value_of(std::uint64_t wanted) const noexcept {
    for (const EnumValue& v : values)
        if (v.value == wanted) return &v;
    return nullptr;
}

std::uint64_t RegisterDef::max_value() const noexcept { return ones(width_bits); }

std::uint64_t RegisterDef::w1c_mask() const noexcept {
    std::uint64_t mask = 0;
    for (const FieldDef& f : fields)
        if (f.access == Access::w1c) mask |= f.mask();
    return mask;
}

std::uint64_t RegisterDef::w1s_mask() const noexcept {
    std::uint64_t mask = 0;
    for (const FieldDef& f : fields)
        if (f.access == Access::w1s) mask |= f.mask();
    return mask;
}

const FieldDef* RegisterDef::field(std::string_view wanted) const noexcept {
    for (const FieldDef& f : fields)
        if (f.name == wanted) return &f;
    return nullptr;
}

const RegisterDef* RegisterMap::find(std::string_view wanted) const noexcept {
    for (const RegisterDef& r : registers)
        if (r.name == wanted) return &r;
    return nullptr;
}

const RegisterDef* RegisterMap::at_offset(std::uint64_t offset) const noexcept {
    const RegisterDef* any = nullptr;
    for (const RegisterDef& r : registers) {
        if (r.offset != offset) continue;
        if (readable(r.access)) return &r;
        any = &r;
    }
    return any;
}

std::vector<const RegisterDef*> RegisterMap::overlapping(std::uint64_t offset, std::uint64_t length) const {
    std::vector<const RegisterDef*> found;
    for (const RegisterDef& r : registers)
        if (ranges_overlap(r.offset, r.width_bytes(), offset, length)) found.push_back(&r);
    return found;
}

RegisterMap parse_map(std::string_view yaml_text, const std::string& source) { return Parser(source).parse(yaml_text); }

RegisterMap load_map(const std::filesystem::path& file) {
    // An ifstream opens a directory and then reads nothing, which would look like an empty map.
    std::error_code ignored;
    if (std::filesystem::is_directory(file, ignored))
        throw MapError(file.string(), 0, "is a directory, not a register map file (give the map's .yaml file)");
    std::ifstream in(file, std::ios::binary);
    if (!in) throw MapError(file.string(), 0, "cannot open the register map: " + std::generic_category().message(errno));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw MapError(file.string(), 0, "cannot read the register map");
    return parse_map(text.str(), file.string());
}

std::string_view access_name(Access access) noexcept {
    switch (access) {
        case Access::ro: return "ro";
        case Access::wo: return "wo";
        case Access::rw: return "rw";
        case Access::w1c: return "w1c";
        case Access::w1s: return "w1s";
    }
    return "?";
}

}  // namespace uiokit::regmap
