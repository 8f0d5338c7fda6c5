// The command line: which command, its options (Boost.Program_options), help, and the mapping of
// errors to exit statuses.
#include <boost/program_options.hpp>
#include "option_error.hpp"

#include <algorithm>
#include <ostream>
#include <string_view>

#include <uiokit/error.hpp>
#include <uiokit/regmap/register_map.hpp>
#include <uiokit/regmap/utf8.hpp>
#include <uiokit/version.hpp>

#include "commands.hpp"
#include "transfer.hpp"

namespace po = boost::program_options;

namespace regtool {
namespace {

// Which option groups a command takes.
enum OptionSet : unsigned {
    target_options = 1u << 0,  // --file --devmem --size --map --no-map --whole-page --fdt
    width_option = 1u << 1,
    radix_options = 1u << 2,   // --dec --bin
    force_option = 1u << 3,
};

struct CommandInfo {
    const char* name;
    const char* synopsis;
    const char* summary;
    const char* details;  // printed after the options: addresses, examples
    unsigned options;
    int (*run)(Invocation&);
};

constexpr const char* device_help =
    "DEV is a device name (pl031), uioN, /dev/uioN, a physical address (0x9010000) or a device-tree\n"
    "node: dt:/pl031@9010000, compatible:arm,pl031, label:rtc (looked up in --fdt). Optionally\n"
    "followed by :MAP, a map index or name (uio0:1, idwindow:pl061-id). Without :MAP, map 0 (or the\n"
    "map holding the physical address). --file PATH or --devmem PHYS replace DEV.\n";

constexpr const char* address_help =
    "ADDR is an offset in the window (0x10), an offset and bits (0x10:7:4, 0x10:3), a register name\n"
    "from the register map (CR, CR:7:4) or a field (CR.START). Numbers are decimal, 0x hex or 0b\n"
    "binary, with optional '_' between digits.\n";

const CommandInfo commands[] = {
    {"list", "regtool list [--json]",
     "Lists every UIO device: index, name, version, interrupt count, device-tree node and maps.", "", 0, run_list},
    {"info", "regtool info DEV [options]",
     "Shows one device and its register map (found by name, or --map FILE).",
     "Examples:\n  regtool info pl031\n  regtool info --file regs.bin --map my-block.yaml\n", target_options, run_info},
    {"read", "regtool read DEV ADDR... [options]",
     "Reads registers, fields or bit ranges: one access of exactly the width each. A register from the\n"
     "map is shown with its fields.",
     "Examples:\n  regtool read pl031 DR PeriphID0 PeriphID1\n  regtool read pl031 CR.START\n"
     "  regtool read uio0 0x10 --width 16 --bin\n  regtool read --file image.bin 0x40:15:8\n",
     target_options | width_option | radix_options, run_read},
    {"write", "regtool write DEV ADDR=VALUE... [options]",
     "Writes registers, fields or bit ranges, in order, after checking every argument (a bad one writes\n"
     "nothing). A field or bit range is a read-modify-write that writes 0 to the register's other\n"
     "write-1-to-clear/set bits. VALUE is a number, a field's value name, 'clear' for a W1C field or\n"
     "'set' for a W1S field. Modes: w (write only), rw (read, write), rwr (read, write, read back:\n"
     "printed as ADDR = old := new -> readback).",
     "Examples:\n  regtool write pl031 MR=0x100 IMSC.MATCH=enabled\n  regtool write pl031 ICR.MATCH=clear\n"
     "  regtool write uio0 0x10:7:4=0x3 --mode rw\n",
     target_options | width_option | radix_options | force_option, run_write},
    {"dump", "regtool dump DEV [START [LENGTH]] [options]",
     "With a register map: one line per register in the range, with fields. Without (or with --raw): a\n"
     "hexdump with one access of --width per word. Registers whose read has side effects are not read\n"
     "unless --force; write-only registers are never read.",
     "Examples:\n  regtool dump pl031\n  regtool dump pl031 0xfe0 0x20 --raw\n  regtool dump --file image.bin 0 0x10000 --width 64\n",
     target_options | width_option | radix_options | force_option, run_dump},
    {"watch", "regtool watch DEV ADDR... [options]",
     "Prints the values, then every change, until interrupted (Ctrl-C), --count changes or --duration.\n"
     "Exit status 3 when --duration ends before --count changes.",
     "Examples:\n  regtool watch pl031 DR --interval 1s\n  regtool watch pl031 RIS.MATCH --count 1 --duration 10s\n",
     target_options | width_option | radix_options | force_option, run_watch},
    {"wait", "regtool wait DEV [options]",
     "Waits for interrupts (enabling the line), printing each count and the interrupts missed. --ack\n"
     "writes (like `write`, validated first) clear the source before the line is re-enabled. Exit status 3\n"
     "on --timeout, 130 when interrupted.",
     "Examples:\n  regtool wait pl031 --timeout 5s\n  regtool wait pl031 --count 3 --ack ICR.MATCH=clear\n",
     target_options | force_option, run_wait},
    // Bulk data (transfer.cpp).
    {"save", "regtool save DEV FILE [START [LENGTH]] [options]",
     "Copies the window (from START, LENGTH bytes; default: all of it) to FILE ('-': stdout), with the\n"
     "widest aligned accesses, or only --width ones. It does not consult the register map: for memory\n"
     "windows (SRAM), not registers whose read has side effects.",
     "Examples:\n  regtool save sram sram.bin\n  regtool save sram - 0x100 0x40 | xxd\n", target_options | width_option, run_save},
    {"load", "regtool load DEV FILE [START] [options]",
     "Copies FILE ('-': stdin) into the window at START. A file that does not fit, or a START or length\n"
     "that is not a multiple of --width, is refused before anything is written.",
     "Examples:\n  regtool load sram image.bin\n  regtool load sram image.bin 0x1000 --width 32\n",
     target_options | width_option, run_load},
    {"fill", "regtool fill DEV START LENGTH VALUE [options]",
     "Sets LENGTH bytes from START to VALUE: a byte, or with --width a word of that width stored by\n"
     "each access (START and LENGTH then multiples of it).",
     "Examples:\n  regtool fill sram 0 0x100000 0\n  regtool fill sram 0x100 0x40 0xdeadbeef --width 32\n",
     target_options | width_option, run_fill},
    {"compare", "regtool compare DEV FILE [START] [options]",
     "Compares FILE ('-': stdin) with the window at START: the first difference (a window offset) and\n"
     "how many bytes differ. Exit status as cmp(1): 0 the same, 1 different, 2 error.",
     "Examples:\n  regtool compare sram sram.bin\n  regtool compare sram part.bin 0x1000 --json\n",
     target_options | width_option, run_compare},
    {"bind", "regtool bind PLATFORM_DEVICE [--timeout T] [--json]",
     "Binds a platform device to uio_pdrv_genirq with driver_override (unbinding its driver first) and\n"
     "waits for its UIO device. PLATFORM_DEVICE is its name under /sys/bus/platform/devices or its\n"
     "device-tree node. Prints the driver and override it had, which `unbind` cannot know. Exit status 3\n"
     "when the UIO device did not appear within --timeout (default 5s); needs root.",
     "Examples:\n  regtool bind a003a00.virtio_mmio\n  regtool bind /virtio_mmio@a003a00 --timeout 10s\n", 0, run_bind},
    {"unbind", "regtool unbind PLATFORM_DEVICE [--override DRIVER] [--reprobe] [--timeout T] [--json]",
     "Unbinds a platform device from uio_pdrv_genirq and clears its driver_override (or sets --override);\n"
     "--reprobe then lets the driver that matches it bind. A device bound to another driver is left alone.",
     "Examples:\n  regtool unbind a003a00.virtio_mmio --reprobe\n", 0, run_unbind},
};

const CommandInfo* find_command(const std::string& name) {
    for (const CommandInfo& c : commands)
        if (name == c.name) return &c;
    return nullptr;
}

void print_overview(std::ostream& out) {
    out << "usage: regtool COMMAND [ARGS] [OPTIONS]\n"
           "Reads and writes the registers of UIO devices (and of files) by offset or by name.\n\ncommands:\n";
    for (const CommandInfo& c : commands) out << "  " << c.synopsis << '\n';
    out << "\n'regtool COMMAND --help' shows a command's options. Every command takes --json.\n"
           "Exit status: 0 done, 1 runtime error, 2 usage error, 3 timeout, 130 interrupted.\n"
           "compare: 0 the same, 1 different, 2 error (as cmp).\n";
}

struct Parsed {
    po::options_description visible{"options"};
    po::options_description all;
};

void describe_options(const CommandInfo& c, Parsed& p) {
    p.visible.add_options()("json", "machine-readable output (docs/regtool.md)")("help,h", "this help");
    if (c.options & target_options)
        p.visible.add_options()
            ("file", po::value<std::string>(), "operate on a mmappable file instead of a device")
            ("devmem", po::value<std::string>(), "map /dev/mem at this physical address (needs root)")
            ("size", po::value<std::string>(),
             "window length for --devmem (default: to the page end) or --file (at most to its end)")
            ("map", po::value<std::string>(), "register map file (default: found by the device's name)")
            ("no-map", "do not look for a register map")
            ("whole-page", "a UIO map up to its page end, past the device's DT reg (default: bounded by reg)")
            ("fdt", po::value<std::string>(),
             "device tree for dt:, compatible: and label: (default /sys/firmware/fdt, root only; "
             "non-root: /sys/firmware/devicetree/base)");
    if (c.options & width_option) p.visible.add_options()("width", po::value<std::string>(), "access width: 8, 16, 32 or 64");
    if (c.options & radix_options) p.visible.add_options()("dec", "values in decimal")("bin", "values in binary");
    if (c.options & force_option) p.visible.add_options()("force", "read registers whose read has side effects");
    const std::string name = c.name;
    if (name == "write") p.visible.add_options()("mode", po::value<std::string>(), "w, rw or rwr (default)");
    if (name == "dump") p.visible.add_options()("raw", "hexdump even when a register map is known");
    if (name == "watch")
        p.visible.add_options()
            ("interval", po::value<std::string>(), "time between reads (default 100ms)")
            ("count", po::value<std::string>(), "stop after this many changes")
            ("duration", po::value<std::string>(), "stop after this long");
    if (name == "wait")
        p.visible.add_options()
            ("timeout", po::value<std::string>(), "give up after this long (exit status 3)")
            ("count", po::value<std::string>(), "interrupts to wait for (default 1)")
            ("ack", po::value<std::vector<std::string>>(), "ADDR=VALUE written after each interrupt, before re-enabling")
            ("width", po::value<std::string>(), "access width for --ack offsets");
    if (name == "bind" || name == "unbind")
        p.visible.add_options()("timeout", po::value<std::string>(), "how long to wait for the UIO device (default 5s)");
    if (name == "unbind")
        p.visible.add_options()
            ("override", po::value<std::string>(), "driver_override to leave (default: none)")
            ("reprobe", "probe the device afterwards, so that its own driver binds");
    po::options_description hidden;
    hidden.add_options()
        ("sysfs-class-dir", po::value<std::string>(), "")
        ("dev-dir", po::value<std::string>(), "")
        ("args", po::value<std::vector<std::string>>(), "");
    p.all.add(p.visible).add(hidden);
}

// Start-up cost (issue 20): building Boost.Program_options' option table and parsing with it is
// about half of what a plain `regtool read` executes. Command lines made only of positional
// arguments and the plain options below, each given once with a non-empty value, are parsed here
// into the same variables_map; anything else (--help, '-' tokens, repeats, an option the command
// does not take or that is not listed here) goes to Boost, which decides and reports as before.
// Each entry mirrors describe_options (cli_test "simple parse agrees with Boost" checks it).
struct SimpleOption {
    std::string_view name;
    bool takes_value;
    unsigned group;         // OptionSet bit the command needs; 0: every command
    const char* only_for;   // or only this command; nullptr: no restriction
};

constexpr SimpleOption simple_options[] = {
    {"json", false, 0, nullptr},          {"file", true, target_options, nullptr},
    {"devmem", true, target_options, nullptr}, {"size", true, target_options, nullptr},
    {"map", true, target_options, nullptr},    {"no-map", false, target_options, nullptr},
    {"fdt", true, target_options, nullptr},    {"width", true, width_option, nullptr},
    {"dec", false, radix_options, nullptr},    {"bin", false, radix_options, nullptr},
    {"force", false, force_option, nullptr},   {"mode", true, 0, "write"},
    {"raw", false, 0, "dump"},                 {"sysfs-class-dir", true, 0, nullptr},
    {"dev-dir", true, 0, nullptr},
};

const SimpleOption* find_simple_option(const CommandInfo& c, std::string_view name) {
    for (const SimpleOption& o : simple_options)
        if (o.name == name) {
            const bool applies = o.only_for ? std::string_view(c.name) == o.only_for : (o.group == 0 || (c.options & o.group) != 0);
            return applies ? &o : nullptr;
        }
    return nullptr;
}

// args: after the command. False (vm untouched) when Boost must parse them.
bool parse_simple(const CommandInfo& c, const std::vector<std::string>& args, po::variables_map& vm) {
    if (std::string_view(c.name) == "watch" || std::string_view(c.name) == "wait") return false;  // their own options
    std::vector<std::string> positional;
    po::variables_map found;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (!arg.starts_with("-")) {
            positional.push_back(arg);
            continue;
        }
        if (!arg.starts_with("--")) return false;
        const std::size_t equals = arg.find('=');
        const std::string name = arg.substr(2, equals == std::string::npos ? std::string::npos : equals - 2);
        const SimpleOption* option = find_simple_option(c, name);
        if (!option || found.count(name)) return false;
        if (!option->takes_value) {
            if (equals != std::string::npos) return false;
            found.insert({name, po::variable_value()});
            continue;
        }
        std::string value;
        if (equals != std::string::npos) {
            value = arg.substr(equals + 1);
        } else {
            if (i + 1 == args.size() || args[i + 1].starts_with("-")) return false;
            value = args[++i];
        }
        if (value.empty()) return false;
        found.insert({name, po::variable_value(boost::any(std::move(value)), false)});
    }
    if (!positional.empty()) found.insert({"args", po::variable_value(boost::any(std::move(positional)), false)});
    vm = std::move(found);
    return true;
}

void print_command_help(std::ostream& out, const CommandInfo& c, const Parsed& p) {
    out << "usage: " << c.synopsis << "\n" << c.summary << "\n\n";
    if (c.options & target_options) out << device_help << '\n';
    const std::string name = c.name;
    if (name == "read" || name == "write" || name == "watch" || name == "wait") out << address_help << '\n';
    out << p.visible << '\n' << c.details;
}

std::string option(const po::variables_map& vm, const char* name) {
    return vm.count(name) ? vm[name].as<std::string>() : std::string();
}

// An option given with an empty value ("--map ''", "--interval=") is refused: taken as absent,
// it would silently mean the default (no map, 100ms, run for ever).
void refuse_empty_values(const po::variables_map& vm, const po::options_description& described) {
    for (const auto& [name, value] : vm) {
        if (name == "args" || value.empty()) continue;
        // A switch (--json, --force) is stored as an empty string too: only options with a value count.
        const po::option_description* option = described.find_nothrow(name, false);
        if (!option || option->semantic()->max_tokens() == 0) continue;
        bool empty = false;
        if (const auto* text = boost::any_cast<std::string>(&value.value())) empty = text->empty();
        if (const auto* list = boost::any_cast<std::vector<std::string>>(&value.value()))
            empty = std::any_of(list->begin(), list->end(), [](const std::string& v) { return v.empty(); });
        if (empty) throw UsageError("--" + name + " was given an empty value; give a value, or leave the option out");
    }
}

int report_error(const Output& io, const std::string& command, int status, const std::string& raw_message) {
    // Messages quote arguments, paths and map text as given: bytes that are not UTF-8 are shown as
    // \xNN, so stderr stays text and the JSON message says which byte it was.
    const std::string message = uiokit::regmap::utf8::escape_invalid(raw_message);
    io.err << "regtool" << (command.empty() ? "" : " " + command) << ": " << message << '\n';
    if (status == exit_usage_error && !command.empty()) io.err << "Try 'regtool " << command << " --help'.\n";
    if (io.json) {
        JsonWriter json(io.out);
        begin_json(json, command);
        json.key("error").begin_object().field("status", status).field("message", message).end_object();
        json.end_object().end_document();
    }
    return status;
}

}  // namespace

