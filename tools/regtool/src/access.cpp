// Addresses and values from the command line, and the register accesses they turn into.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdlib>

#include <uiokit/bits.hpp>
#include <uiokit/regmap/numbers.hpp>

#include "core.hpp"

namespace regtool {

using uiokit::regmap::hex;

namespace {

using uiokit::bits::ones;

std::string bits_suffix(const Location& l) {
    if (!l.has_bits) return "";
    return "[" + std::to_string(l.msb) + (l.msb != l.lsb ? ":" + std::to_string(l.lsb) : "") + "]";
}

std::string register_names(const RegisterMap& map) {
    std::string list;
    for (const RegisterDef& r : map.registers) list += (list.empty() ? "" : ", ") + r.name;
    return list;
}

std::string field_names(const RegisterDef& reg) {
    std::string list;
    for (const FieldDef& f : reg.fields) list += (list.empty() ? "" : ", ") + f.name;
    return list.empty() ? "it has no fields" : "its fields: " + list;
}

}  // namespace

void check_output(std::ostream& out) {
    out.flush();
    if (out) return;
    // errno is not reliable here (the failed write may be long past): no reason is guessed.
    throw OutputError("cannot write to standard output (a full disk or device, or a closed file?): the output is incomplete");
}

std::uint64_t parse_number(const std::string& text, const std::string& what) {
    try {
        return uiokit::regmap::parse_unsigned(text);
    } catch (const uiokit::regmap::NumberError& e) {
        throw UsageError(what + ": " + e.what());
    }
}

unsigned parse_width(const std::string& text) {
    const std::uint64_t width = parse_number(text, "--width");
    if (width != 8 && width != 16 && width != 32 && width != 64)
        throw UsageError("--width " + text + ": the access width is 8, 16, 32 or 64 bits");
    return static_cast<unsigned>(width);
}

std::chrono::nanoseconds parse_duration(const std::string& text, const std::string& what) {
    std::size_t unit_at = text.size();
    while (unit_at > 0 && std::isalpha(static_cast<unsigned char>(text[unit_at - 1]))) --unit_at;
    const std::string number = text.substr(0, unit_at);
    const std::string unit = text.substr(unit_at);
    if (number.empty()) throw UsageError(what + " '" + text + "' is not a duration (e.g. 500ms, 2s, 1.5)");
    double scale = 1e9;  // seconds without a unit
    if (unit == "ms") scale = 1e6;
    else if (unit == "us") scale = 1e3;
    else if (unit == "m" || unit == "min") scale = 60e9;
    else if (!unit.empty() && unit != "s")
        throw UsageError(what + " '" + text + "': unknown unit '" + unit + "' (use us, ms, s or m)");
    // Digits with at most one '.', checked before strtod, which also takes signs, spaces, exponents
    // and hex floats ("0x10" would be 16 s).
    const auto is_digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
    const bool decimal = std::any_of(number.begin(), number.end(), is_digit) &&
                         std::all_of(number.begin(), number.end(), [&](char c) { return is_digit(c) || c == '.'; }) &&
                         std::count(number.begin(), number.end(), '.') <= 1;
    if (!decimal)
        throw UsageError(what + " '" + text + "' is not a duration: a decimal number of seconds, or with a unit " +
                         "(e.g. 500ms, 2s, 1.5)");
    char* end = nullptr;
    const double value = std::strtod(number.c_str(), &end);
    if (end != number.c_str() + number.size() || !std::isfinite(value))
        throw UsageError(what + " '" + text + "' is not a duration (e.g. 500ms, 2s, 1.5)");
    const double ns = value * scale;
    if (ns > 1e18) throw UsageError(what + " '" + text + "' is too long");
    return std::chrono::nanoseconds(static_cast<std::int64_t>(ns));
}

std::string format_value(std::uint64_t value, unsigned width_bits, Radix radix) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string text;
    switch (radix) {
        case Radix::dec: return std::to_string(value);
        case Radix::hex:
            text = "0x";
            for (int shift = static_cast<int>((width_bits + 3) / 4 * 4) - 4; shift >= 0; shift -= 4)
                text += digits[(value >> shift) & 0xF];
            return text;
        case Radix::bin:
            text = "0b";
            for (int bit = static_cast<int>(width_bits) - 1; bit >= 0; --bit) text += ((value >> bit) & 1) ? '1' : '0';
            return text;
    }
    return text;
}

