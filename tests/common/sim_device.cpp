#include "sim_device.hpp"

#include <catch2/catch.hpp>

#include "timing.hpp"

namespace uiokit_test {

namespace {
uiokit::sim::DeviceSpec spec_of(const SimDeviceOptions& options) {
    return {.name = options.name,
            .maps = options.maps,
            .has_interrupt = options.has_interrupt,
            .handler_disables_irq = options.handler_disables_irq,
            .has_irqcontrol = options.has_irqcontrol};
}
}  // namespace

SimDevice::SimDevice(const SimDeviceOptions& options) : SimDevice(spec_of(options)) {}

uiokit::Device SimDevice::open(const uiokit::OpenOptions& options) const {
    return uiokit::Device::open(uiokit::Selector::index(device.index()), options, system.host());
}

uiokit::Device SimDevice::open_enabled() const {
    uiokit::Device dev = open(uiokit::OpenOptions{});
    REQUIRE(device.wait_for_control_writes(1, hang_limit));
    return dev;
}

}  // namespace uiokit_test
