// list, info, read, write and dump.
#include <uiokit/discovery.hpp>
#include <uiokit/regmap/numbers.hpp>

#include "commands.hpp"

namespace regtool {

using uiokit::regmap::access_name;
using uiokit::regmap::hex;

std::string Invocation::take_device() {
    if (has_file_target()) return "";
    if (args.empty())
        throw UsageError("no device given (a name, uioN, /dev/uioN or 0xPHYS, optionally :MAP; or --file PATH)");
    std::string device = args.front();
    args.erase(args.begin());
    return device;
}

void begin_json(JsonWriter& json, const std::string& command) {
    json.begin_object().field("regtool", 1).field("command", command);
}

namespace {

void write_device_json(JsonWriter& json, const uiokit::DeviceInfo& d) {
    json.begin_object()
        .field("index", d.index)
        .field("device", "uio" + std::to_string(d.index))
        .field("name", d.name)
        .field("version", d.version)
        .field("events", static_cast<std::uint64_t>(d.event_count))
        .field("dev_node", d.dev_node.string())
        .field("of_node", d.of_node);
    write_maps_json(json, d);
    json.end_object();
}

void print_device(std::ostream& out, const uiokit::DeviceInfo& d) {
    out << "uio" << d.index << " '" << d.name << "': version " << d.version << ", " << d.event_count
        << " interrupts, node " << d.of_node.value_or("(none)") << ", " << d.dev_node.string() << '\n';
    print_maps(out, d);
}

}  // namespace

void write_maps_json(JsonWriter& json, const uiokit::DeviceInfo& d) {
    json.key("maps").begin_array();
    for (const auto& m : d.maps)
        json.begin_object()
            .field("index", m.index)
            .field("name", m.name)
            .field("addr", m.addr)
            .field("size", m.size)
            .field("offset", m.offset)
            .field("start", m.start())
            .field("window_size", m.window_size())
            .field("reg_size", m.reg_size)
            .field("bound", m.bound())
            .end_object();
    json.end_array();
}

void print_maps(std::ostream& out, const uiokit::DeviceInfo& d) {
    for (const auto& m : d.maps) {
        out << "  map" << m.index << " '" << m.name << "': registers at " << hex(m.start()) << ", " << hex(m.bound())
            << " bytes";
        if (m.reg_size) out << " by DT reg, " << hex(m.window_size()) << " to the page end";
        out << " (addr " << hex(m.addr) << " size " << hex(m.size) << " offset " << hex(m.offset) << ")\n";
    }
    if (d.maps.empty()) out << "  no memory maps\n";
}

namespace {

void write_fields_json(JsonWriter& json, const RegisterDef& reg, std::optional<std::uint64_t> raw) {
    json.key("fields").begin_array();
    for (const FieldDef& f : reg.fields) {
        json.begin_object().field("name", f.name).field("msb", f.msb).field("lsb", f.lsb).field("access", access_name(f.access));
        if (raw && uiokit::readable(f.access)) {
            const std::uint64_t v = f.extract(*raw);
            json.field("value", v);
            const auto* named = f.value_of(v);
            json.key("enum");
            named ? json.value(named->name) : json.null();
        } else {
            json.key("value").null().key("enum").null();
        }
        json.end_object();
    }
    json.end_array();
}

void print_fields(std::ostream& out, const RegisterDef& reg, std::uint64_t raw, Radix radix, const std::string& indent) {
    for (const FieldDef& f : reg.fields) {
        out << indent << f.name << '[' << f.msb;
        if (f.msb != f.lsb) out << ':' << f.lsb;
        out << "] = ";
        if (uiokit::readable(f.access))
            out << field_value_text(f, f.extract(raw), radix);
        else
            out << "(write-only)";
        if (f.access == uiokit::Access::w1c || f.access == uiokit::Access::w1s) out << " (" << access_name(f.access) << ')';
        out << '\n';
    }
}

void write_map_json(JsonWriter& json, const RegisterMap& map, const std::string& origin) {
    json.key("map").begin_object();
    json.field("name", map.name).field("source", origin).field("description", map.description).field("size", map.size);
    json.key("registers").begin_array();
    for (const RegisterDef& r : map.registers) {
        json.begin_object()
            .field("name", r.name)
            .field("offset", r.offset)
            .field("width", r.width_bits)
            .field("access", access_name(r.access))
            .field("reset", r.reset)
            .field("side_effect_on_read", r.side_effect_on_read)
            .field("description", r.description);
        json.key("fields").begin_array();
        for (const FieldDef& f : r.fields) {
            json.begin_object()
                .field("name", f.name)
                .field("msb", f.msb)
                .field("lsb", f.lsb)
                .field("access", access_name(f.access))
                .field("description", f.description);
            json.key("values").begin_array();
            for (const auto& v : f.values)
                json.begin_object().field("name", v.name).field("value", v.value).field("description", v.description).end_object();
            json.end_array().end_object();
        }
        json.end_array().end_object();
    }
    json.end_array().end_object();
}

void print_map(std::ostream& out, const RegisterMap& map, const std::string& origin) {
    out << "register map " << map.name << " from " << origin << ": " << map.registers.size() << " registers, "
        << hex(map.size) << " bytes";
    if (!map.description.empty()) out << " (" << map.description << ')';
    out << '\n';
    for (const RegisterDef& r : map.registers) {
        out << "  " << hex(r.offset) << ' ' << r.name << ": " << r.width_bits << "-bit " << access_name(r.access);
        if (r.reset) out << ", reset " << hex(r.reset);
        if (r.side_effect_on_read) out << ", read has side effects";
        if (!r.description.empty()) out << " - " << r.description;
        out << '\n';
        for (const FieldDef& f : r.fields) {
            out << "      " << f.name << '[' << f.msb;
            if (f.msb != f.lsb) out << ':' << f.lsb;
            out << "] " << access_name(f.access);
            for (const auto& v : f.values) out << ", " << v.name << '=' << v.value;
            if (!f.description.empty()) out << " - " << f.description;
            out << '\n';
        }
    }
}

std::string mode_name(WriteMode mode) { return mode == WriteMode::w ? "w" : mode == WriteMode::rw ? "rw" : "rwr"; }

void write_location_json(JsonWriter& json, const Location& l) {
    json.field("address", l.text);
    json.key("register");
    l.reg ? json.value(l.reg->name) : json.null();
    json.key("field");
    l.field ? json.value(l.field->name) : json.null();
    json.field("offset", l.offset).field("width", l.width_bits);
    json.key("bits");
    if (l.has_bits)
        json.begin_array().value(l.msb).value(l.lsb).end_array();
    else
        json.null();
}

// The error for reading a location that cannot be read: a write-only register or field.
std::string write_only_message(const std::string& text, const Location& loc) {
    const std::string what = loc.field && uiokit::readable(loc.reg->access)
                                 ? "field " + loc.reg->name + "." + loc.field->name
                                 : "register " + loc.reg->name;
    return "address '" + text + "': " + what + " is write-only; reading it returns nothing meaningful";
}

}  // namespace

int run_list(Invocation& inv) {
    const auto devices = uiokit::enumerate(inv.context.host);
    if (inv.io.json) {
        JsonWriter json(inv.io.out);
        begin_json(json, "list");
        json.field("class_dir", inv.context.host.class_dir.string());
        json.key("devices").begin_array();
        for (const auto& d : devices) write_device_json(json, d);
        json.end_array().end_object().end_document();
        return exit_ok;
    }
    if (devices.empty())
        inv.io.out << "no UIO devices under " << inv.context.host.class_dir.string()
                   << " (is uio_pdrv_genirq loaded with of_id=generic-uio, and a node bound to it?)\n";
    for (const auto& d : devices) print_device(inv.io.out, d);
    return exit_ok;
}

int run_info(Invocation& inv) {
    const std::string device = inv.take_device();
    if (!inv.args.empty()) throw UsageError("unexpected argument '" + inv.args.front() + "'");
    Target target = open_target(device, inv.target, Access::read_only, inv.context);
    const RegisterMap* map = target.load_map(Target::MapNeed::optional, "info");
    if (inv.io.json) {
        JsonWriter json(inv.io.out);
        begin_json(json, "info");
        target.write_json(json);
        json.key("device");
        target.info ? write_device_json(json, *target.info) : void(json.null());
        if (map)
            write_map_json(json, *map, target.map_origin());
        else
            json.key("map").null();
        json.end_object().end_document();
        return exit_ok;
    }
    if (target.info)
        print_device(inv.io.out, *target.info);
    else
        inv.io.out << target.describe() << ": " << hex(target.region.size()) << " bytes\n";
    if (map)
        print_map(inv.io.out, *map, target.map_origin());
    else
        inv.io.out << "no register map" << (target.kind == Target::Kind::uio && !inv.target.no_map ? " found" : "") << '\n';
    return exit_ok;
}

namespace {
// read and write: the device, then at least one address argument; the map loaded for those.
Target open_for_addresses(Invocation& inv, Access access, const char* none_given) {
    const std::string device = inv.take_device();
    if (inv.args.empty()) throw UsageError(none_given);
    Target target = open_target(device, inv.target, access, inv.context);
    load_map_for(target, inv.args);
    return target;
}
}  // namespace

int run_read(Invocation& inv) {
    Target target =
        open_for_addresses(inv, Access::read_only, "no address given (OFFSET, OFFSET:HI:LO, REG or REG.FIELD)");

    // Every address checked before the first access.
    std::vector<Location> locations;
    for (const std::string& text : inv.args) {
        Location loc = resolve_location(text, target, inv.width, Intent::read);
        if (!loc.readable()) throw UsageError(write_only_message(text, loc));
        locations.push_back(std::move(loc));
    }

    std::vector<std::uint64_t> raws;
    raws.reserve(locations.size());
    for (const Location& loc : locations) raws.push_back(read_value(target.region, loc.offset, loc.width_bits));

    if (inv.io.json) {
        JsonWriter json(inv.io.out);
        begin_json(json, "read");
        target.write_json(json);
        json.key("values").begin_array();
        for (std::size_t i = 0; i < locations.size(); ++i) {
            const Location& loc = locations[i];
            const std::uint64_t value = loc.extract(raws[i]);
            json.begin_object();
            write_location_json(json, loc);
            json.field("value", value)
                .field("hex", format_value(value, loc.has_bits ? loc.msb - loc.lsb + 1 : loc.width_bits, Radix::hex))
                .field("raw", raws[i]);
            json.key("enum");
            const auto* named = loc.field ? loc.field->value_of(value) : nullptr;
            named ? json.value(named->name) : json.null();
            if (loc.reg && !loc.has_bits)
                write_fields_json(json, *loc.reg, raws[i]);
            else
                json.key("fields").begin_array().end_array();
            json.end_object();
        }
        json.end_array().end_object().end_document();
        return exit_ok;
    }
    std::string text;
    for (std::size_t i = 0; i < locations.size(); ++i) {
        const Location& loc = locations[i];
        const std::uint64_t value = loc.extract(raws[i]);
        text += loc.label() + " = " +
                (loc.field ? field_value_text(*loc.field, value, inv.radix)
                           : format_value(value, loc.has_bits ? loc.msb - loc.lsb + 1 : loc.width_bits, inv.radix)) +
                '\n';
        inv.io.out << text;
        text.clear();
        if (loc.reg && !loc.has_bits) print_fields(inv.io.out, *loc.reg, raws[i], inv.radix, "  ");
    }
    return exit_ok;
}

int run_write(Invocation& inv) {
    Target target = open_for_addresses(inv, Access::read_write, "nothing to write (give ADDR=VALUE)");
    // A partial write (field or bit range) is a read-modify-write: use the map when there is one,
    // so that W1C/W1S bits of the register are never written back as 1.
    for (const std::string& arg : inv.args)
        if (arg.find(':') < arg.find('=') || arg.substr(0, arg.find('=')).find('.') != std::string::npos)
            (void)target.load_map(Target::MapNeed::optional, "");

    // Validate every argument before the first write: a rejected argument writes nothing.
    std::vector<PlannedWrite> plans;
    for (const std::string& arg : inv.args) plans.push_back(plan_write(arg, target, inv.width, inv.force));

    JsonWriter json(inv.io.out);
    if (inv.io.json) {
        begin_json(json, "write");
        json.field("mode", mode_name(inv.mode));
        target.write_json(json);
        json.key("writes").begin_array();
    }
    for (const PlannedWrite& plan : plans) {
        const WriteResult r = perform_write(plan, target.region, inv.mode);
        const Location& loc = plan.location;
        if (inv.io.json) {
            json.begin_object();
            write_location_json(json, loc);
            json.field("value", plan.value).field("old", r.old_raw).field("written", r.written_raw).field("readback", r.readback_raw);
            json.end_object();
            continue;
        }
        // Partial writes show the field's values, whole writes the register's.
        const unsigned bits = loc.has_bits ? loc.msb - loc.lsb + 1 : loc.width_bits;
        auto show = [&](std::uint64_t raw) {
            const std::uint64_t v = loc.extract(raw);
            return loc.field ? field_value_text(*loc.field, v, inv.radix) : format_value(v, bits, inv.radix);
        };
        std::string line = loc.label();
        if (r.old_raw) line += " = " + show(*r.old_raw);
        line += " := " + show(r.written_raw);
        if (r.readback_raw) line += " -> " + show(*r.readback_raw);
        if (inv.mode != WriteMode::w && !plan.can_read)
            line += loc.reg && !uiokit::readable(loc.reg->access) ? " (write-only: not read)"
                                                                   : " (not read: reading has side effects, --force reads it)";
        inv.io.out << line << '\n';
    }
    if (inv.io.json) json.end_array().end_object().end_document();
    return exit_ok;
}

namespace {

enum class Skip { none, write_only, side_effect, outside };

const char* skip_name(Skip s) {
    switch (s) {
        case Skip::none: return "";
        case Skip::write_only: return "write-only";
        case Skip::side_effect: return "side-effect-on-read";
        case Skip::outside: return "outside-window";
    }
    return "";
}

// A hexdump: one access of the width per word, 16 bytes a line.
int dump_raw(Invocation& inv, Target& target, std::uint64_t start, std::uint64_t length, unsigned width) {
    const RegisterMap* map = target.map();
    const unsigned bytes = width / 8;
    const std::uint64_t words = length / bytes;
    // Words inside a register that must not be read are not read: write-only registers never, those
    // whose read has side effects unless --force.
    std::vector<bool> skipped(words, false);
    if (map)
        for (const RegisterDef* r : map->overlapping(start, length)) {
            bool skip = r->side_effect_on_read && !inv.force;
            if (!uiokit::readable(r->access)) {
                // A write-only register sharing its address with a readable one (the map allows only
                // the same offset and width) is that one's address: its own rules decide.
                const RegisterDef* alias = map->at_offset(r->offset);
                skip = !alias || !uiokit::readable(alias->access);
            }
            if (!skip) continue;
            for (std::uint64_t b = std::max(r->offset, start); b < std::min(r->offset + r->width_bytes(), start + length); ++b)
                skipped[(b - start) / bytes] = true;
        }

    if (inv.io.json) {
        JsonWriter json(inv.io.out);
        begin_json(json, "dump");
        json.field("layout", "raw").field("start", start).field("length", length).field("width", width);
        target.write_json(json);
        json.key("values").begin_array();
        for (std::uint64_t i = 0; i < words; ++i)
            skipped[i] ? json.null() : json.value(read_value(target.region, start + i * bytes, width));
        json.end_array().end_object().end_document();
        return exit_ok;
    }

    // Formatted straight into one buffer: this loop is what `dump` of a large window costs.
    static constexpr char digits[] = "0123456789abcdef";
    unsigned offset_digits = 4;
    while (offset_digits < 16 && ((start + length - 1) >> (offset_digits * 4)) != 0) ++offset_digits;
    const std::uint64_t per_line = 16 / bytes;
    const std::size_t word_chars = width / 4;
    const std::size_t line_chars = offset_digits + 2 + static_cast<std::size_t>(per_line) * (word_chars + 1);
    std::string text(static_cast<std::size_t>((words + per_line - 1) / per_line) * line_chars, ' ');
    char* p = text.data();
    const auto& region = target.region;
    for (std::uint64_t i = 0; i < words; ++i) {
        const std::uint64_t offset = start + i * bytes;
        if (i % per_line == 0) {
            if (i) *p++ = '\n';
            for (int shift = static_cast<int>(offset_digits) * 4 - 4; shift >= 0; shift -= 4) *p++ = digits[(offset >> shift) & 0xF];
            *p++ = ':';
        }
        *p++ = ' ';
        if (skipped[i]) {
            for (std::size_t k = 0; k < word_chars; ++k) *p++ = '-';
            continue;
        }
        const std::uint64_t v = read_value(region, offset, width);
        for (int shift = static_cast<int>(width) - 4; shift >= 0; shift -= 4) *p++ = digits[(v >> shift) & 0xF];
    }
    if (words) *p++ = '\n';
    inv.io.out.write(text.data(), p - text.data());
    return exit_ok;
}

// One line per register of the map inside the range, with its fields. Without LENGTH (`to_end`)
// the range is the rest of the window, and the map's registers beyond the window are listed too,
// as outside it: a window smaller than its map shows what it leaves out.
int dump_registers(Invocation& inv, Target& target, std::uint64_t start, std::uint64_t length, bool to_end) {
    const RegisterMap& map = *target.map();
    struct Row {
        const RegisterDef* reg;
        Skip skip;
        std::uint64_t raw;
    };
    std::vector<Row> rows;
    for (const RegisterDef& r : map.registers) {
        // Ends compared without computing offset + width (the map is checked, but wrapping is cheap to rule out).
        const auto ends_beyond = [&](std::uint64_t end) { return r.width_bytes() > end || r.offset > end - r.width_bytes(); };
        if (r.offset < start || (ends_beyond(start + length) && !to_end)) continue;
        Row row{&r, Skip::none, 0};
        if (ends_beyond(target.region.size()))
            row.skip = Skip::outside;
        else if (!uiokit::readable(r.access))
            row.skip = Skip::write_only;
        else if (r.side_effect_on_read && !inv.force)
            row.skip = Skip::side_effect;
        else
            row.raw = read_value(target.region, r.offset, r.width_bits);
        rows.push_back(row);
    }
    if (inv.io.json) {
        JsonWriter json(inv.io.out);
        begin_json(json, "dump");
        json.field("layout", "registers").field("start", start).field("length", length);
        target.write_json(json);
        json.key("registers").begin_array();
        for (const Row& row : rows) {
            json.begin_object().field("name", row.reg->name).field("offset", row.reg->offset).field("width", row.reg->width_bits);
            json.key("value");
            row.skip == Skip::none ? json.value(row.raw) : json.null();
            json.key("skipped");
            row.skip == Skip::none ? json.null() : json.value(skip_name(row.skip));
            write_fields_json(json, *row.reg, row.skip == Skip::none ? std::optional(row.raw) : std::nullopt);
            json.end_object();
        }
        json.end_array().end_object().end_document();
        return exit_ok;
    }
    std::size_t name_width = 0;
    for (const Row& row : rows) name_width = std::max(name_width, row.reg->name.size());
    for (const Row& row : rows) {
        std::string line = hex(row.reg->offset) + ' ' + row.reg->name + std::string(name_width - row.reg->name.size(), ' ');
        switch (row.skip) {
            case Skip::none: line += " = " + format_value(row.raw, row.reg->width_bits, inv.radix); break;
            case Skip::write_only: line += " (write-only: not read)"; break;
            case Skip::side_effect: line += " (not read: reading has side effects, --force reads it)"; break;
            case Skip::outside: line += " (outside the window)"; break;
        }
        inv.io.out << line << '\n';
        if (row.skip == Skip::none) print_fields(inv.io.out, *row.reg, row.raw, inv.radix, "      ");
    }
    if (rows.empty()) inv.io.out << "no registers of map " << map.name << " in " << hex(start) << "+" << hex(length) << '\n';
    return exit_ok;
}

}  // namespace

int run_dump(Invocation& inv) {
    const std::string device = inv.take_device();
    if (inv.args.size() > 2) throw UsageError("unexpected argument '" + inv.args[2] + "' (dump DEV [START [LENGTH]])");
    Target target = open_target(device, inv.target, Access::read_only, inv.context);
    const std::uint64_t size = target.region.size();
    const std::uint64_t start = !inv.args.empty() ? parse_number(inv.args[0], "START") : 0;
    if (start >= size)
        throw UsageError("START " + hex(start) + " is outside " + target.describe() + ", which is " + hex(size) + " bytes");
    const std::uint64_t length = inv.args.size() > 1 ? parse_number(inv.args[1], "LENGTH") : size - start;
    if (length == 0) throw UsageError("LENGTH is 0: nothing to dump");
    if (length > size - start)
        throw UsageError("START + LENGTH (" + hex(start) + " + " + hex(length) + ") is beyond " + target.describe() +
                         ", which is " + hex(size) + " bytes");

    // Registers need their map; a raw dump uses it, when there is one, to skip registers that
    // must not be read.
    const RegisterMap* map = target.load_map(Target::MapNeed::optional, "dump");
    if (map && !inv.raw) {
        if (inv.width) throw UsageError("--width applies to a raw dump; a register dump uses each register's width (add --raw)");
        return dump_registers(inv, target, start, length, inv.args.size() < 2);
    }
    const unsigned width = inv.width ? inv.width : 32;
    const unsigned bytes = width / 8;
    if (start % bytes != 0 || length % bytes != 0)
        throw UsageError("START " + hex(start) + " and LENGTH " + hex(length) + " must be multiples of the " + std::to_string(width) +
                         "-bit access (" + std::to_string(bytes) + " bytes)");
    return dump_raw(inv, target, start, length, width);
}

}  // namespace regtool
