// The interrupt path makes as few syscalls as the kernel ABI allows. The test binary is linked with
// -Wl,--wrap for read, write, ppoll and poll, so every call uiokit makes is counted (per thread:
// the simulator's service thread does not disturb the count).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <poll.h>
#include <unistd.h>

#include <uiokit/device.hpp>
#include <uiokit/sim/simulated_system.hpp>

#include "test_support.hpp"

namespace {
struct Counts {
    int read = 0, write = 0, ppoll = 0, poll = 0;
    [[nodiscard]] int total() const { return read + write + ppoll + poll; }
};
thread_local Counts counts;
}  // namespace

extern "C" {
ssize_t __real_read(int fd, void* buffer, size_t size);
ssize_t __real_write(int fd, const void* buffer, size_t size);
int __real_ppoll(pollfd* fds, nfds_t n, const timespec* timeout, const sigset_t* mask);
int __real_poll(pollfd* fds, nfds_t n, int timeout);

ssize_t __wrap_read(int fd, void* buffer, size_t size) {
    ++counts.read;
    return __real_read(fd, buffer, size);
}
ssize_t __wrap_write(int fd, const void* buffer, size_t size) {
    ++counts.write;
    return __real_write(fd, buffer, size);
}
int __wrap_ppoll(pollfd* fds, nfds_t n, const timespec* timeout, const sigset_t* mask) {
    ++counts.ppoll;
    return __real_ppoll(fds, n, timeout, mask);
}
int __wrap_poll(pollfd* fds, nfds_t n, int timeout) {
    ++counts.poll;
    return __real_poll(fds, n, timeout);
}
}

using namespace std::chrono_literals;

namespace {
struct Fixture {
    uiokit::sim::SimulatedSystem system;
    uiokit::sim::SimulatedDevice& simulated =
        system.add_device({.name = "irq", .maps = {{.phys = 0x1000, .length = 0x100}}});
    uiokit::Device device =
        uiokit::Device::open(uiokit::Selector::name("irq"), uiokit::OpenMode::read_write, system.host());
};
}  // namespace

TEST_CASE("a blocking wait plus re-enable is 2 syscalls: read and write") {
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

TEST_CASE("a timed wait plus re-enable is 3 syscalls: ppoll, read and write") {
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

TEST_CASE("a cancellable wait is ppoll and read, and a timeout is ppoll alone") {
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
