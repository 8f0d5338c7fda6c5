// A simulated UIO system for tests of uiokit and of control applications built on it. It writes a
// sysfs tree in the kernel's formats (class/uio/uioN links, name, version, event,
// maps/mapN/{name,addr,size,offset}, device/of_node) and serves each open of /dev/uioN as the
// kernel's drivers/uio/uio.c does, failures included.
//
// How the device node is served. The library runs its real code path: it opens the node once and
// calls read(2), write(2), poll(2)/ppoll(2) and mmap(2) on that one descriptor (map N at offset
// N * page size). No file type an unprivileged process can create has both a device's blocking
// 4-byte reads and an mmap whose offset selects one of several memories with the kernel's limits
// (a pty, a pipe or a socket cannot be mmapped at all; CUSE has no mmap; FUSE needs a mount and maps
// its page cache). So the descriptor is an eventfd, and the uiokit::sim CMake target links every
// program with -Wl,--wrap for read, write, poll, ppoll, mmap and close: for a descriptor the
// simulator handed out, those calls run the simulator's copy of uio.c's file operations, and for
// every other descriptor they are the C library's. uio_read, uio_write, uio_poll and uio_mmap are
// followed check for check, in the kernel's order (errno values as in uio-kernel-facts.md):
//   - read(2): a length other than 4 is EINVAL; a removed device or one without an interrupt is
//     EIO; otherwise it returns the newest count at once if it differs from what this descriptor
//     last read, or sleeps in a real read(2) of the eventfd (so O_NONBLOCK gives EAGAIN and a
//     signal gives EINTR, or a restart with SA_RESTART, as uio_read's ERESTARTSYS does). Each open
//     has its own last-read count, taken at open.
//   - write(2): a descriptor opened O_RDONLY is EBADF; a length other than 4 is EINVAL; a removed
//     device is EINVAL; no interrupt is EIO; a driver without irqcontrol is ENOSYS. Otherwise the
//     value (any non-zero value enables, 0 disables, as uio_pdrv_genirq's irqcontrol does) takes
//     effect before write(2) returns, as in the kernel: control_writes() shows it at once.
//   - poll(2)/ppoll(2): POLLIN while a count this descriptor has not read exists, never POLLOUT;
//     POLLERR (alone) for a removed device or one without an interrupt, at once, and for a wait in
//     progress when the device is removed.
//   - mmap(2): a length of 0 or an offset that is not a page multiple is EINVAL (mmap itself);
//     MAP_SHARED with PROT_WRITE on an O_RDONLY descriptor is EACCES; a removed device, a map
//     index (offset / page size) with no map, or more pages than the map has is EINVAL. The
//     mapping is of the map's memory from its page base, which the test sees through memory().
//   - close(2) ends the open; interrupts are delivered synchronously by raise_interrupt().
//
// The device model:
//   - raise_interrupt() behaves like the kernel's handler: if the line is enabled it bumps the count,
//     disables the line and wakes every open file descriptor; if disabled, the interrupt stays
//     pending (as a lazily-disabled edge) and fires when the library writes 1;
//   - set_irq_line(true) is a level-triggered source: it fires like raise_interrupt() and again on
//     every re-enable until set_irq_line(false), so a driver that re-enables before clearing the
//     cause sees the extra interrupt it would see on hardware;
//   - DeviceSpec::handler_disables_irq = false is a UIO driver whose handler leaves the line
//     enabled: every interrupt is counted, and a reader that falls behind sees the count jump;
//   - DeviceSpec::has_irqcontrol = false is a driver without irqcontrol (writes fail with ENOSYS);
//   - remove() is the driver being unbound.
//
// What differs from the kernel, and why:
//   - Only the six wrapped calls on the descriptor the opener returned are served: a dup(2) of it,
//     readv/pread, fcntl-level tricks and epoll(7) see the bare eventfd (epoll reports POLLIN, not
//     POLLERR, after removal). The wraps apply only to code linked statically into the program,
//     which the uiokit::sim target ensures for uiokit itself; a call from a shared library is not
//     seen. An EFAULT for a bad buffer is a crash instead.
//   - Memory is ordinary shared memory: no non-cached attributes, no bus faults.
//   - The `event` file is rewritten in place, so a read racing a rewrite to fewer digits (the count
//     wrapping to 0, or set_event_count) can see a torn number; sysfs reads are atomic.
//   - Interrupt timing is whatever the test makes it.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <uiokit/host.hpp>
#include <uiokit/region.hpp>

