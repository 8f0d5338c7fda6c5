#include <uiokit/binding.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>
#include <thread>

#include <uiokit/discovery.hpp>
#include <uiokit/unique_fd.hpp>

#include "sysfs.hpp"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace uiokit {
namespace {

using Cause = BindError::Cause;

constexpr std::string_view no_override = "(null)";  // what driver_override shows when none is set

fs::path devices_dir(const Host& host) { return host.platform_bus_dir / "devices"; }
fs::path driver_dir(const Host& host, std::string_view driver) {
    return host.platform_bus_dir / "drivers" / std::string(driver);
}

// One write(2) of the whole text: a sysfs store sees exactly what one write gives it.
int write_attribute(const Host& host, const fs::path& file, std::string_view text) {
    if (host.attribute_writer) return host.attribute_writer(file, text);
    const UniqueFd fd(::open(file.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd) return errno;
    for (;;) {
        const ssize_t n = ::write(fd.get(), text.data(), text.size());
        if (n >= 0) return static_cast<std::size_t>(n) == text.size() ? 0 : EIO;
        if (errno != EINTR) return errno;
    }
}

// Writes or throws: permission errors as permission_denied, others as `cause`.
void write_or_throw(const Host& host, const fs::path& file, std::string_view text, Cause cause,
                    const std::string& what) {
    const int error = write_attribute(host, file, text);
    if (error == 0) return;
    if (error == EACCES || error == EPERM)
        throw BindError(Cause::permission_denied, error,
                        what + ": write '" + std::string(text) + "' to " + file.string() + " (root needed)");
    throw BindError(cause, error, what + ": write '" + std::string(text) + "' to " + file.string());
}

std::optional<std::string> current_driver(const fs::path& device) {
    std::error_code ec;
    const fs::path target = fs::read_symlink(device / "driver", ec);
    if (ec) return std::nullopt;
    return target.filename().string();
}

std::optional<std::string> current_override(const fs::path& device) {
    std::string text = sysfs::read_attribute(device / "driver_override");
    if (text == no_override || text.empty()) return std::nullopt;
    return text;
}

// The UIO device whose `device` link resolves to the platform device, if one is there.
std::optional<unsigned> uio_of(const fs::path& device, const Host& host) {
    std::error_code ec;
    const fs::path wanted = fs::canonical(device, ec);
    if (ec) return std::nullopt;
    std::vector<unsigned> indices;
    try {
        indices = device_indices(host);
    } catch (const Error&) {
        return std::nullopt;  // no /sys/class/uio yet: the uio module registers it
    }
    for (const unsigned index : indices) {
        const fs::path parent = fs::canonical(host.class_dir / ("uio" + std::to_string(index)) / "device", ec);
        if (!ec && parent == wanted) return index;
    }
    return std::nullopt;
}

// Sleeps a little before the next poll, never past the deadline: 1 ms, doubling up to 20 ms.
void pause_until_next_poll(Clock::duration& step, Clock::time_point deadline) {
    const auto now = Clock::now();
    if (now >= deadline) return;
    std::this_thread::sleep_for(std::min(step, deadline - now));
    step = std::min<Clock::duration>(step * 2, std::chrono::milliseconds(20));
}

std::string override_text(const std::optional<std::string>& value) { return value ? *value : "\n"; }

}  // namespace

std::string_view to_string(BindError::Cause cause) noexcept {
    switch (cause) {
    case Cause::no_such_device: return "no_such_device";
    case Cause::driver_not_loaded: return "driver_not_loaded";
    case Cause::permission_denied: return "permission_denied";
    case Cause::probe_failed: return "probe_failed";
    case Cause::not_appeared: return "not_appeared";
    case Cause::other_driver: return "other_driver";
    }
    return "unknown";
}

std::string find_platform_device(std::string_view name_or_node, const Host& host) {
    const fs::path devices = devices_dir(host);
    std::error_code ec;
    if (!name_or_node.starts_with('/')) {
        const std::string name(name_or_node);
        if (name.empty() || name.find('/') != std::string::npos || name == "." || name == ".." ||
            !fs::exists(devices / name, ec))
            throw BindError(Cause::no_such_device, ENODEV,
                            "no platform device '" + name + "' (no " + (devices / name).string() + ")");
        return name;
    }
    // A DT node: the device whose of_node link ends in /devicetree/base<node>.
    std::string node(name_or_node);
    while (node.size() > 1 && node.back() == '/') node.pop_back();
    fs::directory_iterator it(devices, ec);
    if (ec) throw BindError(Cause::no_such_device, ec.value(), "list " + devices.string());
    for (const auto& entry : it) {
        const fs::path of_node = fs::canonical(entry.path() / "of_node", ec);
        if (ec) continue;
        const std::string text = of_node.string();
        const std::string marker = "/devicetree/base";
        const auto at = text.rfind(marker);
        if (at == std::string::npos) continue;
        const std::string path = text.substr(at + marker.size());
        if ((path.empty() ? "/" : path) == node) return entry.path().filename().string();
    }
    throw BindError(Cause::no_such_device, ENODEV,
                    "no platform device has the device-tree node " + node + " (no of_node link under " +
                        devices.string() + " resolves to it)");
}

Binding bind_to_uio(std::string_view name_or_node, const BindOptions& options, const Host& host) {
    Binding binding;
    binding.platform_device = find_platform_device(name_or_node, host);
    const std::string& name = binding.platform_device;
    const fs::path device = devices_dir(host) / name;
    const std::string what = "bind " + name + " to uio_pdrv_genirq";
    std::error_code ec;
    if (!fs::is_directory(driver_dir(host, uio_platform_driver), ec))
        throw BindError(Cause::driver_not_loaded, ENOENT,
                        what + ": uio_pdrv_genirq is not loaded (no " +
                            driver_dir(host, uio_platform_driver).string() + "; modprobe uio_pdrv_genirq)");
    binding.previous_driver = current_driver(device);
    binding.previous_override = current_override(device);
    const Clock::time_point deadline = Clock::now() + options.timeout;

    if (binding.previous_driver == uio_platform_driver) {
        binding.changed = false;
    } else {
        write_or_throw(host, device / "driver_override", uio_platform_driver, Cause::probe_failed, what);
        // From here on, a failure puts back what was there.
        const auto restore = [&] {
            if (current_driver(device) == uio_platform_driver)
                (void)write_attribute(host, driver_dir(host, uio_platform_driver) / "unbind", name);
            (void)write_attribute(host, device / "driver_override", override_text(binding.previous_override));
            if (binding.previous_driver && !current_driver(device))
                (void)write_attribute(host, host.platform_bus_dir / "drivers_probe", name);
        };
        try {
            if (binding.previous_driver) {
                const int error = write_attribute(host, device / "driver" / "unbind", name);
                // ENODEV: it went unbound meanwhile, which is what this write wanted.
                if (error != 0 && error != ENODEV) {
                    if (error == EACCES || error == EPERM)
                        throw BindError(Cause::permission_denied, error,
                                        what + ": unbind from " + *binding.previous_driver + " (root needed)");
                    throw BindError(Cause::probe_failed, error, what + ": unbind from " + *binding.previous_driver);
                }
            }
            write_or_throw(host, host.platform_bus_dir / "drivers_probe", name, Cause::probe_failed, what);
        } catch (const BindError& e) {
            restore();
            throw BindError(e.cause(), e.code().value(), std::string(e.what()) + "; its previous state was restored");
        }
        // Wait for the class entry: the probe is synchronous, but a deferred one binds later.
        Clock::duration step = std::chrono::milliseconds(1);
        for (;;) {
            const auto driver = current_driver(device);
            if (driver && *driver != uio_platform_driver) {
                restore();
                throw BindError(Cause::other_driver, EBUSY,
                                what + ": it is bound to " + *driver + " instead; its previous state was restored");
            }
            if (driver && uio_of(device, host)) break;
            if (Clock::now() >= deadline) {
                restore();
                throw BindError(Cause::not_appeared, ETIMEDOUT,
                                what + ": " +
                                    (driver ? "bound, but no UIO device under " + host.class_dir.string() +
                                                  " links to it"
                                            : std::string("no driver bound it (uio_pdrv_genirq's probe failed or "
                                                          "was deferred: see dmesg)")) +
                                    " within " + std::to_string(options.timeout.count()) +
                                    " ms; its previous state was restored");
            }
            pause_until_next_poll(step, deadline);
        }
    }

    // The node in /dev comes from devtmpfs or udev, possibly after the class entry.
    Clock::duration step = std::chrono::milliseconds(1);
    for (;;) {
        const auto index = uio_of(device, host);
        if (!index) {
            throw BindError(Cause::not_appeared, ENODEV,
                            what + ": bound to uio_pdrv_genirq, but no UIO device under " + host.class_dir.string() +
                                " links to it");
        }
        binding.device = read_device(*index, host);
        if (fs::exists(binding.device.dev_node, ec)) return binding;
        if (Clock::now() >= deadline)
            throw BindError(Cause::not_appeared, ETIMEDOUT,
                            what + ": uio" + std::to_string(*index) + " is registered but " +
                                binding.device.dev_node.string() + " did not appear within " +
                                std::to_string(options.timeout.count()) + " ms (no devtmpfs or udev?)");
        pause_until_next_poll(step, deadline);
    }
}

Unbinding unbind_from_uio(std::string_view name_or_node, const UnbindOptions& options, const Host& host) {
    Unbinding result;
    result.platform_device = find_platform_device(name_or_node, host);
    const std::string& name = result.platform_device;
    const fs::path device = devices_dir(host) / name;
    const std::string what = "unbind " + name + " from uio_pdrv_genirq";
    const auto driver = current_driver(device);
    if (driver && *driver != uio_platform_driver)
        throw BindError(Cause::other_driver, EBUSY,
                        what + ": it is bound to " + *driver + ", not uio_pdrv_genirq; nothing was changed");
    if (driver) {
        result.removed_uio = uio_of(device, host);
        write_or_throw(host, driver_dir(host, uio_platform_driver) / "unbind", name, Cause::probe_failed, what);
    }
    // Only an override of uio_pdrv_genirq is this module's to change, or one the caller names.
    if (options.restore_override || current_override(device) == uio_platform_driver)
        write_or_throw(host, device / "driver_override", override_text(options.restore_override), Cause::probe_failed,
                       what);
    // Unbinding removes the UIO device synchronously; wait anyway, for the deadline's sake.
    const Clock::time_point deadline = Clock::now() + options.timeout;
    Clock::duration step = std::chrono::milliseconds(1);
    while (result.removed_uio && uio_of(device, host)) {
        if (Clock::now() >= deadline)
            throw BindError(Cause::not_appeared, ETIMEDOUT,
                            what + ": uio" + std::to_string(*result.removed_uio) + " is still registered after " +
                                std::to_string(options.timeout.count()) + " ms");
        pause_until_next_poll(step, deadline);
    }
    if (options.reprobe)
        write_or_throw(host, host.platform_bus_dir / "drivers_probe", name, Cause::probe_failed, what + ": reprobe");
    result.override = current_override(device);
    result.driver = current_driver(device);
    return result;
}

Unbinding unbind_from_uio(const Binding& binding, bool reprobe, const Host& host) {
    if (!binding.changed) {
        const fs::path device = devices_dir(host) / binding.platform_device;
        return Unbinding{.platform_device = binding.platform_device,
                         .removed_uio = std::nullopt,
                         .override = current_override(device),
                         .driver = current_driver(device)};
    }
    return unbind_from_uio(binding.platform_device,
                           UnbindOptions{.restore_override = binding.previous_override, .reprobe = reprobe}, host);
}

}  // namespace uiokit
