// One simulated UIO device in a simulated system of its own, in one line (as libgpiod's
// tests/gpiosim.hpp): `SimDevice sim;` is "dev" with one 0x1000-byte map at 0x40000000 and an
// interrupt from uio_pdrv_genirq; the options name what a test changes, e.g.
//   SimDevice sim({.name = "irqdev", .handler_disables_irq = false});
// A test that needs several devices or a detail the options lack adds to sim.system itself, or
// passes a whole sim::DeviceSpec.
#pragma once

#include <concepts>
#include <string>
#include <vector>

#include <uiokit/device.hpp>
#include <uiokit/host.hpp>
#include <uiokit/sim/simulated_system.hpp>

namespace uiokit_test {

struct SimDeviceOptions {
    std::string name = "dev";
    std::vector<uiokit::sim::MapSpec> maps = {{.phys = 0x40000000, .length = 0x1000}};
    bool has_interrupt = true;
    bool handler_disables_irq = true;  // see sim::DeviceSpec
    bool has_irqcontrol = true;
};

class SimDevice {
public:
    SimDevice() : SimDevice(SimDeviceOptions{}) {}
    explicit SimDevice(const SimDeviceOptions& options);
    // A whole spec. A template so that `SimDevice sim({.name = ...})` means the options, not this.
    template <std::same_as<uiokit::sim::DeviceSpec> Spec>
    explicit SimDevice(const Spec& spec) : device(system.add_device(spec)) {}

    [[nodiscard]] uiokit::Host host() const { return system.host(); }
    // Device::open of this device, read-write as a driver opens it or read-only as a tool inspects.
    [[nodiscard]] uiokit::Device open(const uiokit::OpenOptions& options = {}) const;
    // Opened read-write, and its enabling write seen by the device (REQUIRE): a driver ready for
    // interrupts, with control_writes() == {1}.
    [[nodiscard]] uiokit::Device open_enabled() const;

    uiokit::sim::SimulatedSystem system;  // first: `device` lives in it
    uiokit::sim::SimulatedDevice& device;
};

}  // namespace uiokit_test
