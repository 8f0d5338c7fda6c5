// The register map parser: libyaml's events become a tree (yaml_tree.hpp), this file checks every
// key and value and reports the first problem with its line.
#include <uiokit/regmap/register_map.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <new>
#include <initializer_list>
#include <set>
#include <system_error>
#include <unordered_map>
#include <vector>

#include <uiokit/regmap/compiled_map.hpp>
#include <uiokit/regmap/numbers.hpp>
#include <uiokit/regmap/utf8.hpp>

#include "yaml_tree.hpp"

namespace uiokit::regmap {
namespace {

using yaml::Node;

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
    // block_name would be hidden by the block's name constant (block.read(ns::block_name) fails).
    return std::find(reserved.begin(), reserved.end(), name) != reserved.end() || name == "Block" ||
           name == "block_name";
}

// regtool's write takes these words for W1C and W1S fields, so on such a field a value called so
// could never be written by name. (On other fields value names come first.)
const char* file_type_name(mode_t mode) {
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISDIR(mode)) return "a directory";
    return "not a regular file";
}

bool is_write_keyword(std::string_view name) { return name == "clear" || name == "set"; }

// A generated register type inherits these from uiokit::Register, and a field type these from
// uiokit::Field (include/uiokit/register.hpp): a field or value of the same name would hide them.
bool is_register_member(std::string_view name) {
    static constexpr std::array<std::string_view, 10> members = {
        "register_type", "block_type", "value_type", "offset", "width_bytes", "reset", "w1c_mask", "w1s_mask",
        "access", "read_has_side_effects"};
    return std::find(members.begin(), members.end(), name) != members.end();
}
bool is_field_member(std::string_view name) {
    static constexpr std::array<std::string_view, 11> members = {
        "register_type", "value_type", "raw_type", "bit_range", "lsb", "width", "access", "mask", "val", "get",
        "values"};
    return std::find(members.begin(), members.end(), name) != members.end();
}

class Parser {
public:
    explicit Parser(std::string source) : source_(std::move(source)) {}

