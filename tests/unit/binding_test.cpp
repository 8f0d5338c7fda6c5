// Binding platform devices to uio_pdrv_genirq at run time (binding.hpp), against the simulator's
// model of the kernel's platform bus (PlatformDeviceSpec in simulated_system.hpp).
#include <catch2/catch.hpp>

#include <chrono>

#include <uiokit/binding.hpp>
#include <uiokit/device.hpp>
#include <uiokit/discovery.hpp>
#include <uiokit/sim/simulated_system.hpp>

#include "test_support.hpp"

using namespace uiokit;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

constexpr const char* slot = "a003a00.virtio_mmio";
constexpr const char* slot_node = "/virtio_mmio@a003a00";

// A virtio-mmio slot of QEMU virt, as the board has it: a platform device that virtio_mmio.ko
// would match by compatible.
sim::PlatformDeviceSpec slot_spec(std::string driver = "") {
    return {.name = slot,
            .of_node = slot_node,
            .driver = std::move(driver),
            .matching_driver = "virtio-mmio",
            .uio = {.name = "virtio_mmio", .maps = {{.phys = 0xa003a00, .length = 0x200}}}};
}

struct Bus {
    sim::SimulatedSystem system;
    Host host = system.host();
    explicit Bus(bool uio_loaded = true) {
        if (uio_loaded) system.add_platform_driver("uio_pdrv_genirq");
        system.add_platform_driver("virtio-mmio");
    }
    [[nodiscard]] fs::path device_dir() const { return host.platform_bus_dir / "devices" / slot; }
    [[nodiscard]] std::string override_file() const { return uiokit_test_read(device_dir() / "driver_override"); }
    [[nodiscard]] std::string driver() const { return system.platform_driver(slot); }
    [[nodiscard]] int write(const fs::path& file, std::string_view text) const { return host.attribute_writer(file, text); }
};

BindError::Cause cause_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const BindError& e) {
        return e.cause();
    }
    FAIL("no BindError");
    return BindError::Cause::no_such_device;
}

}  // namespace

TEST_CASE("bind_to_uio binds an unbound platform device and returns its new UIO device", "[binding]") {
    Bus bus;
    bus.system.add_platform_device(slot_spec());
    const Binding binding = bind_to_uio(slot, {}, bus.host);
    CHECK(binding.platform_device == slot);
    CHECK(binding.changed);
    CHECK_FALSE(binding.previous_driver);
    CHECK_FALSE(binding.previous_override);
    CHECK(binding.device.name == "virtio_mmio");
    CHECK(binding.device.of_node == std::optional<std::string>(slot_node));
    REQUIRE(binding.device.maps.size() == 1);
    CHECK(binding.device.map(0).start() == 0xa003a00);
    CHECK(bus.override_file() == "uio_pdrv_genirq\n");
    CHECK(bus.driver() == "uio_pdrv_genirq");
    CHECK(fs::canonical(binding.device.sysfs_dir / "device") == fs::canonical(bus.device_dir()));
    // The UIO device opens and maps: it is the one the selector finds too.
    Device device = Device::open(Selector::parse("virtio_mmio"), {}, bus.host);
    CHECK(device.info().index == binding.device.index);
    CHECK(device.map(0).size() >= 0x200);
}

TEST_CASE("bind_to_uio finds the platform device by its device-tree node", "[binding]") {
    Bus bus;
    bus.system.add_platform_device(slot_spec());
    CHECK(find_platform_device(slot_node, bus.host) == slot);
    CHECK(find_platform_device(std::string(slot_node) + "/", bus.host) == slot);
    const Binding binding = bind_to_uio(slot_node, {}, bus.host);
    CHECK(binding.platform_device == slot);
    CHECK(bus.driver() == "uio_pdrv_genirq");
}

TEST_CASE("bind_to_uio unbinds the current driver first and unbind_from_uio gives the device back", "[binding]") {
    Bus bus;
    bus.system.add_platform_device(slot_spec("virtio-mmio"));
    const Binding binding = bind_to_uio(slot, {}, bus.host);
    CHECK(binding.previous_driver == std::optional<std::string>("virtio-mmio"));
    CHECK(bus.driver() == "uio_pdrv_genirq");
    CHECK(device_indices(bus.host) == std::vector<unsigned>{binding.device.index});

    const Unbinding undone = unbind_from_uio(binding, true, bus.host);
    CHECK(undone.removed_uio == std::optional<unsigned>(binding.device.index));
    CHECK_FALSE(undone.override);
    CHECK(undone.driver == std::optional<std::string>("virtio-mmio"));
    CHECK(bus.driver() == "virtio-mmio");
    CHECK(bus.override_file() == "(null)\n");
    CHECK(device_indices(bus.host).empty());
    CHECK_FALSE(fs::exists(binding.device.dev_node));
}