std::string field_value_text(const FieldDef& field, std::uint64_t value, Radix radix) {
    std::string text = format_value(value, field.width(), radix);
    if (const auto* named = field.value_of(value)) text += " (" + named->name + ")";
    return text;
}

std::uint64_t read_value(const uiokit::Region& region, std::uint64_t offset, unsigned width_bits) {
    const auto at = static_cast<std::size_t>(offset);
    switch (width_bits) {
        case 8: return region.read_guarded<std::uint8_t>(at);
        case 16: return region.read_guarded<std::uint16_t>(at);
        case 32: return region.read_guarded<std::uint32_t>(at);
        default: return region.read_guarded<std::uint64_t>(at);
    }
}

void write_value(const uiokit::Region& region, std::uint64_t offset, unsigned width_bits, std::uint64_t value) {
    const auto at = static_cast<std::size_t>(offset);
    switch (width_bits) {
        case 8: region.write_guarded<std::uint8_t>(at, static_cast<std::uint8_t>(value)); break;
        case 16: region.write_guarded<std::uint16_t>(at, static_cast<std::uint16_t>(value)); break;
        case 32: region.write_guarded<std::uint32_t>(at, static_cast<std::uint32_t>(value)); break;
        default: region.write_guarded<std::uint64_t>(at, value); break;
    }
}

bool Location::readable() const {
    return !reg || (uiokit::readable(reg->access) && (!field || uiokit::readable(field->access)));
}

bool Location::writable() const {
    return !reg || (uiokit::writable(reg->access) && (!field || uiokit::writable(field->access)));
}

std::string Location::label() const {
    const bool named = !text.empty() && !std::isdigit(static_cast<unsigned char>(text.front()));
    if (named) {
        const std::string name = field ? reg->name + "." + field->name : reg->name;
        return name + " (" + hex(offset) + bits_suffix(*this) + ")";
    }
    return hex(offset) + bits_suffix(*this) + (reg ? " (" + reg->name + ")" : "");
}

// Register names are identifiers (docs/register-maps.md): they start with an ASCII letter or '_'.
// Anything else that is not a number (" 4", "٤", "４", ":7:4") is neither, not a name to look up.
bool names_a_register(const std::string& text) {
    if (text.empty()) return false;
    const auto first = static_cast<unsigned char>(text.front());
    return first < 0x80 && (std::isalpha(first) || first == '_');
}

void load_map_for(Target& target, const std::vector<std::string>& addresses) {
    if (!target.options.map_file.empty()) (void)target.load_map(Target::MapNeed::required, "--map");
    for (const std::string& text : addresses) {
        const std::string address = text.substr(0, text.find('='));
        if (names_a_register(address)) {
            (void)target.load_map(Target::MapNeed::required, "register name '" + address + "'");
            return;
        }
    }
}