    RegisterMap parse(std::string_view text) {
        check_text(text);
        yaml::Document document = load(text);
        const Node root = document.root();
        if (!root.is_map()) fail(root, "the top level must be a mapping with format, name and registers");
        check_keys(root, {"format", "name", "description", "size", "registers"}, "the top level");

        const Node format = required(root, "format", "the top level");
        if (number(format, "format") != 1) fail(format, "format " + scalar(format, "format") + " is not supported (this is format 1)");

        RegisterMap map;
        map.source = source_;
        map.name = identifier(required(root, "name", "the top level"), "block name");
        if (const Node d = root["description"]) map.description = scalar(d, "description");

        const Node registers = required(root, "registers", "the top level");
        if (!registers.is_sequence() || registers.size() == 0)
            fail(registers, "'registers' must be a non-empty list of registers");
        for (std::size_t i = 0; i < registers.size(); ++i) map.registers.push_back(parse_register(registers.element(i)));

        // Ends compared without computing offset + width, which wraps for offsets near 2^64.
        if (const Node size = root["size"]) {
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
    // YAML is Unicode text: a map must be UTF-8 and free of the control characters YAML forbids.
    // Checked here first, to name the character, its line and column, and the likely cause (a NUL
    // byte: a binary file), where a YAML parser names only its own state.
    void check_text(std::string_view text) const {
        int line = 1;
        std::size_t line_start = 0;
        const auto column = [&](std::size_t at) { return std::to_string(at - line_start + 1); };
        for (std::size_t at = 0; at < text.size();) {
            const std::size_t n = utf8::sequence_length(text, at);
            const auto byte = static_cast<unsigned char>(text[at]);
            if (n == 0)
                fail_at(line, "the map is not valid UTF-8 text: byte " + hex_padded(byte, 8) + " at column " + column(at) +
                                  " (a register map is YAML, which is Unicode: save it as UTF-8)");
            std::uint32_t code = byte;
            if (n > 1) {
                code = byte & (0xFFU >> (n + 1));
                for (std::size_t i = 1; i < n; ++i) code = (code << 6U) | (static_cast<unsigned char>(text[at + i]) & 0x3FU);
            }
            const bool printable = code == 0x09 || code == 0x0A || code == 0x0D || (code >= 0x20 && code <= 0x7E) ||
                                   code == 0x85 || (code >= 0xA0 && code <= 0xFFFD) || code >= 0x10000;
            if (!printable) {
                std::string name = "U+" + hex_padded(code, 16).substr(2);
                for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                fail_at(line, "character " + name + (code == 0 ? " (a NUL byte)" : "") + " at column " + column(at) +
                                  " is a control character, which YAML does not allow in a file" +
                                  (code == 0 ? " (is this a binary file?)" : ""));
            }
            if (code == 0x0A) ++line, line_start = at + 1;
            at += n;
        }
    }

    [[noreturn]] void fail_at(int line, const std::string& reason) const { throw MapError(source_, line, reason); }
    [[noreturn]] void fail(const Node& at, const std::string& reason) const { fail_at(line_of(at), reason); }
    static int line_of(const Node& node) { return node.line(); }

    // libyaml reads the text; its complaints become MapErrors at their line.
    yaml::Document load(std::string_view text) const {
        try {
            return yaml::Document::parse(text);
        } catch (const yaml::SyntaxError& e) {
            switch (e.kind()) {
                case yaml::SyntaxError::Kind::syntax: fail_at(e.line(), std::string("YAML syntax: ") + e.what());
                case yaml::SyntaxError::Kind::too_deep: fail_at(e.line(), std::string(e.what()) + " (a register map needs 7)");
                case yaml::SyntaxError::Kind::aliases: fail_at(e.line(), e.what());
            }
            throw;
        }
    }

    [[noreturn]] void fail_unknown_key(const Node& at, const std::string& key,
                                       std::initializer_list<std::string_view> allowed, const std::string& where) const {
        std::string list;
        for (std::string_view a : allowed) {
            if (!list.empty()) list += ", ";
            list += a;
        }
        fail(at, "unknown key '" + key + "' in " + where + " (known keys: " + list + ")");
    }
    [[noreturn]] void fail_repeated_key(const Node& at, const std::string& key, const std::string& where) const {
        fail(at, "key '" + key + "' is given twice in " + where);
    }

    // Every key known and given once: a typo ("widht") must not silently fall back to a default.
    void check_keys(const Node& map, std::initializer_list<std::string_view> allowed, const std::string& where) const {
        std::set<std::string> seen;
        for (std::size_t i = 0; i < map.size(); ++i) {
            const Node key_node = map.key(i);
            if (!key_node.is_scalar()) fail(key_node, "a key in " + where + " is not a plain name");
            const std::string& key = key_node.scalar();
            if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) fail_unknown_key(key_node, key, allowed, where);
            if (!seen.insert(key).second) fail_repeated_key(key_node, key, where);
        }
    }

    Node required(const Node& map, const char* key, const std::string& where) const {
        Node value = map[key];
        if (!value || value.is_null()) fail(map, "missing '" + std::string(key) + "' in " + where);
        return value;
    }

    std::string scalar(const Node& node, const std::string& what) const {
        if (!node.is_scalar()) fail(node, what + " must be a single value, not a list or mapping");
        return node.scalar();
    }

    std::uint64_t number(const Node& node, const std::string& what) const {
        const std::string text = scalar(node, what);
        try {
            return parse_unsigned(text);
        } catch (const NumberError& e) {
            fail(node, "bad number for " + what + ": " + e.what());
        }
    }

    std::string identifier(const Node& node, const std::string& what) const {
        std::string name = scalar(node, what);
        if (!is_identifier(name))
            fail(node, what + " '" + name + "' is not a name (letters, digits and '_', not starting with a digit)");
        if (is_reserved(name))
            fail(node, what + " '" + name + "' is reserved (a C++ keyword, or the generator's 'Block' or 'block_name')");
        return name;
    }

    bool boolean(const Node& node, const std::string& what) const {
        const std::string text = scalar(node, what);
        if (text == "true") return true;
        if (text == "false") return false;
        fail(node, what + " must be true or false, not '" + text + "'");
    }

    Access access(const Node& node, const std::string& what, bool field) const {
        std::string text = scalar(node, what);
        std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
        if (text == "ro") return Access::ro;
        if (text == "wo") return Access::wo;
        if (text == "rw") return Access::rw;
        if (field && text == "w1c") return Access::w1c;
        if (field && text == "w1s") return Access::w1s;
        fail(node, what + " '" + node.scalar() + "' is not one of " + (field ? "ro, wo, rw, w1c, w1s" : "ro, wo, rw") +
                       (field ? "" : " (w1c and w1s belong to fields)"));
    }

    RegisterDef parse_register(const Node& node) const {
        if (!node.is_map()) fail(node, "each entry of 'registers' must be a mapping with name and offset");
        RegisterDef r;
        r.line = line_of(node);
        r.name = identifier(required(node, "name", "a register"), "register name");
        const std::string where = "register '" + r.name + "'";
        check_keys(node, {"name", "offset", "width", "reset", "access", "side-effect-on-read", "description", "fields"}, where);

        const Node offset = required(node, "offset", where);
        r.offset = number(offset, where + " offset");
        if (const Node width = node["width"]) {
            const std::uint64_t bits = number(width, where + " width");
            if (bits != 8 && bits != 16 && bits != 32 && bits != 64)
                fail(width, where + " width " + std::to_string(bits) + " is not 8, 16, 32 or 64");
            r.width_bits = static_cast<unsigned>(bits);
        }
        if (r.offset % r.width_bytes() != 0)
            fail(offset, where + " offset " + hex(r.offset) + " is not aligned to its width (" +
                             std::to_string(r.width_bits) + " bits: a multiple of " + std::to_string(r.width_bytes()) + ")");
        if (const Node reset = node["reset"]) {
            r.reset = number(reset, where + " reset");
            if (r.reset > r.max_value())
                fail(reset, where + " reset " + hex(r.reset) + " does not fit in " + std::to_string(r.width_bits) + " bits");
        }
        if (const Node a = node["access"]) r.access = access(a, where + " access", false);
        if (const Node s = node["side-effect-on-read"]) r.side_effect_on_read = boolean(s, where + " side-effect-on-read");
        if (const Node d = node["description"]) r.description = scalar(d, where + " description");
        if (r.side_effect_on_read && r.access == Access::wo)
            fail(node["side-effect-on-read"], where + " is write-only, so it has no read side effect");

        if (const Node fields = node["fields"]) {
            if (!fields.is_sequence()) fail(fields, where + " fields must be a list");
            for (std::size_t i = 0; i < fields.size(); ++i) r.fields.push_back(parse_field(fields.element(i), r));
            check_fields(r);
        }
        return r;
    }

    FieldDef parse_field(const Node& node, const RegisterDef& r) const {
        if (!node.is_map()) fail(node, "each field of register '" + r.name + "' must be a mapping with name and bits");
        FieldDef f;
        f.line = line_of(node);
        f.name = identifier(required(node, "name", "a field of register '" + r.name + "'"), "field name");
        const std::string where = "field '" + r.name + "." + f.name + "'";
        check_keys(node, {"name", "bits", "access", "values", "description"}, where);
        if (f.name == r.name) fail(node, where + " has its register's name (the generated header needs them distinct)");
        if (is_register_member(f.name))
            fail(node, where + ": '" + f.name + "' is reserved (a member of every generated register type)");

        const Node bits = required(node, "bits", where);
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
        if (const Node a = node["access"]) {
            f.access = access(a, where + " access", true);
            const bool fits = r.access == Access::rw || (r.access == Access::ro && f.access == Access::ro) ||
                              (r.access == Access::wo && f.access != Access::ro && f.access != Access::rw);
            if (!fits)
                fail(a, where + " access " + std::string(access_name(f.access)) + " does not fit its " +
                            std::string(access_name(r.access)) + " register");
        }
        if (const Node d = node["description"]) f.description = scalar(d, where + " description");
        if (const Node values = node["values"]) {
            if (!values.is_sequence()) fail(values, where + " values must be a list of {name, value}");
            // Hashed: a field may list many values, and comparing each with all before it was quadratic.
            std::unordered_map<std::string, std::size_t> by_name;
            std::unordered_map<std::uint64_t, std::size_t> by_value;
            for (std::size_t i = 0; i < values.size(); ++i) {
                const Node value_node = values.element(i);
                EnumValue v = parse_value(value_node, f, where);
                if (by_name.contains(v.name)) fail(value_node, "duplicate value name '" + v.name + "' in " + where);
                if (const auto same = by_value.find(v.value); same != by_value.end())
                    fail(value_node, "value '" + v.name + "' of " + where + " has the same value " + hex(v.value) + " as '" +
                                   f.values[same->second].name + "'");
                by_name.emplace(v.name, f.values.size());
                by_value.emplace(v.value, f.values.size());
                f.values.push_back(std::move(v));
            }
        }
        return f;
    }

    EnumValue parse_value(const Node& node, const FieldDef& f, const std::string& field_where) const {
        if (!node.is_map()) fail(node, "each value of " + field_where + " must be a mapping with name and value");
        EnumValue v;
        const Node name = required(node, "name", "a value of " + field_where);
        v.name = identifier(name, "value name");
        const std::string where = "value '" + v.name + "' of " + field_where;
        if (is_write_keyword(v.name) && (f.access == Access::w1c || f.access == Access::w1s))
            fail(name, where + ": '" + v.name + "' is reserved on a " + std::string(access_name(f.access)) +
                           " field (regtool write takes 'clear' and 'set' for W1C and W1S fields, so a value of that " +
                           "name could not be written); choose another name");
        if (is_field_member(v.name) || v.name == f.name)
            fail(name, where + ": '" + v.name + "' is reserved (" +
                           (v.name == f.name ? std::string("the field's own name") : "a member of every generated field type") +
                           ", the generated header could not name the value); choose another name");
        // A one-bit field's generated type has set() and clear(); a wider one's may take the names.
        if (is_write_keyword(v.name) && f.width() == 1)
            fail(name, where + ": '" + v.name + "' is reserved on a one-bit field (its generated type's " + v.name +
                           "() writes " + (v.name == "set" ? "1" : "0") + "); choose another name");
        check_keys(node, {"name", "value", "description"}, where);
        const Node value = required(node, "value", where);
        v.value = number(value, where);
        if (!f.fits(v.value))
            fail(value, where + ": " + hex(v.value) + " does not fit in the field's " + std::to_string(f.width()) + " bits");
        if (const Node d = node["description"]) v.description = scalar(d, where + " description");
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
                // The generated header names a field's values enum NAME_value.
                for (const auto& [named, other] : {std::pair{&a, &b}, std::pair{&b, &a}})
                    if (!named->values.empty() && other->name == named->name + "_value")
                        fail_at(b.line, "field '" + r.name + "." + other->name + "' has the name of field '" +
                                            named->name + "''s values type in the generated header; rename one");
                if ((a.mask() & b.mask()) != 0)
                    fail_at(b.line, "field '" + r.name + "." + b.name + "' (bits " + std::to_string(b.msb) + ":" +
                                        std::to_string(b.lsb) + ") overlaps field '" + a.name + "' (bits " +
                                        std::to_string(a.msb) + ":" + std::to_string(a.lsb) + ", line " +
                                        std::to_string(a.line) + ")");
            }
        std::sort(r.fields.begin(), r.fields.end(), [](const FieldDef& a, const FieldDef& b) { return a.lsb < b.lsb; });
    }