TEST_CASE("unbind_from_uio with the Binding restores the previous override", "[binding]") {
    Bus bus;
    bus.system.add_platform_device(slot_spec());
    REQUIRE(bus.write(bus.device_dir() / "driver_override", "virtio-mmio\n") == 0);
    const Binding binding = bind_to_uio(slot, {}, bus.host);
    CHECK(binding.previous_override == std::optional<std::string>("virtio-mmio"));
    const Unbinding undone = unbind_from_uio(binding, false, bus.host);
    CHECK(undone.override == std::optional<std::string>("virtio-mmio"));
    CHECK_FALSE(undone.driver);
    CHECK(bus.override_file() == "virtio-mmio\n");
    CHECK(bus.driver().empty());
}

TEST_CASE("unbind_from_uio by name clears the override, or sets the one asked for, and can reprobe", "[binding]") {
    Bus bus;
    bus.system.add_platform_device(slot_spec("virtio-mmio"));
    const unsigned index = bind_to_uio(slot, {}, bus.host).device.index;
    SECTION("cleared, not reprobed") {
        const Unbinding undone = unbind_from_uio(slot, {}, bus.host);
        CHECK(undone.removed_uio == std::optional<unsigned>(index));
        CHECK(bus.override_file() == "(null)\n");
        CHECK(bus.driver().empty());
    }
    SECTION("cleared and reprobed: the driver that matches by compatible binds") {
        const Unbinding undone = unbind_from_uio(slot, {.reprobe = true}, bus.host);
        CHECK(undone.driver == std::optional<std::string>("virtio-mmio"));
    }
    SECTION("an override given") {
        const Unbinding undone = unbind_from_uio(slot, {.restore_override = "virtio-mmio"}, bus.host);
        CHECK(bus.override_file() == "virtio-mmio\n");
        CHECK(undone.override == std::optional<std::string>("virtio-mmio"));
    }
    SECTION("a second unbind finds nothing bound and changes nothing") {
        (void)unbind_from_uio(slot, {}, bus.host);
        const Unbinding again = unbind_from_uio(slot, {}, bus.host);
        CHECK_FALSE(again.removed_uio);
        CHECK(bus.override_file() == "(null)\n");
    }
}

TEST_CASE("bind_to_uio on a device bound to uio_pdrv_genirq already returns it and changes nothing", "[binding]") {
    Bus bus;
    bus.system.add_platform_device(slot_spec());
    const Binding first = bind_to_uio(slot, {}, bus.host);
    const Binding second = bind_to_uio(slot, {}, bus.host);
    CHECK_FALSE(second.changed);
    CHECK(second.device.index == first.device.index);
    (void)unbind_from_uio(second, true, bus.host);
    CHECK(bus.driver() == "uio_pdrv_genirq");
    CHECK(device_indices(bus.host) == std::vector<unsigned>{first.device.index});
}

TEST_CASE("bind_to_uio waits for a deferred probe", "[binding]") {
    Bus bus;
    auto spec = slot_spec();
    spec.probe_delay = 50ms;
    bus.system.add_platform_device(spec);
    const auto start = std::chrono::steady_clock::now();
    const Binding binding = bind_to_uio(slot, {.timeout = 5s}, bus.host);
    CHECK(std::chrono::steady_clock::now() - start >= 50ms);
    CHECK(binding.device.name == "virtio_mmio");
}

