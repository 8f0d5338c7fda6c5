// Binding a platform device to uio_pdrv_genirq at run time, without a device-tree overlay: the
// kernel's driver_override route (Documentation/ABI/testing/sysfs-bus-platform), done in the right
// order, waited for with a deadline, and undone.
//
// What bind_to_uio does, under Host::platform_bus_dir (/sys/bus/platform):
//   1. finds the platform device: devices/NAME, or the device whose of_node is a DT node path;
//   2. checks that drivers/uio_pdrv_genirq exists (the module is loaded);
//   3. writes "uio_pdrv_genirq" to devices/NAME/driver_override (first, so that a caller without
//      permission fails before anything changed);
//   4. unbinds the current driver, if any (NAME to devices/NAME/driver/unbind);
//   5. writes NAME to drivers_probe, which probes the drivers that match: only uio_pdrv_genirq now;
//   6. polls, until the deadline, for the /sys/class/uio entry whose `device` link resolves to the
//      platform device, and for its /dev node. Polling, not inotify: sysfs sends no inotify events
//      for entries the kernel creates, and a deferred probe binds later from a kernel thread.
// On a failure after step 3, the previous override is written back and, when the device had a
// driver, it is probed again (best effort; the error says the device was restored).
//
// Undoing it: the kernel keeps only the current override, so the previous one exists only in the
// Binding bind_to_uio returns. A program that binds and unbinds passes the Binding back
// (unbind_from_uio(binding)); a command that unbinds in another process (regtool unbind) cannot know
// it and by default clears the override, which is what a device had before unless someone set one.
// UnbindOptions::restore_override says otherwise, and `reprobe` lets the device's own driver bind
// again.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <uiokit/device_info.hpp>
#include <uiokit/error.hpp>
#include <uiokit/export.hpp>
#include <uiokit/host.hpp>

namespace uiokit {

inline constexpr std::string_view uio_platform_driver = "uio_pdrv_genirq";

// Why a bind or unbind failed; what() names the device, the file and the cause.
class UIOKIT_EXPORT BindError : public Error {
public:
    enum class Cause {
        no_such_device,     // no platform device by that name or DT node (ENODEV)
        driver_not_loaded,  // no drivers/uio_pdrv_genirq: the module is not loaded (ENOENT)
        permission_denied,  // a sysfs write failed with EACCES or EPERM (not root)
        probe_failed,       // the kernel refused a write of the probe or unbind (its errno)
        not_appeared,       // no UIO device within the timeout: the probe failed or was deferred (ETIMEDOUT)
        other_driver,       // the device is bound to another driver (EBUSY)
    };
    BindError(Cause cause, int errno_value, const std::string& context) : Error(errno_value, context), cause_(cause) {}
    [[nodiscard]] Cause cause() const noexcept { return cause_; }

private:
    Cause cause_;
};

// "no_such_device", "driver_not_loaded", ...: the spelling of Cause, for messages and JSON.
[[nodiscard]] UIOKIT_EXPORT std::string_view to_string(BindError::Cause cause) noexcept;

// The platform device's sysfs name (a003a00.virtio_mmio) for a name or a DT node path (anything
// starting with '/': /virtio_mmio@a003a00). Throws BindError no_such_device.
[[nodiscard]] UIOKIT_EXPORT std::string find_platform_device(std::string_view name_or_node, const Host& host = {});

struct BindOptions {
    // How long to wait for the UIO device to appear after the probe.
    std::chrono::milliseconds timeout{5000};
};

// What bind_to_uio found and did: what unbind_from_uio(Binding) restores.
struct Binding {
    std::string platform_device;                 // its sysfs name, e.g. "a003a00.virtio_mmio"
    std::optional<std::string> previous_driver;  // the driver it was bound to; nothing: none
    std::optional<std::string> previous_override;  // driver_override before; nothing: "(null)", none set
    // false: it was bound to uio_pdrv_genirq already and nothing was written; unbinding this Binding
    // then leaves it bound.
    bool changed = true;
    DeviceInfo device;                           // the UIO device, read once it appeared
};

// Binds the platform device (a sysfs name or a DT node path, see find_platform_device) to
// uio_pdrv_genirq and returns its UIO device. Throws BindError (see Cause).
[[nodiscard]] UIOKIT_EXPORT Binding bind_to_uio(std::string_view name_or_node, const BindOptions& options = {},
                                                const Host& host = {});

struct UnbindOptions {
    // What driver_override becomes; nothing: cleared (the kernel's "no override").
    std::optional<std::string> restore_override;
    // Probe the device again afterwards, so that the driver that matches it (by compatible, or by
    // the restored override) binds.
    bool reprobe = false;
    // How long to wait for the UIO device to go.
    std::chrono::milliseconds timeout{5000};
};

// The state after an unbind.
struct Unbinding {
    std::string platform_device;
    std::optional<unsigned> removed_uio;   // the uioN index that went; nothing: it was not bound
    std::optional<std::string> override;   // driver_override now; nothing: none
    std::optional<std::string> driver;     // the driver bound now (after reprobe); nothing: none
};

// Unbinds the device from uio_pdrv_genirq (when bound to it) and sets driver_override as the options
// say. A device bound to another driver is left alone: BindError other_driver.
UIOKIT_EXPORT Unbinding unbind_from_uio(std::string_view name_or_node, const UnbindOptions& options = {},
                                        const Host& host = {});
// Undoes bind_to_uio: restores the Binding's previous override and, with `reprobe`, lets the
// previous driver bind again. Does nothing to a Binding whose `changed` is false.
UIOKIT_EXPORT Unbinding unbind_from_uio(const Binding& binding, bool reprobe = true, const Host& host = {});

}  // namespace uiokit
