// The interrupt path makes as few syscalls as the kernel ABI allows, and no heap allocations.
// Programs linked with the simulator have read, write, poll, ppoll and mmap wrapped (-Wl,--wrap), so
// every call uiokit makes is counted, per thread; this program also counts operator new per thread.
#include <catch2/catch.hpp>

#include <poll.h>
#include <unistd.h>

#include <cstdlib>
#include <new>

#include <uiokit/device.hpp>
#include <uiokit/event_loop.hpp>
#include <uiokit/sim/simulated_system.hpp>

#include "sim_device.hpp"
#include "test_support.hpp"

namespace {
uiokit::sim::SyscallCounts& counts = uiokit::sim::this_thread_syscalls();
thread_local std::size_t allocations = 0;  // operator new calls on this thread
}  // namespace

// Counting replacements, every form a program may call: under ASan the library's own array and
// nothrow forms are ASan's, and a block from ASan's operator new freed here is an
// alloc-dealloc mismatch. Not inlined: GCC would then see free() of what `new` returned and warn
// (-Wmismatched-new-delete). NOLINTs: these are the allocator, so malloc and free are the point.
namespace {
void* counted_allocation(std::size_t size) noexcept {
    ++allocations;
    return std::malloc(size == 0 ? 1 : size);  // NOLINT(cppcoreguidelines-no-malloc)
}
}  // namespace
[[gnu::noinline]] void* operator new(std::size_t size) {
    if (void* p = counted_allocation(size)) return p;
    throw std::bad_alloc();
}
[[gnu::noinline]] void* operator new[](std::size_t size) {
    if (void* p = counted_allocation(size)) return p;
    throw std::bad_alloc();
}
[[gnu::noinline]] void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return counted_allocation(size); }
[[gnu::noinline]] void* operator new[](std::size_t size, const std::nothrow_t&) noexcept { return counted_allocation(size); }
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }  // NOLINT(cppcoreguidelines-no-malloc)
[[gnu::noinline]] void operator delete[](void* p) noexcept { std::free(p); }  // NOLINT(cppcoreguidelines-no-malloc)
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }  // NOLINT(cppcoreguidelines-no-malloc)
[[gnu::noinline]] void operator delete[](void* p, std::size_t) noexcept { std::free(p); }  // NOLINT(cppcoreguidelines-no-malloc)
[[gnu::noinline]] void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }  // NOLINT(cppcoreguidelines-no-malloc)
[[gnu::noinline]] void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }  // NOLINT(cppcoreguidelines-no-malloc)

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

TEST_CASE("waits allocate nothing: an Interrupt's state is allocated once at open") {
    uiokit::sim::SimulatedSystem system;
    // A handler that leaves the line enabled, so no re-enable (which the simulator records, with
    // an allocation of its own) is needed between the waits.
    auto& simulated = system.add_device(
        {.name = "irq", .maps = {{.phys = 0x1000, .length = 0x100}}, .handler_disables_irq = false});
    auto device = uiokit::Device::open(uiokit::Selector::name("irq"), {}, system.host());
    uiokit::Interrupt& irq = device.interrupt();
    uiokit::WaitCanceller canceller;
    counts = {};
    counts.ppolls.reserve(8);  // the simulator's record of each ppoll must not allocate either

    simulated.raise_interrupt();
    allocations = 0;
    const auto blocking = irq.wait();
    const std::size_t by_wait = allocations;
    CHECK(blocking.count == 1);
    CHECK(by_wait == 0);

    simulated.raise_interrupt();
    allocations = 0;
    const auto timed = irq.wait_for(hang_limit);
    const std::size_t by_wait_for = allocations;
    REQUIRE(timed.has_value());
    CHECK(timed->count == 2);
    CHECK(by_wait_for == 0);

    simulated.raise_interrupt();
    allocations = 0;
    const auto cancellable = irq.wait(canceller);
    const std::size_t by_cancellable_wait = allocations;
    REQUIRE(cancellable.has_value());
    CHECK(cancellable->count == 3);
    CHECK(by_cancellable_wait == 0);

    // The counter counts: opening a device allocates (its state, its DeviceInfo).
    allocations = 0;
    auto second = uiokit::Device::open(uiokit::Selector::name("irq"), {}, system.host());
    CHECK(allocations > 0);
}

// EventLoop: per interrupt, one epoll_wait, the read of the count and the re-enabling write; the
// handler raises the next interrupt, so every epoll_wait returns exactly one event.
TEST_CASE("the event loop takes 3 syscalls per interrupt: epoll_wait read and write", "[event_loop][syscalls]") {
    Fixture f;
    uiokit::EventLoop loop;
    constexpr int interrupts = 100;
    int calls = 0;
    loop.add(f.device.interrupt(), [&](const uiokit::InterruptReport& report) {
        CHECK(report.event.count == static_cast<std::uint32_t>(calls + 1));
        if (++calls < interrupts)
            f.simulated.raise_interrupt();  // pending until the loop re-enables the line after this handler
        else
            loop.stop();  // one write, and one epoll_wait and one read to see it
        return uiokit::Rearm::yes;
    });
    f.simulated.raise_interrupt();
    counts = {};
    REQUIRE(loop.run_for(hang_limit));
    CHECK(calls == interrupts);
    CHECK(counts.epoll_wait == interrupts + 1);
    CHECK(counts.read == interrupts + 1);
    CHECK(counts.write == interrupts + 1);
    CHECK(counts.total() == 3 * (interrupts + 1));
}

TEST_CASE("the event loop allocates nothing per interrupt or timer tick in the steady state", "[event_loop][syscalls]") {
    uiokit::sim::SimulatedSystem system;
    // No irqcontrol (the handler returns Rearm::no), so the simulator's record of control writes,
    // which allocates as it grows, is not in the count.
    auto& simulated = system.add_device({.name = "irq", .maps = {{.phys = 0x1000, .length = 0x100}},
                                         .handler_disables_irq = false, .has_irqcontrol = false});
    auto device = uiokit::Device::open(uiokit::Selector::name("irq"), {}, system.host());
    uiokit::EventLoop loop;
    constexpr int interrupts = 200;
    int calls = 0;
    std::size_t allocations_after_first = 0;
    loop.add(device.interrupt(), [&](const uiokit::InterruptReport& report) {
        CHECK(report.event.missed == 0);
        if (++calls == 1) allocations = 0;
        if (calls < interrupts) {
            simulated.raise_interrupt();
        } else {
            allocations_after_first = allocations;
            loop.stop();
        }
        return uiokit::Rearm::no;
    });
    simulated.raise_interrupt();
    REQUIRE(loop.run_for(hang_limit));
    CHECK(calls == interrupts);
    CHECK(allocations_after_first == 0);

    int ticks = 0;
    std::size_t allocations_by_ticks = 0;
    loop.add_timer(std::chrono::nanoseconds(0), 1ms, [&](std::uint64_t) {
        if (++ticks == 1) allocations = 0;
        if (ticks == 20) {
            allocations_by_ticks = allocations;
            loop.stop();
        }
    });
    REQUIRE(loop.run_for(hang_limit));
    CHECK(ticks == 20);
    CHECK(allocations_by_ticks == 0);
}
