// An open UIO device: owns the device file descriptor and the mappings of its maps, and gives its
// interrupt. RAII: movable, not copyable; unmaps and closes on destruction. Threads and lifetimes:
// docs/threads-and-lifetimes.md.
#pragma once

#include <memory>
#include <string_view>

#include <uiokit/discovery.hpp>
#include <uiokit/export.hpp>
#include <uiokit/host.hpp>
#include <uiokit/interrupt.hpp>
#include <uiokit/region.hpp>
#include <uiokit/selector.hpp>

namespace uiokit {

// What open does to the interrupt line.
enum class InterruptAtOpen {
    // A driver: enable the line right away (a 4-byte write of 1), since an interrupt that came
    // before open left it disabled.
    enable,
    // A tool poking registers (regtool write): leave the line as it is, since a driver elsewhere
    // may hold it disabled on purpose.
    leave,
};

// How Device::open opens a device, e.g. `uiokit::OpenOptions{.writable = false}` to inspect one.
// The defaults are a driver's.
struct OpenOptions {
    // true: the node is opened O_RDWR and maps are mapped PROT_READ | PROT_WRITE. false: O_RDONLY
    // and PROT_READ; waits still work, enable() and disable() refuse (EBADF), and the line is left
    // as it is whatever `interrupt` says, since a read-only descriptor cannot write it.
    bool writable = true;
    InterruptAtOpen interrupt = InterruptAtOpen::enable;
};

class UIOKIT_EXPORT Device {
public:
    // Finds the device and opens its node (O_RDWR or O_RDONLY, with O_CLOEXEC), then enables the
    // interrupt or leaves it, as `options` say. A device without an interrupt still opens and maps.
    [[nodiscard]] static Device open(const Selector& selector, const OpenOptions& options = {},
                                     const Host& host = {});
    [[nodiscard]] static Device open(DeviceInfo info, const OpenOptions& options = {}, const Host& host = {});

    // A moved-from Device may only be destroyed or assigned to.
    Device(Device&&) noexcept;
    Device& operator=(Device&&) noexcept;
    Device(const Device&) = delete;
    Device& operator=(const Device&) = delete;
    ~Device();

    [[nodiscard]] const DeviceInfo& info() const noexcept;
    [[nodiscard]] const OpenOptions& options() const noexcept;
    [[nodiscard]] int fd() const noexcept;

    // The register window of a map: mapped on first use (mmap at offset index * page size, length
    // the map's size), starting at the map's page offset and as long as the device: its DT `reg`
    // entry's size when known (MapInfo::reg_size, MapInfo::bound()), else to the end of the map's
    // pages. The Region must not outlive this Device. Not thread-safe: map what you need before
    // sharing the Device.
    [[nodiscard]] Region map(unsigned index = 0);
    [[nodiscard]] Region map(std::string_view name);  // by maps/mapN/name
    // The same window extended to the end of the map's last page (MapInfo::window_size()), past the
    // device's `reg`: what else sits in that page, often another device's registers. Only for a
    // caller that means it; its description says "(whole pages)" when that reaches further.
    [[nodiscard]] Region map_whole_pages(unsigned index = 0);

    // The same object for the Device's whole life, also across moves of the Device.
    [[nodiscard]] Interrupt& interrupt() noexcept;

private:
    struct Impl;
    UIOKIT_INTERNAL explicit Device(std::unique_ptr<Impl> impl) noexcept;
    std::unique_ptr<Impl> impl_;
};

}  // namespace uiokit