namespace uiokit::sim {

struct MapSpec {
    std::uint64_t phys = 0;      // where the registers start; need not be page-aligned
    std::uint64_t length = 0;    // bytes of registers
    std::string name;            // maps/mapN/name; empty: "<node>@<phys in hex>" like the kernel
};

struct DeviceSpec {
    std::string name;                     // sysfs `name`
    std::vector<MapSpec> maps;
    bool has_interrupt = true;
    // true: uio_pdrv_genirq, whose handler disables the line until user space writes 1, so
    // interrupts in between coalesce. false: a UIO driver whose kernel handler acknowledges the
    // device and leaves the line enabled, so every interrupt is counted and a reader that falls
    // behind sees the count jump (InterruptEvent::missed).
    bool handler_disables_irq = true;
    // false: a driver without irqcontrol (uio_info::irqcontrol NULL): every write(2) to the node
    // fails with ENOSYS, so the line can never be disabled from user space. Such a driver's handler
    // must leave the line enabled: handler_disables_irq must then be false too.
    bool has_irqcontrol = true;
    // How maps/mapN/{addr,size,offset} are printed:
    //   page_aligned: modern uio_pdrv_genirq: addr = start & PAGE_MASK, offset = start & ~PAGE_MASK,
    //                 size = round_up(offset + length, PAGE_SIZE);
    //   raw:          older kernels: addr = start and size = length, unaligned, with offset 0x0;
    //   raw_without_offset: the same from kernels before the `offset` attribute existed.
    // The memory behind the node is the same in all three: whole pages from the page base.
    enum class MapLayout { page_aligned, raw, raw_without_offset };
    MapLayout map_layout = MapLayout::page_aligned;
    // The width of phys_addr_t, which %pa pads addr and size to: 64 ("0x%016llx") or 32
    // ("0x%08x", a 32-bit kernel without LPAE). With 32, every map must lie below 4 GiB.
    unsigned phys_addr_bits = 64;
    std::string version = "devicetree";
    // DT node path; empty: "/<name>@<first map's phys in hex>". Set has_of_node = false to omit
    // device/of_node (a device not from the device tree).
    std::string of_node;
    bool has_of_node = true;
    // The node's `reg` (device/of_node/reg, big-endian cells as sysfs shows properties), written
    // when has_of_node. Empty: the node has no `reg`, so the library bounds maps by the page. Each
    // entry is written in the parent's cells below; a value that does not fit them is a logic_error.
    struct RegEntry {
        std::uint64_t address = 0;
        std::uint64_t size = 0;
    };
    std::vector<RegEntry> reg;
    // The parent node's #address-cells and #size-cells, written next to the node when `reg` is
    // given; 0 leaves the property out (the DT defaults, 2 and 1, then apply). Devices whose nodes
    // share a parent share these: the last device added sets them.
    unsigned parent_address_cells = 2;
    unsigned parent_size_cells = 1;
};

// A platform device on the simulated platform bus, for the binding calls (binding.hpp). The model
// follows drivers/base/bus.c, platform.c and driver.c of Linux 6.1, written to through
// Host::attribute_writer (SimulatedSystem::host() sets it), since writing a file cannot run a
// kernel function:
//   - <sys>/bus/platform/devices/NAME links to <sys>/devices/platform/NAME, which has
//     driver_override ("(null)" when none), of_node (when the spec has one) and, while bound, driver
//     (a link to the driver's directory, which links back to the device by NAME);
//   - driver_override: the text up to a trailing newline, empty clears it; it only changes what
//     matches at the next probe, a bound device stays bound; 4096 bytes or more is EINVAL;
//   - drivers/DRV/unbind: NAME not bound to DRV (or no such device) is ENODEV;
//   - drivers/DRV/bind: no such device, or DRV does not match it, is ENODEV; already bound is EBUSY;
//     a failing probe fails the write with the probe's errno (device_driver_attach);
//   - drivers_probe: no such device is ENODEV; a bound device, or one no loaded driver matches,
//     succeeds doing nothing (bus_rescan_devices_helper), as does a probe that fails (probe_error);
//   - matching (platform_match): the override when one is set, else `matching_driver`;
//   - uio_pdrv_genirq's probe binds the device and registers a UIO device from `uio` under it
//     (/sys/devices/platform/NAME/uio/uioN, class link, /dev node), `probe_delay` later (a
//     deferred probe: the write returns at once, the device binds from another thread); its unbind
//     removes that UIO device (SimulatedDevice::remove());
//   - any other driver's probe only binds (no UIO device).
// Not modelled: module loading (drivers exist from add_platform_driver on), uevents, the kernel's
// reuse of the lowest free uioN index (the simulator counts up), and permissions by file mode:
// fail_attribute_writes() makes every write fail as a non-root user's open would.
struct PlatformDeviceSpec {
    std::string name;                 // sysfs name, e.g. "a003a00.virtio_mmio"
    std::string of_node;              // DT node path ("/virtio_mmio@a003a00"); empty: no of_node
    std::string driver;               // bound at the start (a driver added with add_platform_driver); empty: none
    std::string matching_driver;      // the driver that matches without an override (by compatible); empty: none
    DeviceSpec uio;                   // what uio_pdrv_genirq registers (its of_node is the device's)
    std::chrono::milliseconds probe_delay{0};  // between the probe's trigger and the bind
    int probe_error = 0;              // uio_pdrv_genirq's probe fails with this errno: nothing binds
};

class SimulatedDevice {
public:
    ~SimulatedDevice();
    SimulatedDevice(const SimulatedDevice&) = delete;
    SimulatedDevice& operator=(const SimulatedDevice&) = delete;