namespace {

// The width of an access by offset: --width, else that of the map's register starting there, else 32.
unsigned offset_access_width(const RegisterMap* map, std::uint64_t offset, unsigned width_option) {
    if (width_option) return width_option;
    if (const RegisterDef* reg = map ? map->at_offset(offset) : nullptr) return reg->width_bits;  // a ro/wo pair has one width
    return 32;
}

// The register of the map that an access by offset is: the one at exactly that offset and width
// (of a read-only/write-only pair, the one that can do what is asked), or none when the access
// touches no register. An access that overlaps a register without being exactly it would bypass
// the register's rules (read-only, W1C flags written back as 1, read side effects): refused.
const RegisterDef* register_at(const Target& target, std::uint64_t offset, unsigned width_bits, Intent intent,
                               const std::string& what) {
    const RegisterMap& map = *target.map();
    const RegisterDef* exact = nullptr;
    std::vector<const RegisterDef*> partial;
    for (const RegisterDef* r : map.overlapping(offset, width_bits / 8)) {
        if (r->offset != offset || r->width_bits != width_bits) {
            partial.push_back(r);
            continue;
        }
        const bool can = intent == Intent::write ? uiokit::writable(r->access) : uiokit::readable(r->access);
        if (!exact || can) exact = r;
    }
    if (partial.empty()) return exact;

    const bool one = partial.size() == 1;
    std::string listed;
    std::string names;
    for (const RegisterDef* r : partial) {
        listed += (listed.empty() ? "" : ", ") + r->name + " (" + hex(r->offset) + ", " + std::to_string(r->width_bits) + "-bit)";
        names += (names.empty() ? "" : ", ") + r->name;
    }
    std::string fix = one ? "use the register's name (" + names + "; " + names + ":HI:LO or a field for part of it)"
                          : "use the registers' names (" + names + ")";
    if (one && partial.front()->offset == offset) fix += " or its width (--width " + std::to_string(partial.front()->width_bits) + ")";
    fix += target.options.map_file.empty()
               ? ", or access the raw offset without the map: --no-map, in a command that names no registers"
               : ", or access the raw offset without the map: leave out --map, in a command that names no registers";
    throw UsageError(what + ": a " + std::to_string(width_bits) + "-bit access at " + hex(offset) + " overlaps " +
                     (one ? "register " : "registers ") + listed + " of map " + map.name + " but is not " +
                     (one ? "that register" : "one of them") +
                     ", so the map's rules (access, write-1-to-clear bits, read side effects) would be bypassed; " + fix);
}

}  // namespace

