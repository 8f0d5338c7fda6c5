// uiokit-dtogen: writes a device-tree overlay that hands one memory-mapped device to
// uio_pdrv_genirq, as a .dtbo (libfdt) and a .dtso for review. Exit status: 0 written, 1 the files
// could not be written, 2 bad command line or facts.
#include <cerrno>
#include <charconv>
#include <fstream>
#include <iostream>
#include <string>
#include <system_error>
#include <vector>

#include <boost/program_options.hpp>
#include "option_error.hpp"

#include "overlay_spec.hpp"
#include "overlay_writer.hpp"

namespace po = boost::program_options;
using namespace uiokit::dtogen;

namespace {

constexpr int exit_runtime_error = 1;
constexpr int exit_usage = 2;

const char* const usage_text =
    "Usage: uiokit-dtogen --name NAME --reg ADDR:SIZE [--reg ADDR:SIZE ...]\n"
    "                     (--target-path PATH | --target-label LABEL) -o STEM [options]\n"
    "\n"
    "Writes STEM.dtbo (apply it with fdtoverlay, U-Boot `fdt apply` or configfs) and STEM.dtso\n"
    "(the same overlay as source, for review) for a device node NAME@ADDR with compatible\n"
    "\"generic-uio\", which uio_pdrv_genirq binds when loaded with of_id=generic-uio.\n"
    "\n"
    "Example (Zynq-7000 PL peripheral on IRQ_F2P[0]):\n"
    "  uiokit-dtogen --name axi-uio --reg 0x43c00000:0x10000 --address-cells 1 --size-cells 1 \\\n"
    "                --target-label amba_pl --irq 29:level-high --interrupt-parent intc \\\n"
    "                --uio-name axi-uio0 -o axi-uio\n";

// "0x1f" or "31"
std::uint64_t parse_number(const std::string& text, const std::string& what) {
    const bool is_hex = text.starts_with("0x") || text.starts_with("0X");
    const char* begin = text.data() + (is_hex ? 2 : 0);
    const char* end = text.data() + text.size();
    std::uint64_t value = 0;
    const auto [stop, ec] = std::from_chars(begin, end, value, is_hex ? 16 : 10);
    if (begin == end || ec != std::errc{} || stop != end)
        throw SpecError(what + " '" + text + "' is not a number (decimal, or hex with 0x)");
    return value;
}

std::uint32_t parse_u32(const std::string& text, const std::string& what) {
    const std::uint64_t value = parse_number(text, what);
    if (value > 0xffff'ffffULL) throw SpecError(what + " '" + text + "' does not fit 32 bits");
    return static_cast<std::uint32_t>(value);
}

RegWindow parse_reg(const std::string& text) {
    const auto colon = text.find(':');
    if (colon == std::string::npos) throw SpecError("--reg '" + text + "' is not ADDR:SIZE, e.g. 0x43c00000:0x10000");
    return {parse_number(text.substr(0, colon), "reg address"), parse_number(text.substr(colon + 1), "reg size")};
}

InterruptSpec parse_interrupt(const std::string& text) {
    InterruptSpec irq;
    const auto colon = text.find(':');
    irq.number = parse_u32(text.substr(0, colon), "interrupt number");
    if (colon != std::string::npos) irq.trigger = parse_trigger(text.substr(colon + 1));
    return irq;
}

void write_file(const std::string& path, const void* data, std::size_t size) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (out) out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
    out.close();
    if (!out) throw std::runtime_error("write " + path + ": " + std::generic_category().message(errno));
}

}  // namespace