    [[nodiscard]] unsigned index() const noexcept;
    [[nodiscard]] const DeviceSpec& spec() const noexcept;

    // The device side of map N's registers (the window from the page offset), through the test's
    // own mapping of the same memory the library maps.
    [[nodiscard]] Region memory(unsigned map = 0) const;

    // The hardware asserting the interrupt once (an edge: it does not fire again on re-enable).
    void raise_interrupt();
    // A level-triggered source: while the line is asserted, every enable (the library's write of
    // 1) takes another interrupt at once, as the kernel's enable_irq does. The device model
    // de-asserts it when the driver clears the cause, typically in its status register. With
    // handler_disables_irq = false the line is never disabled, so an asserted line fires once, not
    // continuously as hardware would.
    void set_irq_line(bool asserted);
    [[nodiscard]] std::uint32_t event_count() const;
    [[nodiscard]] bool interrupt_enabled() const;
    [[nodiscard]] bool interrupt_pending() const;
    // Every 4-byte value the library wrote to the device node and the kernel accepted, in order (1
    // enable, 0 disable). A write(2) is recorded before it returns, as uio_write is synchronous.
    [[nodiscard]] std::vector<std::uint32_t> control_writes() const;
    // Waits until at least `n` control writes were seen; false on timeout. Writes are synchronous,
    // so this only matters for writes made by another thread.
    bool wait_for_control_writes(std::size_t n, std::chrono::milliseconds timeout) const;
    // How many descriptors of this device are open (opened and not closed).
    [[nodiscard]] std::size_t open_count() const;
    // Sets the cumulative count (e.g. near 2^32 to test wrap-around); the line state is unchanged.
    void set_event_count(std::uint32_t count);

    // The driver being unbound (uio_unregister_device): blocked and later reads fail with EIO (an
    // unread count is not returned), writes with EINVAL, polls report POLLERR, mmap fails with
    // EINVAL; mappings made before stay. The device leaves /sys/class/uio and /dev, and opening it
    // fails with ENODEV.
    void remove();

private:
    friend class SimulatedSystem;
    friend struct Node;  // one open of the device node (src/sim)
    struct State;
    explicit SimulatedDevice(std::unique_ptr<State> state);
    void require_interrupt() const;  // throws std::logic_error for a device without one
    std::unique_ptr<State> state_;
};

class SimulatedSystem {
public:
    SimulatedSystem();   // a fresh temporary directory
    // Removes the directory. Descriptors still open become bare eventfds: destroy the system last.
    ~SimulatedSystem();
    SimulatedSystem(const SimulatedSystem&) = delete;
    SimulatedSystem& operator=(const SimulatedSystem&) = delete;

    // Adds uioN with the next free index (or `index` when given).
    SimulatedDevice& add_device(const DeviceSpec& spec, std::optional<unsigned> index = std::nullopt);

    // class_dir, dev_dir and an opener that serves this system's devices. The opener's descriptor
    // is served as /dev/uioN (see the top of this file) until it is closed or the system destroyed.
    [[nodiscard]] Host host() const;
    [[nodiscard]] const std::filesystem::path& root() const noexcept;
    [[nodiscard]] std::filesystem::path sysfs_root() const;   // <root>/sys
    [[nodiscard]] std::filesystem::path device_dir(unsigned index) const;  // the uioN directory

    // The platform bus (see PlatformDeviceSpec): a loaded platform driver, <sys>/bus/platform/drivers/NAME.
    void add_platform_driver(const std::string& name);
    void add_platform_device(const PlatformDeviceSpec& spec);
    // Every later attribute write through host() fails with this errno (EACCES: not root); 0: none.
    void fail_attribute_writes(int errno_value);
    // The driver the platform device is bound to; empty: none.
    [[nodiscard]] std::string platform_driver(const std::string& device) const;

private:
    friend class SimulatedDevice;
    friend struct Node;
    struct Impl;
    // add_device, with the UIO device's directory under `platform_dir` when given (the platform
    // device uio_pdrv_genirq probed, whose of_node link is already there).
    SimulatedDevice& add_device_under(const DeviceSpec& spec, std::optional<unsigned> index,
                                      const std::filesystem::path* platform_dir);
    std::unique_ptr<Impl> impl_;
};

// The read, write, poll, ppoll and mmap calls this thread made through the simulator's wraps, on
// any descriptor (the simulator's own calls are not counted): a test counts the syscalls the code
// under test makes by resetting these before and reading them after.
struct SyscallCounts {
    int read = 0, write = 0, poll = 0, ppoll = 0, mmap = 0;
    [[nodiscard]] int total() const noexcept { return read + write + poll + ppoll + mmap; }
    // Every ppoll(2): the timeout asked (none: infinite), when it was entered and when it returned
    // (steady clock, taken just around the system call), and what it returned.
    struct Ppoll {
        std::optional<std::chrono::nanoseconds> timeout;
        std::chrono::steady_clock::time_point entered, returned;
        int result = 0;
    };
    std::vector<Ppoll> ppolls;
};
[[nodiscard]] SyscallCounts& this_thread_syscalls() noexcept;

}  // namespace uiokit::sim