std::optional<std::vector<std::pair<std::string, std::string>>> parsed_options(const std::vector<std::string>& args,
                                                                                bool simple) {
    const CommandInfo* command = find_command(args.at(0));
    if (!command) throw UsageError("unknown command '" + args.front() + "'");
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    po::variables_map vm;
    if (simple) {
        if (!parse_simple(*command, rest, vm)) return std::nullopt;
    } else {
        Parsed parsed;
        describe_options(*command, parsed);
        po::positional_options_description positional;
        positional.add("args", -1);
        const auto style = po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
        po::store(po::command_line_parser(rest).options(parsed.all).positional(positional).style(style).run(), vm);
    }
    std::vector<std::pair<std::string, std::string>> options;
    for (const auto& [name, value] : vm) {
        std::string text;
        if (const auto* one = boost::any_cast<std::string>(&value.value())) text = *one;
        if (const auto* list = boost::any_cast<std::vector<std::string>>(&value.value()))
            for (const std::string& item : *list) text += (text.empty() ? "" : "\n") + item;
        options.emplace_back(name, text);
    }
    return options;
}

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, const Context& context) {
    Output io{out, err, false};
    if (args.empty()) {
        print_overview(err);
        return exit_usage_error;
    }
    const std::string& first = args.front();
    if (first == "--help" || first == "-h" || first == "help") {
        if (first == "help" && args.size() > 1) {
            if (const CommandInfo* c = find_command(args[1])) {
                Parsed p;
                describe_options(*c, p);
                print_command_help(out, *c, p);
                return exit_ok;
            }
            return report_error(io, "", exit_usage_error, "unknown command '" + args[1] + "'");
        }
        print_overview(out);
        return exit_ok;
    }
    if (first == "--version") {
        out << "regtool (uiokit) " << UIOKIT_VERSION_STRING << '\n';
        return exit_ok;
    }
    const CommandInfo* command = find_command(first);
    if (!command) {
        const bool json = std::find(args.begin(), args.end(), "--json") != args.end();
        io.json = json;
        if (first.starts_with("-"))
            return report_error(io, "", exit_usage_error,
                                "'" + first + "': options go after the command (regtool COMMAND [OPTIONS]); see regtool --help");
        return report_error(io, "", exit_usage_error, "unknown command '" + first + "'; see regtool --help");
    }

    Parsed parsed;
    po::variables_map vm;
    io.json = std::find(args.begin() + 1, args.end(), "--json") != args.end();
    const bool simple = parse_simple(*command, std::vector<std::string>(args.begin() + 1, args.end()), vm);
    if (!simple) try {
        describe_options(*command, parsed);
        po::positional_options_description positional;
        positional.add("args", -1);
        // No abbreviations: a script's --dev must not start meaning --devmem in a later version.
        const auto style = po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
        po::store(po::command_line_parser(std::vector<std::string>(args.begin() + 1, args.end()))
                      .options(parsed.all)
                      .positional(positional)
                      .style(style)
                      .run(),
                  vm);
        po::notify(vm);
    } catch (const po::error& e) {
        return report_error(io, command->name, exit_usage_error, uiokit::tools::describe_option_error(e, args));
    }
    if (vm.count("help")) {
        print_command_help(out, *command, parsed);
        return exit_ok;
    }

    Context local = context;
    if (vm.count("sysfs-class-dir")) local.host.class_dir = option(vm, "sysfs-class-dir");
    if (vm.count("dev-dir")) local.host.dev_dir = option(vm, "dev-dir");
    if (vm.count("fdt")) {
        if (option(vm, "fdt").empty())
            return report_error(io, command->name, exit_usage_error,
                                "--fdt needs a path (a DTB, or /sys/firmware/devicetree/base)");
        local.host.fdt = option(vm, "fdt");
    }
    Invocation inv{.command = command->name, .args = {}, .io = io, .context = local, .target = {}};
    try {
        if (!simple) refuse_empty_values(vm, parsed.all);
        if (vm.count("args")) inv.args = vm["args"].as<std::vector<std::string>>();
        inv.target.file = option(vm, "file");
        if (vm.count("devmem")) inv.target.devmem = parse_number(option(vm, "devmem"), "--devmem");
        if (vm.count("size")) inv.target.size = parse_number(option(vm, "size"), "--size");
        inv.target.map_file = option(vm, "map");
        inv.target.no_map = vm.count("no-map") > 0;
        inv.target.whole_page = vm.count("whole-page") > 0;
        if (inv.target.no_map && !inv.target.map_file.empty()) throw UsageError("--map and --no-map contradict each other");
        if (inv.target.file.empty() && vm.count("file")) throw UsageError("--file needs a path");
        if (vm.count("width")) inv.width = parse_width(option(vm, "width"));
        if (vm.count("dec") && vm.count("bin")) throw UsageError("--dec and --bin contradict each other");
        inv.radix = vm.count("dec") ? Radix::dec : vm.count("bin") ? Radix::bin : Radix::hex;
        inv.force = vm.count("force") > 0;
        inv.raw = vm.count("raw") > 0;
        if (vm.count("mode")) {
            const std::string mode = option(vm, "mode");
            if (mode == "w") inv.mode = WriteMode::w;
            else if (mode == "rw") inv.mode = WriteMode::rw;
            else if (mode == "rwr") inv.mode = WriteMode::rwr;
            else throw UsageError("--mode '" + mode + "': the write modes are w, rw and rwr");
        }
        inv.interval = option(vm, "interval");
        inv.duration = option(vm, "duration");
        inv.timeout = option(vm, "timeout");
        inv.count = option(vm, "count");
        if (vm.count("ack")) inv.acks = vm["ack"].as<std::vector<std::string>>();
        if (vm.count("override")) inv.restore_override = option(vm, "override");
        inv.reprobe = vm.count("reprobe") > 0;
        if (command->name == std::string("list") && !inv.args.empty())
            throw UsageError("unexpected argument '" + inv.args.front() + "'");
        const int status = command->run(inv);
        check_output(io.out);
        return status;
    } catch (const OutputError& e) {
        // stdout is gone: no JSON document either, the message goes to stderr only.
        io.json = false;
        return report_error(io, command->name, exit_runtime_error, e.what());
    } catch (const UsageError& e) {
        return report_error(io, command->name, exit_usage_error, e.what());
    } catch (const ErrorWithStatus& e) {  // compare's errors: 2
        return report_error(io, command->name, e.status(), e.what());
    } catch (const uiokit::regmap::MapError& e) {
        return report_error(io, command->name, exit_runtime_error, std::string("register map: ") + e.what());
    } catch (const std::exception& e) {
        return report_error(io, command->name, exit_runtime_error, e.what());
    }
}

int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err, const uiokit::Host& host) {
    Context context;
    context.host = host;
    return run(std::vector<std::string>(argv + (argc > 0 ? 1 : 0), argv + argc), out, err, context);
}

}  // namespace regtool