    // Duplicate names and overlapping registers, in O(n log n): with a few thousand registers the
    // pairwise comparison was most of the parse (a 100k-register map took seconds). Names go
    // through a hash set. A register is at most 64 bits wide and aligned to its width, so it lies
    // inside one 8-byte-aligned block, and only registers of the same block can overlap: each block
    // is checked on its own, in the order the map lists its registers. Of all conflicts, the one
    // reported is at the earliest register (in the map's order) that conflicts with one listed
    // before it, paired with the first of those.
    void check_registers(const RegisterMap& map) const {
        const auto& regs = map.registers;
        constexpr std::size_t none = ~std::size_t{0};
        std::size_t dup_at = none;
        std::size_t dup_first = none;
        std::unordered_map<std::string_view, std::size_t> first_named;
        first_named.reserve(regs.size());
        for (std::size_t j = 0; j < regs.size() && dup_at == none; ++j) {
            const auto [it, inserted] = first_named.emplace(regs[j].name, j);
            if (!inserted) dup_at = j, dup_first = it->second;
        }

        std::vector<std::size_t> order(regs.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            const std::uint64_t block_a = regs[a].offset / 8;
            const std::uint64_t block_b = regs[b].offset / 8;
            return block_a != block_b ? block_a < block_b : a < b;
        });
        std::size_t overlap_at = none;
        std::size_t overlap_first = none;
        for (std::size_t start = 0; start < order.size();) {
            std::size_t end = start + 1;
            while (end < order.size() && regs[order[end]].offset / 8 == regs[order[start]].offset / 8) ++end;
            // Registers of one block in the map's order: until the first conflict, those before
            // are pairwise compatible (at most 16 in 8 bytes: ro/wo pairs), so this is short.
            for (std::size_t k = start + 1; k < end; ++k) {
                const std::size_t b = order[k];
                if (b >= overlap_at) break;
                std::size_t a_found = none;
                for (std::size_t m = start; m < k && a_found == none; ++m)
                    if (conflicting(regs[order[m]], regs[b])) a_found = order[m];
                if (a_found != none) {
                    overlap_at = b, overlap_first = a_found;
                    break;
                }
            }
            start = end;
        }

