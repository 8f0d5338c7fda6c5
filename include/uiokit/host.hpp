// Where UIO devices live: the sysfs class directory, the /dev directory, and how a device's files
// are opened. The defaults are the real system; tests and the simulator point them elsewhere, so the
// same discovery and device code runs against a simulated tree.
#pragma once

#include <filesystem>

#include <uiokit/detail/attribute_writer.hpp>
#include <uiokit/detail/device_opener.hpp>

namespace uiokit {

struct Host {
    std::filesystem::path class_dir = "/sys/class/uio";
    std::filesystem::path dev_dir = "/dev";
    // The flattened device tree the kernel booted with, for the device-tree selectors
    // (dt:, compatible:, label:). Only read by those lookups; absent on machines without a DT.
    std::filesystem::path fdt = "/sys/firmware/fdt";
    // Internal, for the simulator, which serves its own device nodes (SimulatedSystem::host() sets
    // it). Empty: Device::open opens DeviceInfo::dev_node with O_RDWR or O_RDONLY, and O_CLOEXEC.
    detail::DeviceOpener opener;
    // The platform bus, for binding devices to uio_pdrv_genirq at run time (binding.hpp).
    std::filesystem::path platform_bus_dir = "/sys/bus/platform";
    // Internal, for the simulator, which acts on the binding's sysfs writes (SimulatedSystem::host()
    // sets it). Empty: the attribute is opened O_WRONLY and written with one write(2).
    detail::AttributeWriter attribute_writer;
};

}  // namespace uiokit