int main(int argc, char** argv) try {
    po::options_description options("Options");
    // clang-format off
    options.add_options()
        ("help,h", "show this help")
        ("name", po::value<std::string>()->value_name("NAME"),
         "node name without unit address (the unit address is the first reg address)")
        ("reg", po::value<std::vector<std::string>>()->value_name("ADDR:SIZE"),
         "a register window on the target bus; repeat for more (map0, map1, ... in order; at most 5)")
        ("address-cells", po::value<unsigned>()->default_value(2)->value_name("N"),
         "the target bus's #address-cells (1 or 2)")
        ("size-cells", po::value<unsigned>()->default_value(2)->value_name("N"),
         "the target bus's #size-cells (1 or 2)")
        ("target-path", po::value<std::string>()->value_name("PATH"),
         "the bus node by path, e.g. / or /amba_pl@0 (works without __symbols__)")
        ("target-label", po::value<std::string>()->value_name("LABEL"),
         "the bus node by label, e.g. amba_pl (the base DTB needs __symbols__: dtc -@)")
        ("irq", po::value<std::string>()->value_name("NUM[:TRIGGER]"),
         "the interrupt; TRIGGER: edge-rising, edge-falling, edge-both, level-high (default), level-low. "
         "For a GIC SPI, NUM is the GIC interrupt ID minus 32")
        ("irq-format", po::value<std::string>()->default_value("gic-spi")->value_name("FORMAT"),
         "interrupt specifier: gic-spi <0 NUM T>, gic-ppi <1 NUM T>, two-cell <NUM T>, one-cell <NUM>")
        ("interrupt-parent", po::value<std::string>()->value_name("LABEL|PHANDLE"),
         "the interrupt controller, by label (needs __symbols__) or phandle number; default: inherited from the bus")
        ("uio-name", po::value<std::string>()->value_name("NAME"),
         "linux,uio-name: the name in /sys/class/uio/uioN/name and /dev/uio/by-name/")
        ("compatible", po::value<std::vector<std::string>>()->value_name("STRING"),
         "compatible strings, most specific first; repeat for more (default: generic-uio)")
        ("output,o", po::value<std::string>()->value_name("STEM"), "write STEM.dtbo and STEM.dtso");
    // clang-format on

    OverlaySpec spec;
    std::string stem;
    try {
        po::variables_map vm;
        po::store(po::command_line_parser(argc, argv).options(options).run(), vm);
        po::notify(vm);
        if (vm.count("help")) {
            std::cout << usage_text << '\n' << options;
            return 0;
        }
        for (const char* required : {"name", "reg", "output"})
            if (!vm.count(required)) throw po::required_option(required);
        spec.name = vm["name"].as<std::string>();
        for (const std::string& reg : vm["reg"].as<std::vector<std::string>>()) spec.reg.push_back(parse_reg(reg));
        spec.address_cells = vm["address-cells"].as<unsigned>();
        spec.size_cells = vm["size-cells"].as<unsigned>();
        if (vm.count("target-path")) spec.target_path = vm["target-path"].as<std::string>();
        if (vm.count("target-label")) spec.target_label = vm["target-label"].as<std::string>();
        if (vm.count("irq")) {
            const std::string irq = vm["irq"].as<std::string>();
            spec.interrupt = parse_interrupt(irq);
            spec.interrupt->format = parse_interrupt_format(vm["irq-format"].as<std::string>());
            // A trigger the format has no cell for would be dropped without a word.
            if (spec.interrupt->format == InterruptFormat::one_cell && irq.find(':') != std::string::npos)
                throw SpecError("--irq '" + irq + "': --irq-format one-cell has no trigger cell; give the number alone");
            if (vm.count("interrupt-parent")) {
                const std::string parent = vm["interrupt-parent"].as<std::string>();
                if (!parent.empty() && parent[0] >= '0' && parent[0] <= '9')
                    spec.interrupt->parent_phandle = parse_u32(parent, "interrupt-parent phandle");
                else
                    spec.interrupt->parent_label = parent;
            }
        } else if (vm.count("interrupt-parent") || !vm["irq-format"].defaulted()) {
            throw SpecError("--interrupt-parent and --irq-format describe an interrupt: give --irq too");
        }
        if (vm.count("uio-name")) spec.uio_name = vm["uio-name"].as<std::string>();
        if (vm.count("compatible")) spec.compatible = vm["compatible"].as<std::vector<std::string>>();
        stem = vm["output"].as<std::string>();
        spec.validate();
    } catch (const po::error& e) {
        const std::string message = uiokit::tools::describe_option_error(e, std::vector<std::string>(argv + 1, argv + argc));
        std::cerr << "uiokit-dtogen: " << message << "\n\n" << usage_text << "Try --help for all options.\n";
        return exit_usage;
    } catch (const SpecError& e) {
        std::cerr << "uiokit-dtogen: " << e.what() << '\n';
        return exit_usage;
    }

    bool binds_generic_uio = false;
    for (const std::string& c : spec.compatible) binds_generic_uio = binds_generic_uio || c == "generic-uio";
    if (!binds_generic_uio)
        std::cerr << "uiokit-dtogen: note: no \"generic-uio\" in compatible: uio_pdrv_genirq binds the node only "
                     "when loaded with of_id set to one of its compatible strings\n";

    try {
        const std::vector<std::byte> blob = overlay_blob(spec);
        const std::string source = overlay_source(spec);
        write_file(stem + ".dtbo", blob.data(), blob.size());
        write_file(stem + ".dtso", source.data(), source.size());
    } catch (const std::exception& e) {
        std::cerr << "uiokit-dtogen: " << e.what() << '\n';
        return exit_runtime_error;
    }
    return 0;
} catch (const std::exception& e) {
    // Only what the handlers above do not expect: describing the options, out of memory.
    std::cerr << "uiokit-dtogen: " << e.what() << '\n';
    return exit_runtime_error;
}