        if (dup_at != none && dup_at <= overlap_at) {
            const RegisterDef& a = regs[dup_first];
            const RegisterDef& b = regs[dup_at];
            fail_at(b.line, "duplicate register name '" + b.name + "' (first at line " + std::to_string(a.line) + ")");
        }
        if (overlap_at != none) {
            const RegisterDef& a = regs[overlap_first];
            const RegisterDef& b = regs[overlap_at];  // defined later in the file
            fail_at(b.line, "register '" + b.name + "' at " + hex(b.offset) + " (" + std::to_string(b.width_bits) +
                                "-bit) overlaps register '" + a.name + "' at " + hex(a.offset) + " (" +
                                std::to_string(a.width_bits) + "-bit, line " + std::to_string(a.line) +
                                "); only a read-only and a write-only register at the same offset and of " +
                                "the same width may share an address");
        }
    }

    // Whether two registers overlap in a way the format forbids. A read-only and a write-only
    // register may share an address (e.g. a UART's RBR/THR), exactly: an access by offset then is
    // one of them, chosen by reading or writing.
    static bool conflicting(const RegisterDef& a, const RegisterDef& b) {
        if (!ranges_overlap(a.offset, a.width_bytes(), b.offset, b.width_bytes())) return false;
        const bool split_access = ((a.access == Access::ro && b.access == Access::wo) ||
                                   (a.access == Access::wo && b.access == Access::ro)) &&
                                  a.offset == b.offset && a.width_bits == b.width_bits;
        return !split_access;
    }

    std::string source_;
};

}  // namespace

