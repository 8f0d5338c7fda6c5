// How Device::open gets a device's node: the seam through which the simulator
// (<uiokit/sim/simulated_system.hpp>) serves its own device nodes. Not part of the public API:
// applications leave Host::opener empty, and the real node is opened.
#pragma once

#include <functional>

#include <uiokit/unique_fd.hpp>

namespace uiokit {

struct DeviceInfo;
struct OpenOptions;

namespace detail {

// The open files behind a Device.
struct DeviceFiles {
    // The device node (/dev/uioN): the interrupt protocol (4-byte read/write, poll), and mmap of map N
    // at offset N * page size.
    UniqueFd node;
};

// Opens DeviceInfo::dev_node O_RDWR when OpenOptions::writable, else O_RDONLY, and leaves the
// interrupt alone (Device::open enables it when the options ask for that).
using DeviceOpener = std::function<DeviceFiles(const DeviceInfo&, const OpenOptions&)>;

}  // namespace detail
}  // namespace uiokit
