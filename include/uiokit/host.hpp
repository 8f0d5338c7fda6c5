// Where UIO devices live: the sysfs class directory, the /dev directory, and how a device's files
// are opened. The defaults are the real system; tests and the simulator point them elsewhere, so the
// same discovery and device code runs against a simulated tree.
#pragma once

#include <filesystem>

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
};

}  // namespace uiokit