Location resolve_location(const std::string& text, Target& target, unsigned width_option, Intent intent) {
    const std::string what = "address '" + text + "'";
    Location loc;
    loc.text = text;
    const auto colon = text.find(':');
    const std::string base = text.substr(0, colon);
    const auto is_number_start = [](const std::string& t) {
        return !t.empty() && std::isdigit(static_cast<unsigned char>(t.front())) != 0;
    };
    if (!is_number_start(base) && !names_a_register(base))
        throw UsageError(what + ": " + (base.empty() ? "nothing before ':', which" : "'" + base + "'") +
                         " is neither a number nor a register name (a number starts with a digit: decimal, 0x hex or "
                         "0b binary; a name with a letter or '_')");

    const bool by_offset = !names_a_register(base);
    if (by_offset) {
        loc.offset = parse_number(base, what);
        loc.width_bits = offset_access_width(target.map(), loc.offset, width_option);
    } else {
        const auto dot = base.find('.');
        const std::string reg_name = base.substr(0, dot);
        const RegisterMap* map = target.load_map(Target::MapNeed::required, "register name '" + text + "'");
        loc.reg = map->find(reg_name);
        if (!loc.reg)
            throw UsageError(what + ": no register '" + reg_name + "' in map " + map->name + " (" + target.map_origin() +
                             "); its registers: " + register_names(*map));
        if (dot != std::string::npos) {
            const std::string field_name = base.substr(dot + 1);
            loc.field = loc.reg->field(field_name);
            if (!loc.field)
                throw UsageError(what + ": register " + reg_name + " has no field '" + field_name + "'; " + field_names(*loc.reg));
            loc.has_bits = true;
            loc.msb = loc.field->msb;
            loc.lsb = loc.field->lsb;
        }
        loc.offset = loc.reg->offset;
    }

    if (loc.reg) {
        loc.width_bits = loc.reg->width_bits;
        if (width_option && width_option != loc.width_bits)
            throw UsageError(what + ": register " + loc.reg->name + " is " + std::to_string(loc.width_bits) +
                             "-bit; --width " + std::to_string(width_option) + " contradicts the map");
    }

    if (colon != std::string::npos) {
        if (loc.field) throw UsageError(what + ": a field already selects its bits; drop the bit range");
        const std::string range = text.substr(colon + 1);
        const auto second = range.find(':');
        const std::uint64_t high = parse_number(range.substr(0, second), what + " high bit");
        const std::uint64_t low = second == std::string::npos ? high : parse_number(range.substr(second + 1), what + " low bit");
        if (high < low) throw UsageError(what + ": write the high bit first (" + std::to_string(low) + ":" + std::to_string(high) + ")");
        if (high >= loc.width_bits)
            throw UsageError(what + ": bit " + std::to_string(high) + " is beyond the " + std::to_string(loc.width_bits) +
                             "-bit access (use --width)");
        loc.has_bits = true;
        loc.msb = static_cast<unsigned>(high);
        loc.lsb = static_cast<unsigned>(low);
    }

    const unsigned bytes = loc.width_bits / 8;
    if (loc.offset % bytes != 0)
        throw UsageError(what + ": offset " + hex(loc.offset) + " is not aligned to the " + std::to_string(loc.width_bits) +
                         "-bit access (a multiple of " + std::to_string(bytes) + ")");
    // The address too: a window (--devmem PHYS, --file at an offset) may start off alignment, and the
    // access would then be refused only when made, after earlier writes of the same command.
    if ((reinterpret_cast<std::uintptr_t>(target.region.base()) + loc.offset) % bytes != 0)
        throw UsageError(what + ": the window starts off " + std::to_string(bytes) + "-byte alignment, so a " +
                         std::to_string(loc.width_bits) + "-bit access at offset " + hex(loc.offset) + " is misaligned");
    if (loc.offset >= target.region.size() || bytes > target.region.size() - loc.offset) {
        // The window is what was mapped: a whole file, --size bytes of it, a UIO map.
        const std::string window = "the " + hex(target.region.size()) + "-byte window of " + target.describe() +
                                   (target.options.size ? " (--size " + hex(*target.options.size) + ")" : std::string()) +
                                   target.bound_note();
        if (loc.offset < target.region.size())
            throw UsageError(what + ": the " + std::to_string(loc.width_bits) + "-bit access at offset " + hex(loc.offset) +
                             " runs past the end of " + window + ", which ends at " + hex(target.region.size()));
        throw UsageError(what + ": offset " + hex(loc.offset) + " is outside " + window);
    }
    // An offset that is a register of an already loaded map gets its name and rules.
    if (by_offset && target.map()) loc.reg = register_at(target, loc.offset, loc.width_bits, intent, what);
    return loc;
}

