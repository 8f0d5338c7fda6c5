// The simulated /dev/uioN fails where the kernel's uio.c fails (uio-kernel-facts.md): errno values,
// poll bits and mmap limits, on the descriptor the library really opened.
#include <catch2/catch.hpp>

#include <poll.h>
#include <sys/mman.h>
#include <unistd.h>

#include <future>

#include <uiokit/device.hpp>
#include <uiokit/error.hpp>
#include <uiokit/sim/simulated_system.hpp>

#include "blocked.hpp"
#include "sim_device.hpp"
#include "test_support.hpp"

using namespace uiokit;
using uiokit_test::SimDevice;
namespace fs = std::filesystem;

namespace {
sim::DeviceSpec two_maps() {
    return {.name = "node", .maps = {{.phys = 0x40000000, .length = 0x2000}, {.phys = 0x40013f10, .length = 0x40}}};
}
Device open_node(sim::SimulatedSystem& sys, const OpenOptions& options = {}) {
    return Device::open(Selector::name("node"), options, sys.host());
}
// errno of a failed call, 0 when it succeeded.
int write_errno(int fd, std::uint32_t value, std::size_t size = 4) {
    return ::write(fd, &value, size) < 0 ? errno : 0;
}
int read_errno(int fd, std::size_t size = 4) {
    std::uint64_t value = 0;
    return ::read(fd, &value, size) < 0 ? errno : 0;
}
short poll_bits(int fd, int timeout_ms) {
    pollfd p{fd, POLLIN, 0};
    const timespec timeout{timeout_ms / 1000, (timeout_ms % 1000) * 1'000'000L};
    return ::ppoll(&p, 1, &timeout, nullptr) == 1 ? p.revents : 0;
}
int mmap_errno(int fd, std::size_t length, off_t offset, int prot = PROT_READ) {
    void* at = ::mmap(nullptr, length, prot, MAP_SHARED, fd, offset);
    if (at == MAP_FAILED) return errno;
    ::munmap(at, length);
    return 0;
}
const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}  // namespace

TEST_CASE("after removal a write fails with EINVAL, and enable and disable throw DeviceRemovedError", "[sim][node]") {
    SimDevice sim(two_maps());
    Device dev = sim.open();
    sim.device.remove();
    CHECK(write_errno(dev.fd(), 1) == EINVAL);  // uio_write: !idev->info
    CHECK_THROWS_AS(dev.interrupt().enable(), DeviceRemovedError);
    CHECK_THROWS_WITH(dev.interrupt().disable(), Catch::Contains("was removed"));
    CHECK(sim.device.control_writes() == std::vector<std::uint32_t>{1});  // only the open's
}

TEST_CASE("a device removed between open(2) and the enabling write fails open with DeviceRemovedError", "[sim][node]") {
    SimDevice sim(two_maps());
    Host host = sim.host();
    host.opener = [inner = sim.host().opener, &sim](const DeviceInfo& info, const OpenOptions& mode) {
        detail::DeviceFiles files = inner(info, mode);
        sim.device.remove();
        return files;
    };
    CHECK_THROWS_AS(Device::open(Selector::name("node"), OpenOptions{}, host), DeviceRemovedError);
}

TEST_CASE("a device without an interrupt fails reads and writes with EIO and polls POLLERR", "[sim][node]") {
    auto spec = two_maps();
    spec.has_interrupt = false;
    SimDevice sim(spec);
    Device dev = sim.open(OpenOptions{.interrupt = InterruptAtOpen::leave});
    CHECK(read_errno(dev.fd()) == EIO);
    CHECK(write_errno(dev.fd(), 1) == EIO);
    CHECK(poll_bits(dev.fd(), hang_limit_ms) == POLLERR);  // at once, and nothing else
    CHECK_FALSE(dev.interrupt().available());
}

