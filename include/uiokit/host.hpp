// Where UIO devices live: the sysfs class directory, the /dev directory, and how a device's files
// are opened. The defaults are the real system; tests and the simulator point them elsewhere, so the
// same discovery and device code runs against a simulated tree.
#pragma once

#include <filesystem>
#include <functional>
#include <vector>

#include <uiokit/unique_fd.hpp>

namespace uiokit {

struct DeviceInfo;

enum class OpenMode {
    read_write,  // a driver: registers writable, the interrupt enabled at open and usable
    read_only,   // inspection: maps are mapped PROT_READ, the interrupt is left alone
    // A tool poking registers (regtool write): registers writable and the interrupt usable, but the
    // line is left as it is, since a driver elsewhere may hold it disabled on purpose.
    read_write_leave_interrupt,
};

// Whether a mode opens the device node and maps for writing (O_RDWR, PROT_WRITE).
[[nodiscard]] constexpr bool writable(OpenMode mode) noexcept { return mode != OpenMode::read_only; }

// The open files behind a Device.
struct DeviceFiles {
    // The device node (/dev/uioN): the interrupt protocol (4-byte read/write, poll), and mmap of map N
    // at offset N * page size.
    UniqueFd node;
};

using DeviceOpener = std::function<DeviceFiles(const DeviceInfo&, OpenMode)>;

struct Host {
    std::filesystem::path class_dir = "/sys/class/uio";
    std::filesystem::path dev_dir = "/dev";
    // The flattened device tree the kernel booted with, for the device-tree selectors
    // (dt:, compatible:, label:). Only read by those lookups; absent on machines without a DT.
    std::filesystem::path fdt = "/sys/firmware/fdt";
    // Empty: open DeviceInfo::dev_node with O_RDWR or O_RDONLY, and O_CLOEXEC. An opener opens
    // O_RDWR when writable(mode), and leaves the interrupt alone (Device enables it for read_write).
    DeviceOpener opener;
};

}  // namespace uiokit
