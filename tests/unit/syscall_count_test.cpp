// The interrupt path makes as few syscalls as the kernel ABI allows. Programs linked with the
// simulator have read, write, poll, ppoll and mmap wrapped (-Wl,--wrap), so every call uiokit makes
// is counted, per thread.
#include <catch2/catch.hpp>

#include <poll.h>
#include <unistd.h>

#include <uiokit/device.hpp>
#include <uiokit/sim/simulated_system.hpp>

#include "sim_device.hpp"
#include "test_support.hpp"

namespace {
uiokit::sim::SyscallCounts& counts = uiokit::sim::this_thread_syscalls();
}  // namespace

using namespace std::chrono_literals;

namespace {
struct Fixture {
    uiokit_test::SimDevice sim{uiokit_test::SimDeviceOptions{.name = "irq", .maps = {{.phys = 0x1000, .length = 0x100}}}};
    uiokit::sim::SimulatedDevice& simulated = sim.device;
    uiokit::Device device = sim.open();
};
}  // namespace

TEST_CASE("a blocking wait plus re-enable is 2 syscalls: read and write", "[interrupt][syscalls]") {
    Fixture f;
    f.simulated.raise_interrupt();
    counts = {};
    const auto event = f.device.interrupt().wait();
    f.device.interrupt().enable();
    CHECK(event.count == 1);
    CHECK(counts.read == 1);
    CHECK(counts.write == 1);
    CHECK(counts.total() == 2);
}

TEST_CASE("a timed wait plus re-enable is 3 syscalls: ppoll, read and write", "[interrupt][syscalls]") {
    Fixture f;
    f.simulated.raise_interrupt();
    counts = {};
    const auto event = f.device.interrupt().wait_for(hang_limit);
    f.device.interrupt().enable();
    REQUIRE(event.has_value());
    CHECK(counts.ppoll == 1);
    CHECK(counts.read == 1);
    CHECK(counts.write == 1);
    CHECK(counts.total() == 3);
}

TEST_CASE("a cancellable wait is ppoll and read, and a timeout is ppoll alone", "[interrupt][syscalls]") {
    Fixture f;
    uiokit::WaitCanceller canceller;
    f.simulated.raise_interrupt();
    counts = {};
    REQUIRE(f.device.interrupt().wait(canceller).has_value());
    CHECK(counts.ppoll == 1);
    CHECK(counts.read == 1);
    CHECK(counts.total() == 2);

    counts = {};
    CHECK_FALSE(f.device.interrupt().wait_for(10ms).has_value());
    CHECK(counts.ppoll == 1);
    CHECK(counts.total() == 1);
}