TEST_CASE("after removal reads fail with EIO and polls report POLLERR, also for a poll in progress", "[sim][node]") {
    SimDevice sim(two_maps());
    Device dev = sim.open();
    std::promise<pid_t> tid;
    auto polled = std::async(std::launch::async, [&] {
        tid.set_value(this_thread_tid());
        return poll_bits(dev.fd(), hang_limit_ms);
    });
    struct RemoveOnExit {
        sim::SimulatedDevice& device;
        ~RemoveOnExit() { device.remove(); }
    } remove_on_exit{sim.device};
    REQUIRE(eventually_asleep_in(tid.get_future().get(), SYS_ppoll));
    sim.device.remove();
    CHECK(polled.get() == POLLERR);
    CHECK(poll_bits(dev.fd(), hang_limit_ms) == POLLERR);
    CHECK(read_errno(dev.fd()) == EIO);
}

TEST_CASE("reads and writes of other than 4 bytes fail with EINVAL and a read-only node refuses writes with EBADF", "[sim][node]") {
    SimDevice sim(two_maps());
    Device dev = sim.open();
    CHECK(read_errno(dev.fd(), 8) == EINVAL);
    CHECK(write_errno(dev.fd(), 1, 2) == EINVAL);
    Device inspect = sim.open(OpenOptions{.writable = false});
    CHECK(write_errno(inspect.fd(), 1) == EBADF);
    CHECK(sim.device.control_writes() == std::vector<std::uint32_t>{1});
    // A control write is taken before write(2) returns, as uio_write is synchronous.
    CHECK(write_errno(dev.fd(), 0) == 0);
    CHECK(sim.device.control_writes() == std::vector<std::uint32_t>{1, 0});
    CHECK_FALSE(sim.device.interrupt_enabled());
}

TEST_CASE("mmap goes through the node: the offset selects the map, with the kernel's limits", "[sim][node]") {
    SimDevice sim(two_maps());
    Device dev = sim.open();
    const int fd = dev.fd();
    // Map 1 at offset 1 page, though map 0 is 2 pages long: the offset is a selector, not a place.
    sim.device.memory(1).write<std::uint32_t>(0, 0xb105f00d);
    void* at = ::mmap(nullptr, page, PROT_READ, MAP_SHARED, fd, static_cast<off_t>(page));
    REQUIRE(at != MAP_FAILED);
    CHECK(*reinterpret_cast<volatile std::uint32_t*>(static_cast<char*>(at) + 0xf10) == 0xb105f00d);
    ::munmap(at, page);

    CHECK(mmap_errno(fd, 2 * page, 0) == 0);           // map 0 is 2 pages
    CHECK(mmap_errno(fd, page / 2, 0) == 0);           // fewer is fine
    CHECK(mmap_errno(fd, 2 * page + 1, 0) == EINVAL);  // a length past the map's size
    CHECK(mmap_errno(fd, 2 * page, static_cast<off_t>(page)) == EINVAL);  // map 1 is 1 page
    CHECK(mmap_errno(fd, page, static_cast<off_t>(2 * page)) == EINVAL);  // no map 2
    CHECK(mmap_errno(fd, page, static_cast<off_t>(5 * page)) == EINVAL);  // past MAX_UIO_MAPS
    CHECK(mmap_errno(fd, page, 0x10) == EINVAL);                          // not a page multiple
    CHECK(mmap_errno(fd, 0, 0) == EINVAL);
    Device inspect = sim.open(OpenOptions{.writable = false});
    CHECK(mmap_errno(inspect.fd(), page, 0, PROT_READ | PROT_WRITE) == EACCES);
    CHECK(mmap_errno(inspect.fd(), page, 0) == 0);

    // The library maps the node itself: its mapping sees the device's memory.
    const Region r = dev.map(1);
    CHECK(r.read<std::uint32_t>(0) == 0xb105f00d);
    sim.device.remove();
    CHECK(mmap_errno(fd, page, 0) == EINVAL);  // uio_mmap: !idev->info
    CHECK(r.read<std::uint32_t>(0) == 0xb105f00d);  // mappings made before stay
    CHECK_THROWS_WITH(dev.map(0), Catch::Contains("mmap map0") && Catch::Contains("Invalid argument"));
}

