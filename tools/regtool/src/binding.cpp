// bind and unbind: a platform device to and from uio_pdrv_genirq (uiokit/binding.hpp).
#include <uiokit/binding.hpp>
#include <uiokit/regmap/utf8.hpp>

#include "commands.hpp"

namespace regtool {
namespace {

std::string take_platform_device(Invocation& inv) {
    if (inv.args.empty())
        throw UsageError("no platform device given (its name under /sys/bus/platform/devices, e.g. "
                         "a003a00.virtio_mmio, or its device-tree node, e.g. /virtio_mmio@a003a00)");
    if (inv.args.size() > 1) throw UsageError("unexpected argument '" + inv.args[1] + "'");
    return inv.args.front();
}

std::chrono::milliseconds timeout_of(const Invocation& inv) {
    if (inv.timeout.empty()) return std::chrono::milliseconds(5000);
    return std::chrono::ceil<std::chrono::milliseconds>(parse_duration(inv.timeout, "--timeout"));
}

// A BindError as the other errors are reported (cli.cpp), with its cause in the JSON; a device that
// did not appear in time is exit status 3, as other timeouts are.
int report_bind_error(const Invocation& inv, const uiokit::BindError& e) {
    const int status = e.cause() == uiokit::BindError::Cause::not_appeared ? exit_timeout : exit_runtime_error;
    const std::string message = uiokit::regmap::utf8::escape_invalid(e.what());
    inv.io.err << "regtool " << inv.command << ": " << message << '\n';
    if (inv.io.json) {
        JsonWriter json(inv.io.out);
        begin_json(json, inv.command);
        json.key("error")
            .begin_object()
            .field("status", status)
            .field("message", message)
            .field("cause", uiokit::to_string(e.cause()))
            .end_object();
        json.end_object().end_document();
    }
    return status;
}

std::string or_none(const std::optional<std::string>& value) { return value ? *value : "(none)"; }

}  // namespace

int run_bind(Invocation& inv) {
    const std::string device = take_platform_device(inv);
    const uiokit::BindOptions options{.timeout = timeout_of(inv)};
    uiokit::Binding binding;
    try {
        binding = uiokit::bind_to_uio(device, options, inv.context.host);
    } catch (const uiokit::BindError& e) {
        return report_bind_error(inv, e);
    }
    const uiokit::DeviceInfo& d = binding.device;
    if (inv.io.json) {
        JsonWriter json(inv.io.out);
        begin_json(json, "bind");
        json.field("platform_device", binding.platform_device)
            .field("changed", binding.changed)
            .field("previous_driver", binding.previous_driver)
            .field("previous_override", binding.previous_override);
        json.key("device")
            .begin_object()
            .field("index", d.index)
            .field("device", "uio" + std::to_string(d.index))
            .field("name", d.name)
            .field("dev_node", d.dev_node.string())
            .field("of_node", d.of_node);
        write_maps_json(json, d);
        json.end_object().end_object().end_document();
        return exit_ok;
    }
    inv.io.out << binding.platform_device << ": " << (binding.changed ? "bound" : "already bound")
               << " to uio_pdrv_genirq as uio" << d.index << " '" << d.name << "' (" << d.dev_node.string() << ")\n";
    print_maps(inv.io.out, d);
    if (binding.changed) {
        inv.io.out << "  before: driver " << or_none(binding.previous_driver) << ", driver_override "
                   << or_none(binding.previous_override) << '\n'
                   << "  undo: regtool unbind " << binding.platform_device
                   << (binding.previous_override ? " --override " + *binding.previous_override : std::string())
                   << (binding.previous_driver ? " --reprobe" : "") << '\n';
    }
    return exit_ok;
}

int run_unbind(Invocation& inv) {
    const std::string device = take_platform_device(inv);
    const uiokit::UnbindOptions options{
        .restore_override = inv.restore_override, .reprobe = inv.reprobe, .timeout = timeout_of(inv)};
    uiokit::Unbinding result;
    try {
        result = uiokit::unbind_from_uio(device, options, inv.context.host);
    } catch (const uiokit::BindError& e) {
        return report_bind_error(inv, e);
    }
    if (inv.io.json) {
        JsonWriter json(inv.io.out);
        begin_json(json, "unbind");
        json.field("platform_device", result.platform_device)
            .field("removed", result.removed_uio ? std::optional<std::string>("uio" + std::to_string(*result.removed_uio))
                                                 : std::nullopt)
            .field("driver_override", result.override)
            .field("driver", result.driver)
            .end_object()
            .end_document();
        return exit_ok;
    }
    inv.io.out << result.platform_device << ": "
               << (result.removed_uio ? "unbound from uio_pdrv_genirq, uio" + std::to_string(*result.removed_uio) + " removed"
                                      : std::string("was not bound to uio_pdrv_genirq"))
               << "; driver_override " << or_none(result.override) << ", driver " << or_none(result.driver) << '\n';
    return exit_ok;
}

}  // namespace regtool
