// What an overlay for one UIO device says: the facts uiokit-dtogen turns into a .dtbo and a .dtso.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace uiokit::dtogen {

// A fact that cannot go into a device tree (bad name, address that does not fit its cells, ...).
class SpecError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

struct RegWindow {
    std::uint64_t address = 0;  // on the target bus
    std::uint64_t size = 0;
};

// The trigger flags of the GIC binding (dt-bindings/interrupt-controller/irq.h).
enum class Trigger : std::uint32_t {
    edge_rising = 1,
    edge_falling = 2,
    edge_both = 3,
    level_high = 4,
    level_low = 8,
};

// How the interrupt parent wants its cells.
enum class InterruptFormat {
    gic_spi,   // <0 number trigger>: ARM GIC shared peripheral interrupt (number = GIC ID - 32)
    gic_ppi,   // <1 number trigger>: ARM GIC private peripheral interrupt (number = GIC ID - 16)
    two_cell,  // <number trigger>: e.g. TI's INTC in newer bindings, many GPIO interrupt controllers
    one_cell,  // <number>: e.g. the AM335x INTC (#interrupt-cells = <1>)
};

struct InterruptSpec {
    std::uint32_t number = 0;
    Trigger trigger = Trigger::level_high;
    InterruptFormat format = InterruptFormat::gic_spi;
    // interrupt-parent: nothing (inherit from the bus, e.g. QEMU virt's root), a label (resolved
    // with __fixups__ when the overlay is applied; the base needs __symbols__), or a phandle number
    // (a base without __symbols__: read it with `fdtget -t x base.dtb /intc phandle`).
    std::optional<std::string> parent_label;
    std::optional<std::uint32_t> parent_phandle;

    [[nodiscard]] std::vector<std::uint32_t> cells() const;
};

struct OverlaySpec {
    std::string name;                     // node name without unit address, e.g. "my-ip"
    std::vector<RegWindow> reg;           // at least one; the unit address is the first
    unsigned address_cells = 2;           // the target bus's #address-cells (1 or 2)
    unsigned size_cells = 2;              // the target bus's #size-cells (1 or 2)
    std::vector<std::string> compatible{"generic-uio"};
    std::optional<InterruptSpec> interrupt;
    std::string target_path;              // exactly one of target_path and target_label
    std::string target_label;
    std::optional<std::string> uio_name;  // linux,uio-name

    [[nodiscard]] std::string node_name() const;  // "my-ip@43c00000"
    // Throws SpecError saying which fact is wrong.
    void validate() const;
};

[[nodiscard]] std::string to_string(Trigger trigger);
[[nodiscard]] Trigger parse_trigger(const std::string& text);  // "level-high", "edge-rising", ...
[[nodiscard]] std::string to_string(InterruptFormat format);
[[nodiscard]] InterruptFormat parse_interrupt_format(const std::string& text);  // "gic-spi", ...

}  // namespace uiokit::dtogen