MapError::MapError(const std::string& source, int line, const std::string& reason)
    : std::runtime_error(source + (line > 0 ? ":" + std::to_string(line) : std::string()) + ": " + reason),
      source_(source), line_(line), reason_(reason) {}

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

std::string read_map_file(const std::filesystem::path& file) {
    const std::string source = file.string();
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, before any check.
    const int fd = ::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) throw MapError(source, 0, "cannot open the register map: " + std::generic_category().message(errno));
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) < 0) throw MapError(source, 0, "cannot stat the register map: " + std::generic_category().message(errno));
    // Only a regular file has an end known in advance: a FIFO, /dev/zero or /dev/urandom would be
    // read for ever (or until memory runs out).
    if (S_ISDIR(st.st_mode))
        throw MapError(source, 0, "is a directory, not a register map file (give the map's .yaml file)");
    if (!S_ISREG(st.st_mode))
        throw MapError(source, 0, std::string("is ") + file_type_name(st.st_mode) +
                                      ", not a regular file: a register map must be a regular file");
    const auto too_big = [&](const std::string& size) {
        return MapError(source, 0, "is " + size + ", more than a register map may be (" + std::to_string(max_map_file_size) +
                                       " bytes, 16 MiB)");
    };
    if (static_cast<std::uint64_t>(st.st_size) > max_map_file_size) throw too_big(std::to_string(st.st_size) + " bytes");
    if (::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0)
        throw MapError(source, 0, "cannot read the register map: " + std::generic_category().message(errno));
    // Read at most one byte more than the limit: a file that grows while it is read is refused too.
    std::string text;
    try {
        text.resize(static_cast<std::size_t>(st.st_size) + 1);
        std::size_t filled = 0;
        for (;;) {
            if (filled == text.size()) {
                if (text.size() > max_map_file_size) throw too_big("more than that (it grew while being read)");
                text.resize(std::min<std::size_t>(text.size() * 2, max_map_file_size + 1));
            }
            const ssize_t n = ::read(fd, text.data() + filled, text.size() - filled);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw MapError(source, 0, "cannot read the register map: " + std::generic_category().message(errno));
            if (n == 0) break;
            filled += static_cast<std::size_t>(n);
        }
        text.resize(filled);
        return text;
    } catch (const std::bad_alloc&) {
        throw MapError(source, 0, "out of memory while reading and checking the register map (" + std::to_string(text.size()) +
                                      " bytes)");
    }
}

RegisterMap load_map(const std::filesystem::path& file) {
    const std::string text = read_map_file(file);
    try {
        return parse_map(text, file.string());
    } catch (const std::bad_alloc&) {
        throw MapError(file.string(), 0, "out of memory while reading and checking the register map (" +
                                             std::to_string(text.size()) + " bytes)");
    }
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
