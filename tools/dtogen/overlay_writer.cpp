#include "overlay_writer.hpp"

#include <array>
#include <charconv>
#include <cstring>
#include <stdexcept>
#include <utility>

#include <libfdt.h>

namespace uiokit::dtogen {
namespace {

// The phandle placeholder dtc writes for a reference that the overlay's __fixups__ resolve.
constexpr std::uint32_t unresolved_phandle = 0xffffffff;

std::vector<std::uint32_t> reg_cells(const OverlaySpec& spec) {
    std::vector<std::uint32_t> cells;
    const auto push = [&](std::uint64_t value, unsigned count) {
        if (count == 2) cells.push_back(static_cast<std::uint32_t>(value >> 32));
        cells.push_back(static_cast<std::uint32_t>(value & 0xffff'ffffU));
    };
    for (const RegWindow& w : spec.reg) {
        push(w.address, spec.address_cells);
        push(w.size, spec.size_cells);
    }
    return cells;
}

// One reference to a label, as __fixups__ records it: "<node path>:<property>:<byte offset>".
struct Fixup {
    std::string label;
    std::string location;
};

std::vector<Fixup> fixups(const OverlaySpec& spec) {
    std::vector<Fixup> list;
    if (!spec.target_label.empty()) list.push_back({spec.target_label, "/fragment@0:target:0"});
    if (spec.interrupt && spec.interrupt->parent_label)
        list.push_back({*spec.interrupt->parent_label,
                        "/fragment@0/__overlay__/" + spec.node_name() + ":interrupt-parent:0"});
    return list;
}

// Labels in first-reference order, each with all its locations as one string list, as dtc does.
std::vector<std::pair<std::string, std::string>> grouped_fixups(const OverlaySpec& spec) {
    std::vector<std::pair<std::string, std::string>> groups;
    for (const Fixup& f : fixups(spec)) {
        auto it = groups.begin();
        while (it != groups.end() && it->first != f.label) ++it;
        if (it == groups.end()) it = groups.insert(groups.end(), {f.label, std::string()});
        it->second += f.location;
        it->second.push_back('\0');
    }
    return groups;
}

std::string string_list(const std::vector<std::string>& items) {
    std::string value;
    for (const std::string& item : items) {
        value += item;
        value.push_back('\0');
    }
    return value;
}

class SequentialWriter {
public:
    explicit SequentialWriter(void* fdt) : fdt_(fdt) {}

    void begin(const std::string& name) { check(fdt_begin_node(fdt_, name.c_str())); }
    void end() { check(fdt_end_node(fdt_)); }
    void bytes(const char* name, const void* data, std::size_t size) {
        check(fdt_property(fdt_, name, data, static_cast<int>(size)));
    }
    void string(const char* name, const std::string& value) { bytes(name, value.c_str(), value.size() + 1); }
    void strings(const char* name, const std::string& nul_separated) {
        bytes(name, nul_separated.data(), nul_separated.size());
    }
    void cells(const char* name, const std::vector<std::uint32_t>& values) {
        std::vector<fdt32_t> big_endian;
        big_endian.reserve(values.size());
        for (std::uint32_t v : values) big_endian.push_back(cpu_to_fdt32(v));
        bytes(name, big_endian.data(), big_endian.size() * sizeof(fdt32_t));
    }

    // libfdt's error codes are negative; NOSPACE means "retry with a larger buffer".
    struct Failure {
        int code;
    };
    static void check(int err) {
        if (err < 0) throw Failure{err};
    }

private:
    void* fdt_;
};

void write_tree(void* fdt, std::size_t capacity, const OverlaySpec& spec) {
    SequentialWriter w(fdt);
    SequentialWriter::check(fdt_create(fdt, static_cast<int>(capacity)));
    SequentialWriter::check(fdt_finish_reservemap(fdt));
    w.begin("");
    w.begin("fragment@0");
    if (!spec.target_path.empty())
        w.string("target-path", spec.target_path);
    else
        w.cells("target", {unresolved_phandle});
    w.begin("__overlay__");
    w.cells("#address-cells", {spec.address_cells});
    w.cells("#size-cells", {spec.size_cells});
    w.begin(spec.node_name());
    w.strings("compatible", string_list(spec.compatible));
    w.cells("reg", reg_cells(spec));
    if (spec.interrupt) {
        if (spec.interrupt->parent_label) w.cells("interrupt-parent", {unresolved_phandle});
        if (spec.interrupt->parent_phandle) w.cells("interrupt-parent", {*spec.interrupt->parent_phandle});
        w.cells("interrupts", spec.interrupt->cells());
    }
    if (spec.uio_name) w.string("linux,uio-name", *spec.uio_name);
    w.string("status", "okay");
    w.end();  // the device node
    w.end();  // __overlay__
    w.end();  // fragment@0
    const auto groups = grouped_fixups(spec);
    if (!groups.empty()) {
        w.begin("__fixups__");
        for (const auto& [label, locations] : groups) w.strings(label.c_str(), locations);
        w.end();
    }
    w.end();  // root
    SequentialWriter::check(fdt_finish(fdt));
}

std::string hex(std::uint64_t value) {
    std::array<char, 18> buffer{'0', 'x'};  // "0x" and at most 16 hex digits
    // Cannot fail: 16 hex digits hold any 64-bit value.
    const std::to_chars_result digits = std::to_chars(buffer.data() + 2, buffer.data() + buffer.size(), value, 16);
    return {buffer.data(), digits.ptr};
}

std::string cells_text(const std::vector<std::uint32_t>& cells, bool in_hex) {
    std::string text;
    for (std::uint32_t c : cells) text += (text.empty() ? "" : " ") + (in_hex ? hex(c) : std::to_string(c));
    return text;
}

std::string quoted_list(const std::vector<std::string>& items) {
    std::string text;
    for (const std::string& item : items) text += (text.empty() ? "\"" : ", \"") + item + "\"";
    return text;
}

}  // namespace

std::vector<std::byte> overlay_blob(const OverlaySpec& spec) {
    spec.validate();
    for (std::size_t capacity = 4096; capacity <= std::size_t{1024} * 1024; capacity *= 2) {
        std::vector<std::byte> buffer(capacity);
        void* fdt = buffer.data();
        try {
            write_tree(fdt, capacity, spec);
        } catch (const SequentialWriter::Failure& failure) {
            if (failure.code == -FDT_ERR_NOSPACE) continue;
            throw std::runtime_error(std::string("libfdt sequential write: ") + fdt_strerror(failure.code));
        }
        buffer.resize(fdt_totalsize(fdt));
        return buffer;
    }
    throw std::runtime_error("overlay larger than 1 MiB");
}

std::string overlay_source(const OverlaySpec& spec) {
    spec.validate();
    std::string s;
    s += "// SPDX-License-Identifier: MIT\n";
    s += "/*\n";
    s += " * " + spec.node_name() + ": generated by uiokit-dtogen. Compile with\n";
    s += " *   dtc -@ -I dts -O dtb -o " + spec.name + ".dtbo " + spec.name + ".dtso\n";
    s += " * (the same tree as the .dtbo written with it).\n";
    s += " *\n";
    s += " * What it assumes of the base DTB:\n";
    if (!spec.target_path.empty())
        s += " *   - the target bus is the node " + spec.target_path + ";\n";
    else
        s += " *   - the target bus has the label " + spec.target_label +
             ", and the base has __symbols__ (compiled with dtc -@);\n";
    s += " *   - that bus has #address-cells = <" + std::to_string(spec.address_cells) + "> and #size-cells = <" +
         std::to_string(spec.size_cells) + "> (restated in\n";
    if (spec.target_path == "/")
        s += " *     __overlay__, so they must be the base's own values); its addresses are CPU addresses;\n";
    else
        s += " *     __overlay__, so they must be the base's own values), and the `ranges` of it and its\n"
             " *     parents map the reg windows to CPU addresses;\n";
    if (spec.interrupt) {
        s += " *   - the interrupt parent: ";
        if (spec.interrupt->parent_label)
            s += "the controller labelled " + *spec.interrupt->parent_label;
        else if (spec.interrupt->parent_phandle)
            s += "the controller with phandle " + hex(*spec.interrupt->parent_phandle);
        else
            s += "inherited from the bus";
        s += ", taking " + to_string(spec.interrupt->format) + " specifiers.\n";
        if (!spec.interrupt->parent_label) {
            s += " * dtc warns (interrupts_property) that the interrupt parent is missing or a bad phandle:\n";
            s += " * expected, it is in the base tree, which dtc does not see when it compiles an overlay.\n";
        }
    }
    s += " * uio_pdrv_genirq binds it when loaded with of_id=generic-uio.\n";
    s += " */\n";
    s += "/dts-v1/;\n/plugin/;\n\n/ {\n";
    s += "\tfragment@0 {\n";
    if (!spec.target_path.empty())
        s += "\t\ttarget-path = \"" + spec.target_path + "\";\n";
    else
        s += "\t\ttarget = <&" + spec.target_label + ">;\n";
    s += "\t\t__overlay__ {\n";
    s += "\t\t\t#address-cells = <" + std::to_string(spec.address_cells) + ">;\n";
    s += "\t\t\t#size-cells = <" + std::to_string(spec.size_cells) + ">;\n\n";
    s += "\t\t\t" + spec.node_name() + " {\n";
    s += "\t\t\t\tcompatible = " + quoted_list(spec.compatible) + ";\n";
    std::string reg;
    const std::vector<std::uint32_t> cells = reg_cells(spec);
    const std::size_t per_window = spec.address_cells + spec.size_cells;
    for (std::size_t at = 0; at < cells.size(); at += per_window) {
        const std::vector<std::uint32_t> window(cells.begin() + static_cast<std::ptrdiff_t>(at),
                                                cells.begin() + static_cast<std::ptrdiff_t>(at + per_window));
        reg += (reg.empty() ? "<" : ", <") + cells_text(window, true) + ">";
    }
    s += "\t\t\t\treg = " + reg + ";\n";
    if (spec.interrupt) {
        if (spec.interrupt->parent_label) s += "\t\t\t\tinterrupt-parent = <&" + *spec.interrupt->parent_label + ">;\n";
        if (spec.interrupt->parent_phandle) s += "\t\t\t\tinterrupt-parent = <" + hex(*spec.interrupt->parent_phandle) + ">;\n";
        s += "\t\t\t\tinterrupts = <" + cells_text(spec.interrupt->cells(), false) + ">;\t/* " +
             to_string(spec.interrupt->format) + " " + std::to_string(spec.interrupt->number) + ", " +
             to_string(spec.interrupt->trigger) + " */\n";
    }
    if (spec.uio_name) s += "\t\t\t\tlinux,uio-name = \"" + *spec.uio_name + "\";\n";
    s += "\t\t\t\tstatus = \"okay\";\n";
    s += "\t\t\t};\n\t\t};\n\t};\n};\n";
    return s;
}

}  // namespace uiokit::dtogen