TEST_CASE("a driver without irqcontrol: writes fail with ENOSYS, enable and disable say so, waits work", "[sim][node]") {
    sim::SimulatedSystem sys;
    auto spec = two_maps();
    spec.has_irqcontrol = false;
    spec.handler_disables_irq = false;
    auto& simdev = sys.add_device(spec);
    Device dev = open_node(sys);  // its enabling write fails with ENOSYS, which open accepts
    CHECK(dev.interrupt().available());
    CHECK(write_errno(dev.fd(), 1) == ENOSYS);
    try {
        dev.interrupt().enable();
        FAIL("enabled");
    } catch (const Error& e) {
        CHECK(e.code().value() == ENOSYS);
        CHECK_THAT(e.what(), Catch::Contains("cannot enable or disable"));
    }
    CHECK_THROWS_AS(dev.interrupt().disable(), Error);
    CHECK(simdev.control_writes().empty());
    simdev.raise_interrupt();
    simdev.raise_interrupt();
    const auto event = dev.interrupt().wait_for(hang_limit);
    REQUIRE(event.has_value());
    CHECK(event->count == 2);
    CHECK(event->missed == 1);
    simdev.raise_interrupt();
    CHECK(dev.interrupt().wait().count == 3);
    CHECK(simdev.interrupt_enabled());
    CHECK_THROWS_AS(sys.add_device({.name = "bad", .maps = {{.phys = 0x1000, .length = 4}}, .has_irqcontrol = false}),
                    std::logic_error);
}

TEST_CASE("32-bit %pa addresses are discovered and mapped", "[sim][node]") {
    auto spec = two_maps();
    spec.phys_addr_bits = 32;
    SimDevice sim(spec);
    const fs::path map1 = sim.system.device_dir(0) / "maps/map1";
    CHECK(uiokit_test_read(map1 / "addr") == "0x40013000\n");
    CHECK(uiokit_test_read(map1 / "size") == "0x00001000\n");
    CHECK(uiokit_test_read(map1 / "offset") == "0xf10\n");
    const DeviceInfo info = find(Selector::address(0x40013f10), sim.host());
    CHECK(info.maps[1].start() == 0x40013f10);
    CHECK(info.maps[1].window_size() == 0xf0);
    Device dev = Device::open(info, OpenOptions{}, sim.host());
    sim.device.memory(1).write<std::uint32_t>(4, 0x1234);
    CHECK(dev.map(1).read<std::uint32_t>(4) == 0x1234);
}

TEST_CASE("older kernels' raw map addresses (offset 0 or absent) are discovered and mapped at the registers", "[sim][node]") {
    const auto layout = GENERATE(sim::DeviceSpec::MapLayout::raw, sim::DeviceSpec::MapLayout::raw_without_offset);
    CAPTURE(static_cast<int>(layout));
    sim::SimulatedSystem sys;
    // Map 1 crosses a page boundary: 0x40013ff0 + 0x20 touches two pages.
    auto& simdev = sys.add_device({.name = "node",
                                   .maps = {{.phys = 0x40000010, .length = 0x20}, {.phys = 0x40013ff0, .length = 0x20}},
                                   .map_layout = layout});
    const fs::path map0 = sys.device_dir(0) / "maps/map0";
    CHECK(uiokit_test_read(map0 / "addr") == "0x0000000040000010\n");
    CHECK(uiokit_test_read(map0 / "size") == "0x0000000000000020\n");
    CHECK(fs::exists(map0 / "offset") == (layout == sim::DeviceSpec::MapLayout::raw));

    const DeviceInfo info = find(Selector::address(0x40000010), sys.host());
    REQUIRE(info.maps.size() == 2);
    CHECK(info.maps[0].addr == 0x40000000);
    CHECK(info.maps[0].offset == 0x10);
    CHECK(info.maps[0].start() == 0x40000010);
    CHECK(info.maps[1].start() == 0x40013ff0);
    CHECK(info.maps[1].size == 2 * page);

    Device dev = Device::open(info, OpenOptions{}, sys.host());
    simdev.memory(0).write<std::uint32_t>(0, 0xcafe0000);
    simdev.memory(1).write<std::uint32_t>(0x1c, 0xcafe0001);  // in the second page
    CHECK(dev.map(0).read<std::uint32_t>(0) == 0xcafe0000);
    CHECK(dev.map(1).read<std::uint32_t>(0x1c) == 0xcafe0001);
}
