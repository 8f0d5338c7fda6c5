// A simulated UIO system for tests of uiokit and of control applications built on it. It writes a
// sysfs tree in the kernel's exact formats (class/uio/uioN links, name, version, event,
// maps/mapN/{name,addr,size,offset}, device/of_node), backs each map with a memfd that the library
// really mmaps (at offset N * page size, as from /dev/uioN), and serves the interrupt protocol over
// a pseudo-terminal in raw mode that the library really reads, writes and polls:
//   - raise_interrupt() behaves like the kernel's handler: if the line is enabled it bumps the count,
//     disables the line and wakes every open file descriptor; if disabled, the interrupt stays
//     pending (as a lazily-disabled edge) and fires when the library writes 1;
//   - set_irq_line(true) is a level-triggered source: it fires like raise_interrupt() and again on
//     every re-enable until set_irq_line(false), so a driver that re-enables before clearing the
//     cause sees the extra interrupt it would see on hardware;
//   - DeviceSpec::handler_disables_irq = false is a UIO driver whose handler leaves the line
//     enabled: every interrupt is counted, and a reader that falls behind sees the count jump;
//   - a 4-byte read returns the newest count, never a stale one; each open gets its own counter;
//   - the 4-byte enable/disable writes are recorded for the test to check;
//   - a device without an interrupt fails writes with EIO, as the kernel does;
//   - remove() is the driver being unbound: blocked and later reads fail with EIO, as in the kernel.
//
// What it cannot reproduce (the virtual board's system tests cover these against a real kernel):
// the kernel's EINVAL for reads and writes that are not 4 bytes, mmap's EINVAL for a length beyond
// the map, non-cached memory attributes and bus faults, EIO for writes to an unbound device, and a
// real interrupt controller's timing. Two differences a test must allow for:
//   - an enable/disable write takes effect when the simulator's thread reads it from the
//     pseudo-terminal, microseconds after write(2) returns (the kernel's is synchronous): wait with
//     wait_for_control_writes() before raising an interrupt that depends on it;
//   - the `event` file is rewritten in place, so a read racing a rewrite to fewer digits (the count
//     wrapping to 0, or set_event_count) can see a torn number; sysfs reads are atomic.
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
    std::string version = "devicetree";
    // DT node path; empty: "/<name>@<first map's phys in hex>". Set has_of_node = false to omit
    // device/of_node (a device not from the device tree).
    std::string of_node;
    bool has_of_node = true;
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
    // Every 4-byte value the library wrote to the device node, in order (1 enable, 0 disable).
    [[nodiscard]] std::vector<std::uint32_t> control_writes() const;
    // Waits until at least `n` control writes were seen; false on timeout.
    bool wait_for_control_writes(std::size_t n, std::chrono::milliseconds timeout) const;
    // Sets the cumulative count (e.g. near 2^32 to test wrap-around); the line state is unchanged.
    void set_event_count(std::uint32_t count);

    // The driver being unbound: every open descriptor's blocked and later reads fail with EIO (an
    // unread count is dropped), which the library reports as the device removed, and its polls
    // report POLLHUP; the device leaves /sys/class/uio and /dev, and opening it fails with ENODEV.
    // Unlike the kernel, later writes to an open descriptor do not fail with EIO: they go nowhere
    // until the pty's buffers fill (about 5,000 four-byte writes, measured), then block.
    void remove();

    struct State;  // internal

private:
    friend class SimulatedSystem;
    explicit SimulatedDevice(std::unique_ptr<State> state);
    void require_interrupt() const;  // throws std::logic_error for a device without one
    std::unique_ptr<State> state_;
};

class SimulatedSystem {
public:
    SimulatedSystem();   // a fresh temporary directory
    ~SimulatedSystem();  // stops the interrupt service and removes the directory
    SimulatedSystem(const SimulatedSystem&) = delete;
    SimulatedSystem& operator=(const SimulatedSystem&) = delete;

    // Adds uioN with the next free index (or `index` when given). Each open of a device with an
    // interrupt holds a pseudo-terminal pair until the system is destroyed (the kernel allows 4096
    // by default: /proc/sys/kernel/pty/max).
    SimulatedDevice& add_device(const DeviceSpec& spec, std::optional<unsigned> index = std::nullopt);

    // class_dir, dev_dir and an opener that serves this system's devices.
    [[nodiscard]] Host host() const;
    [[nodiscard]] const std::filesystem::path& root() const noexcept;
    [[nodiscard]] std::filesystem::path sysfs_root() const;   // <root>/sys
    [[nodiscard]] std::filesystem::path device_dir(unsigned index) const;  // the uioN directory

    struct Impl;  // internal

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace uiokit::sim