TEST_CASE("bind_to_uio errors name the cause", "[binding]") {
    SECTION("no such platform device, by name and by node") {
        Bus bus;
        bus.system.add_platform_device(slot_spec());
        CHECK(cause_of([&] { (void)bind_to_uio("a003800.virtio_mmio", {}, bus.host); }) ==
              BindError::Cause::no_such_device);
        CHECK(cause_of([&] { (void)bind_to_uio("/virtio_mmio@a003800", {}, bus.host); }) ==
              BindError::Cause::no_such_device);
        CHECK(cause_of([&] { (void)bind_to_uio("../../devices", {}, bus.host); }) == BindError::Cause::no_such_device);
        CHECK_THROWS_WITH(bind_to_uio("a003800.virtio_mmio", {}, bus.host),
                          Catch::Contains("no platform device 'a003800.virtio_mmio'"));
    }
    SECTION("uio_pdrv_genirq not loaded: nothing written") {
        Bus bus(false);
        bus.system.add_platform_device(slot_spec("virtio-mmio"));
        CHECK_THROWS_WITH(bind_to_uio(slot, {}, bus.host), Catch::Contains("uio_pdrv_genirq is not loaded"));
        CHECK(cause_of([&] { (void)bind_to_uio(slot, {}, bus.host); }) == BindError::Cause::driver_not_loaded);
        CHECK(bus.driver() == "virtio-mmio");
        CHECK(bus.override_file() == "(null)\n");
    }
    SECTION("permission denied: nothing changed") {
        Bus bus;
        bus.system.add_platform_device(slot_spec("virtio-mmio"));
        bus.system.fail_attribute_writes(EACCES);
        try {
            (void)bind_to_uio(slot, {}, bus.host);
            FAIL("bound without permission");
        } catch (const BindError& e) {
            CHECK(e.cause() == BindError::Cause::permission_denied);
            CHECK(e.code().value() == EACCES);
            CHECK_THAT(e.what(), Catch::Contains("driver_override") && Catch::Contains("root"));
        }
        CHECK(bus.driver() == "virtio-mmio");
        CHECK(bus.override_file() == "(null)\n");
    }
    SECTION("the probe fails: not_appeared within the timeout, and the previous driver is back") {
        Bus bus;
        auto spec = slot_spec("virtio-mmio");
        spec.probe_error = ENXIO;
        bus.system.add_platform_device(spec);
        CHECK_THROWS_WITH(bind_to_uio(slot, {.timeout = 30ms}, bus.host),
                          Catch::Contains("no driver bound it") && Catch::Contains("restored"));
        CHECK(bus.driver() == "virtio-mmio");
        CHECK(bus.override_file() == "(null)\n");
    }
    SECTION("the device does not appear within a short timeout: the error comes at the deadline") {
        Bus bus;
        auto spec = slot_spec();
        spec.probe_delay = 10s;
        bus.system.add_platform_device(spec);
        const auto start = std::chrono::steady_clock::now();
        CHECK(cause_of([&] { (void)bind_to_uio(slot, {.timeout = 50ms}, bus.host); }) ==
              BindError::Cause::not_appeared);
        const auto took = std::chrono::steady_clock::now() - start;
        CHECK(took >= 50ms);
        CHECK(took < 5s);
        CHECK(bus.driver().empty());
        CHECK(bus.override_file() == "(null)\n");
    }
    SECTION("unbinding a device bound to another driver is refused") {
        Bus bus;
        bus.system.add_platform_device(slot_spec("virtio-mmio"));
        CHECK(cause_of([&] { (void)unbind_from_uio(slot, {}, bus.host); }) == BindError::Cause::other_driver);
        CHECK(bus.driver() == "virtio-mmio");
    }
}

TEST_CASE("the simulated platform bus answers sysfs writes as the kernel does", "[binding][sim]") {
    Bus bus;
    bus.system.add_platform_device(slot_spec("virtio-mmio"));
    const fs::path drivers = bus.host.platform_bus_dir / "drivers";
    // unbind_store: not bound to that driver -> ENODEV; bind_store: bound -> EBUSY, no such device -> ENODEV.
    CHECK(bus.write(drivers / "uio_pdrv_genirq/unbind", slot) == ENODEV);
    CHECK(bus.write(drivers / "virtio-mmio/bind", slot) == EBUSY);
    CHECK(bus.write(drivers / "virtio-mmio/bind", "nothing.here") == ENODEV);
    CHECK(bus.write(bus.host.platform_bus_dir / "drivers_probe", "nothing.here") == ENODEV);
    // An override does not unbind; the device's link to its driver stays.
    CHECK(bus.write(bus.device_dir() / "driver_override", "uio_pdrv_genirq\n") == 0);
    CHECK(bus.driver() == "virtio-mmio");
    CHECK(fs::read_symlink(bus.device_dir() / "driver").filename() == "virtio-mmio");
    CHECK(bus.write(drivers / "virtio-mmio/unbind", std::string(slot) + "\n") == 0);
    CHECK_FALSE(fs::is_symlink(bus.device_dir() / "driver"));
    // Now only the override's driver matches: bind of another is ENODEV, the probe binds uio_pdrv_genirq.
    CHECK(bus.write(drivers / "virtio-mmio/bind", slot) == ENODEV);
    CHECK(bus.write(bus.host.platform_bus_dir / "drivers_probe", slot) == 0);
    CHECK(bus.driver() == "uio_pdrv_genirq");
    CHECK(fs::is_symlink(drivers / "uio_pdrv_genirq" / slot));
    CHECK(device_indices(bus.host).size() == 1);
    // A newline alone clears the override; too long an override is EINVAL.
    CHECK(bus.write(bus.device_dir() / "driver_override", "\n") == 0);
    CHECK(bus.override_file() == "(null)\n");
    CHECK(bus.write(bus.device_dir() / "driver_override", std::string(4096, 'x')) == EINVAL);
    // The bind file probes too, and a failing probe fails the write with its errno.
    Bus failing;
    auto spec = slot_spec();
    spec.probe_error = ENXIO;
    failing.system.add_platform_device(spec);
    CHECK(failing.write(failing.device_dir() / "driver_override", "uio_pdrv_genirq") == 0);
    CHECK(failing.write(failing.host.platform_bus_dir / "drivers/uio_pdrv_genirq/bind", slot) == ENXIO);
    CHECK(failing.write(failing.host.platform_bus_dir / "drivers_probe", slot) == 0);  // ignored, as the kernel does
    CHECK(failing.driver().empty());
}