PlannedWrite plan_write(const std::string& argument, Target& target, unsigned width_option, bool force) {
    const auto eq = argument.find('=');
    if (eq == std::string::npos) throw UsageError("'" + argument + "' is not ADDR=VALUE");
    const std::string value_text = argument.substr(eq + 1);
    PlannedWrite plan;
    plan.location = resolve_location(argument.substr(0, eq), target, width_option, Intent::write);
    const Location& loc = plan.location;
    const std::string what = "'" + argument + "'";
    if (value_text.empty()) throw UsageError(what + ": no value after '='");

    if (!loc.writable()) {
        if (loc.field && uiokit::writable(loc.reg->access))
            throw UsageError(what + ": field " + loc.reg->name + "." + loc.field->name + " is read-only");
        throw UsageError(what + ": register " + loc.reg->name + " is read-only");
    }

    const unsigned value_bits = loc.has_bits ? loc.msb - loc.lsb + 1 : loc.width_bits;
    const uiokit::Access field_access = loc.field ? loc.field->access : uiokit::Access::rw;
    const std::string target_name = loc.field ? "field " + loc.reg->name + "." + loc.field->name
                                              : loc.has_bits ? "bits " + loc.label() : "register " + loc.label();
    const uiokit::regmap::EnumValue* named_value = loc.field ? loc.field->value_named(value_text) : nullptr;
    if (!named_value && (value_text == "clear" || value_text == "set")) {
        const auto wanted = value_text == "clear" ? uiokit::Access::w1c : uiokit::Access::w1s;
        if (!loc.field || field_access != wanted)
            throw UsageError(what + ": '" + value_text + "' is only for write-1-to-" + value_text + " fields; " + target_name +
                             (loc.field ? " is " + std::string(uiokit::regmap::access_name(field_access)) : " is not a field"));
        plan.value = ones(value_bits);
    } else if (named_value) {
        plan.value = named_value->value;
    } else if (loc.field && !loc.field->values.empty() && !std::isdigit(static_cast<unsigned char>(value_text.front()))) {
        const auto* named = loc.field->value_named(value_text);
        if (!named) {
            std::string names;
            for (const auto& v : loc.field->values) names += (names.empty() ? "" : ", ") + v.name;
            throw UsageError(what + ": " + target_name + " has no value named '" + value_text + "'; its values: " + names);
        }
        plan.value = named->value;
    } else {
        plan.value = parse_number(value_text, what + " value");
    }
    if (plan.value > ones(value_bits))
        throw UsageError(what + ": value " + hex(plan.value) + " does not fit in the " + std::to_string(value_bits) + "-bit " +
                         target_name + " (at most " + hex(ones(value_bits)) + ")");

    plan.merge = write_merge(loc, plan.value);
    const bool register_readable = !loc.reg || uiokit::readable(loc.reg->access);
    const bool side_effects = loc.reg && loc.reg->side_effect_on_read;
    plan.can_read = register_readable && (!side_effects || force);
    if (loc.has_bits) {
        if (!register_readable) {
            // Nothing to read back: the other bits take their reset value, as RegisterBlock::write does.
            plan.base_without_read = loc.reg->reset;
        } else if (side_effects && !force) {
            throw UsageError(what + ": changing part of " + loc.reg->name + " reads it first, and reading " + loc.reg->name +
                             " has side effects; give --force to do it anyway, or write the whole register");
        } else {
            plan.read_modify_write = true;
        }
    }
    return plan;
}

WriteMerge write_merge(const Location& loc, std::uint64_t value) {
    WriteMerge merge;
    merge.mask = loc.bits_mask();
    merge.bits = uiokit::bits::prepare(loc.bit_range(), value);
    if (loc.reg) {
        merge.w1c_mask = loc.reg->w1c_mask();
        merge.w1s_mask = loc.reg->w1s_mask();
    }
    return merge;
}

std::uint64_t WriteMerge::written(std::uint64_t base) const noexcept {
    return uiokit::bits::update(base, mask, bits, w1c_mask, w1s_mask);
}

WriteResult perform_write(const PlannedWrite& plan, const uiokit::Region& region, WriteMode mode) {
    const Location& loc = plan.location;
    WriteResult result;
    std::optional<std::uint64_t> old;
    if (plan.can_read && (mode != WriteMode::w || plan.read_modify_write)) old = read_value(region, loc.offset, loc.width_bits);
    // A whole-register write's mask is every bit: the base does not matter.
    const std::uint64_t raw = plan.merge.written(plan.read_modify_write ? *old : plan.base_without_read);
    write_value(region, loc.offset, loc.width_bits, raw);
    result.written_raw = raw;
    if (mode != WriteMode::w) result.old_raw = old;
    if (mode == WriteMode::rwr && plan.can_read) result.readback_raw = read_value(region, loc.offset, loc.width_bits);
    return result;
}

}  // namespace regtool
