// The command line: which command, its options (Boost.Program_options), help, and the mapping of
// errors to exit statuses.
#include <boost/program_options.hpp>
#include "option_error.hpp"

#include <algorithm>
#include <ostream>

#include <uiokit/error.hpp>
#include <uiokit/regmap/register_map.hpp>
#include <uiokit/regmap/utf8.hpp>
#include <uiokit/version.hpp>

#include "commands.hpp"

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
           "Exit status: 0 done, 1 runtime error, 2 usage error, 3 timeout, 130 interrupted.\n";
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
    describe_options(*command, parsed);
    po::positional_options_description positional;
    positional.add("args", -1);
    po::variables_map vm;
    io.json = std::find(args.begin() + 1, args.end(), "--json") != args.end();
    try {
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
        refuse_empty_values(vm, parsed.all);
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
