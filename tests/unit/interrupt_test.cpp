// The interrupt protocol against the simulated device node (served as uio.c does): real read/write/ppoll on descriptors.
#include <catch2/catch.hpp>

#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <barrier>
#include <csignal>
#include <future>
#include <thread>

#include <uiokit/device.hpp>
#include <uiokit/error.hpp>
#include <uiokit/sim/simulated_system.hpp>

#include "blocked.hpp"
#include "sim_device.hpp"
#include "test_support.hpp"

using namespace uiokit;
using uiokit_test::SimDevice;
using namespace std::chrono_literals;

namespace {
sim::DeviceSpec irq_spec() { return {.name = "irqdev", .maps = {{.phys = 0x50000000, .length = 0x100}}}; }

// The next interrupt arrives (within hang_limit) with this count and this many reported missed.
void check_next_interrupt(Device& dev, std::uint32_t count, std::uint32_t missed) {
    const auto event = dev.interrupt().wait_for(hang_limit);
    REQUIRE(event.has_value());
    CHECK(event->count == count);
    CHECK(event->missed == missed);
}
}  // namespace

TEST_CASE("open writes 1 to enable the interrupt, as the kernel protocol requires", "[interrupt]") {
    SimDevice sim(irq_spec());
    Device dev = sim.open_enabled();
    CHECK(sim.device.control_writes() == std::vector<std::uint32_t>{1});
    CHECK(dev.interrupt().available());
    dev.interrupt().disable();
    dev.interrupt().enable();
    REQUIRE(sim.device.wait_for_control_writes(3, hang_limit));
    CHECK(sim.device.control_writes() == std::vector<std::uint32_t>{1, 0, 1});
}

TEST_CASE("read-only inspection does not touch the interrupt", "[interrupt]") {
    SimDevice sim(irq_spec());
    Device dev = sim.open(OpenOptions{.writable = false});
    CHECK(dev.interrupt().available());
    // As on /dev/uioN opened O_RDONLY (EBADF), though the simulator's node is read-write.
    CHECK_THROWS_WITH(dev.interrupt().disable(), Catch::Contains("opened read-only"));
    CHECK_THROWS_AS(dev.interrupt().enable(), Error);
    // Control writes are recorded before write(2) returns (uio_write is synchronous): nothing to wait for.
    CHECK(sim.device.control_writes().empty());
    CHECK(sim.device.interrupt_enabled());
}

TEST_CASE("a tool's read-write open leaves the line as a driver left it", "[interrupt]") {
    SimDevice sim(irq_spec());
    Device driver = sim.open();
    driver.interrupt().disable();  // e.g. while it services the device
    REQUIRE(sim.device.wait_for_control_writes(2, hang_limit));
    CHECK_FALSE(sim.device.interrupt_enabled());

    Device tool = Device::open(Selector::name("irqdev"), OpenOptions{.interrupt = InterruptAtOpen::leave}, sim.host());
    CHECK(tool.interrupt().available());  // known from poll, without writing
    tool.map(0).write<std::uint32_t>(0, 0x5a);
    CHECK(sim.device.memory(0).read<std::uint32_t>(0) == 0x5a);
    CHECK_FALSE(sim.device.interrupt_enabled());

    // Writes on one descriptor arrive in order: had the open written 1, it would show before these.
    tool.interrupt().enable();
    tool.interrupt().disable();
    REQUIRE(sim.device.wait_for_control_writes(4, hang_limit));
    CHECK(sim.device.control_writes() == std::vector<std::uint32_t>{1, 0, 1, 0});
}

TEST_CASE("a timeout of nanoseconds::max() waits like no timeout", "[interrupt]") {
    // The deadline is clamped: under UBSan (the asan preset) an unclamped one is a signed overflow.
    // In other builds the overflow happened to cancel out, so this test bites only there.
    SimDevice sim(irq_spec());
    Device dev = sim.open_enabled();
    sim.device.raise_interrupt();
    const auto event = dev.interrupt().wait_for(std::chrono::nanoseconds::max());
    REQUIRE(event.has_value());
    CHECK(event->count == 1);
}

TEST_CASE("wait returns the cumulative count, and the next interrupt needs a re-enable", "[interrupt]") {
    SimDevice sim(irq_spec());
    Device dev = sim.open_enabled();

    sim.device.raise_interrupt();
    const InterruptEvent first = dev.interrupt().wait();
    CHECK(first.count == 1);
    CHECK(first.missed == 0);
    CHECK_FALSE(sim.device.interrupt_enabled());  // the handler disabled the line

    // Not re-enabled: the next interrupt stays pending and no wait sees it.
    // Delivery is synchronous, so a poll that does not wait is exact.
    sim.device.raise_interrupt();
    CHECK_FALSE(dev.interrupt().wait_for(0ms).has_value());
    CHECK(sim.device.interrupt_pending());

    // Re-enabling delivers it: the classic "fires only once" bug is a missing enable().
    dev.interrupt().enable();
    check_next_interrupt(dev, 2, 0);
    CHECK(dev.interrupt().last_count() == 2);
}

TEST_CASE("a level-triggered source must be cleared before the re-enable, or it fires again at once", "[interrupt]") {
    SimDevice sim(irq_spec());
    Device dev = sim.open_enabled();
    sim.device.set_irq_line(true);
    const auto first = dev.interrupt().wait_for(hang_limit);
    REQUIRE(first.has_value());
    CHECK(first->count == 1);

    SECTION("re-enabled while the source still asserts the line: a second interrupt, not a new event") {
        dev.interrupt().enable();
        const auto again = dev.interrupt().wait_for(hang_limit);
        REQUIRE(again.has_value());
        CHECK(again->count == 2);
        CHECK_FALSE(sim.device.interrupt_enabled());
    }
    SECTION("source cleared first: the re-enable takes nothing, the next assertion is the next interrupt") {
        sim.device.set_irq_line(false);  // the driver acknowledged the cause in the device
        dev.interrupt().enable();
        REQUIRE(sim.device.wait_for_control_writes(2, hang_limit));
        CHECK(sim.device.interrupt_enabled());
        CHECK_FALSE(dev.interrupt().wait_for(0ms).has_value());
        CHECK(sim.device.event_count() == 1);
        sim.device.set_irq_line(true);
        check_next_interrupt(dev, 2, 0);
    }
}

TEST_CASE("with a handler that leaves the line enabled every interrupt counts, and a late reader sees them missed", "[interrupt]") {
    auto spec = irq_spec();
    spec.handler_disables_irq = false;
    SimDevice sim(spec);
    Device dev = sim.open_enabled();
    for (int i = 0; i < 1000; ++i) sim.device.raise_interrupt();
    CHECK(sim.device.event_count() == 1000);
    CHECK(sim.device.interrupt_enabled());
    check_next_interrupt(dev, 1000, 999);  // the newest count, not the first; seen 1 + missed 999 = raised 1000
    sim.device.raise_interrupt();
    check_next_interrupt(dev, 1001, 0);
}

TEST_CASE("wait_for returns nothing on timeout: one ppoll of exactly the time asked, which timed out", "[interrupt]") {
    SimDevice sim(irq_spec());
    Device dev = sim.open();
    auto& calls = sim::this_thread_syscalls();
    calls = {};
    const auto start = std::chrono::steady_clock::now();
    CHECK_FALSE(dev.interrupt().wait_for(100ms).has_value());
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(took >= 100ms);  // from below, exactly: ppoll sleeps at least its timeout
    // From above, an invariant: the wait was a single ppoll given exactly 100 ms, which ended by
    // timing out (0), so nothing of the library's own lengthened it.
    REQUIRE(calls.ppolls.size() == 1);
    CHECK(calls.ppolls[0].timeout == std::optional<std::chrono::nanoseconds>(100ms));
    CHECK(calls.ppolls[0].result == 0);
    CHECK(calls.total() == 1);
    CHECK_FALSE(dev.interrupt().wait_for(0ms).has_value());
    CHECK_FALSE(dev.interrupt().wait_for(-5ms).has_value());
}

TEST_CASE("interrupts counted while this descriptor was not reading are reported as missed", "[interrupt]") {
    SimDevice sim(irq_spec());
    Device dev = sim.open_enabled();

    // Two interrupts between waits: the first fires, the line is re-enabled without a read (as an
    // event loop or a second listener does), the second fires.
    sim.device.raise_interrupt();
    dev.interrupt().enable();
    REQUIRE(sim.device.wait_for_control_writes(2, hang_limit));
    sim.device.raise_interrupt();
    CHECK(sim.device.event_count() == 2);

    check_next_interrupt(dev, 2, 1);  // the newest count, not a stale 1
    CHECK_FALSE(dev.interrupt().wait_for(0ms).has_value());  // nothing left behind
}

TEST_CASE("the missed count is right across the 2^32 wrap", "[interrupt]") {
    SimDevice sim(irq_spec());
    sim.device.set_event_count(0xfffffffeu);
    Device dev = sim.open();
    CHECK(dev.interrupt().last_count() == 0xfffffffeu);
    REQUIRE(sim.device.wait_for_control_writes(1, hang_limit));
    sim.device.raise_interrupt();  // 0xffffffff
    dev.interrupt().enable();
    REQUIRE(sim.device.wait_for_control_writes(2, hang_limit));
    sim.device.raise_interrupt();  // 0 (wrapped)
    check_next_interrupt(dev, 0, 1);
}

TEST_CASE("a blocked wait is cancelled from another thread without polling", "[interrupt]") {
    SimDevice sim(irq_spec());
    Device dev = sim.open();
    WaitCanceller canceller;
    std::promise<pid_t> tid;
    auto waiter = std::async(std::launch::async, [&] {
        tid.set_value(this_thread_tid());
        return dev.interrupt().wait(canceller);
    });
    struct CancelOnExit {
        WaitCanceller& canceller;
        ~CancelOnExit() { canceller.cancel(); }
    } cancel_on_exit{canceller};
    REQUIRE(eventually_asleep_in(tid.get_future().get(), SYS_ppoll));  // really blocked
    canceller.cancel();
    REQUIRE(waiter.wait_for(hang_limit) == std::future_status::ready);
    CHECK_FALSE(waiter.get().has_value());
    CHECK(canceller.cancelled());

    // Stays cancelled until reset, so a wait started after cancel() does not block.
    CHECK_FALSE(dev.interrupt().wait_for(10s, canceller).has_value());
    canceller.reset();
    CHECK_FALSE(canceller.cancelled());
}

TEST_CASE("a cancelled wait leaves a pending interrupt for the next wait", "[interrupt]") {
    SimDevice sim(irq_spec());
    Device dev = sim.open_enabled();
    sim.device.raise_interrupt();
    WaitCanceller canceller;
    canceller.cancel();
    CHECK_FALSE(dev.interrupt().wait(canceller).has_value());
    const auto event = dev.interrupt().wait_for(hang_limit);
    REQUIRE(event.has_value());
    CHECK(event->count == 1);
}

TEST_CASE("every open descriptor has its own count and every listener wakes", "[interrupt]") {
    SimDevice sim(irq_spec());
    Device a = sim.open();
    Device b = sim.open();
    REQUIRE(sim.device.wait_for_control_writes(2, hang_limit));
    std::promise<pid_t> tid_a, tid_b;
    auto wait_a = std::async(std::launch::async, [&] {
        tid_a.set_value(this_thread_tid());
        return a.interrupt().wait_for(hang_limit);
    });
    auto wait_b = std::async(std::launch::async, [&] {
        tid_b.set_value(this_thread_tid());
        return b.interrupt().wait_for(hang_limit);
    });
    // Both blocked before the interrupt: each is woken by it, not already past it.
    CHECK(eventually_asleep_in(tid_a.get_future().get(), SYS_ppoll));
    CHECK(eventually_asleep_in(tid_b.get_future().get(), SYS_ppoll));
    sim.device.raise_interrupt();
    const auto ea = wait_a.get();
    const auto eb = wait_b.get();
    REQUIRE(ea.has_value());
    REQUIRE(eb.has_value());
    CHECK(ea->count == 1);
    CHECK(eb->count == 1);
}

TEST_CASE("a device without an interrupt opens and maps, and says so for waits", "[interrupt]") {
    SimDevice sim({.name = "noirq", .maps = {{.phys = 0x9030fe0, .length = 0x20}}, .has_interrupt = false});
    Device dev = Device::open(Selector::name("noirq"), OpenOptions{}, sim.host());
    CHECK_FALSE(dev.interrupt().available());
    sim.device.memory(0).write<std::uint32_t>(0x1c, 0xb1);
    CHECK(dev.map(0).read<std::uint32_t>(0x1c) == 0xb1);
    CHECK_THROWS_AS(dev.interrupt().wait(), NoInterruptError);
    CHECK_THROWS_WITH(dev.interrupt().wait_for(1s),
                      Catch::Contains("has no interrupt (its kernel driver registered it without one"));
    CHECK_THROWS_AS(dev.interrupt().enable(), NoInterruptError);

    Device inspect = Device::open(Selector::name("noirq"), OpenOptions{.writable = false}, sim.host());
    CHECK_FALSE(inspect.interrupt().available());
    Device tool = Device::open(Selector::name("noirq"), OpenOptions{.interrupt = InterruptAtOpen::leave}, sim.host());
    CHECK_FALSE(tool.interrupt().available());
    CHECK(tool.map(0).writable());
}

namespace {
void ignore_signal(int) {}
}  // namespace

TEST_CASE("signals during a wait are retried, and the timeout still holds", "[interrupt]") {
    SimDevice sim(irq_spec());
    Device dev = sim.open_enabled();

    struct sigaction action {};
    action.sa_handler = ignore_signal;  // no SA_RESTART: every signal interrupts ppoll with EINTR
    struct sigaction previous {};
    REQUIRE(::sigaction(SIGUSR1, &action, &previous) == 0);

    std::promise<pthread_t> waiter_thread;
    auto waiter = std::async(std::launch::async, [&] {
        waiter_thread.set_value(::pthread_self());
        return dev.interrupt().wait_for(300ms);
    });
    const pthread_t target = waiter_thread.get_future().get();
    const auto start = std::chrono::steady_clock::now();
    while (waiter.wait_for(10ms) != std::future_status::ready) ::pthread_kill(target, SIGUSR1);
    CHECK_FALSE(waiter.get().has_value());
    // A retry that restarted the timeout would never end.
    CHECK(std::chrono::steady_clock::now() - start < hang_limit);

    std::promise<std::pair<pthread_t, pid_t>> blocked_thread;
    auto blocking = std::async(std::launch::async, [&] {
        blocked_thread.set_value({::pthread_self(), this_thread_tid()});
        return dev.interrupt().wait();  // a plain blocking read(2)
    });
    const auto [blocked, blocked_tid] = blocked_thread.get_future().get();
    REQUIRE(eventually_asleep_in(blocked_tid, SYS_read));
    for (int i = 0; i < 20; ++i) {
        ::pthread_kill(blocked, SIGUSR1);
        REQUIRE(eventually_asleep_in(blocked_tid, SYS_read));
    }
    CHECK(blocking.wait_for(0ms) == std::future_status::timeout);  // still waiting after 20 signals
    sim.device.raise_interrupt();
    REQUIRE(blocking.wait_for(hang_limit) == std::future_status::ready);
    CHECK(blocking.get().count == 1);
    ::sigaction(SIGUSR1, &previous, nullptr);
}

namespace {
std::atomic<int> signals_handled{0};
void count_signal(int) { signals_handled.fetch_add(1, std::memory_order_relaxed); }
}  // namespace

TEST_CASE("asking a canceller is retried when a signal interrupts its poll", "[interrupt]") {
    // Even poll(2) with a zero timeout fails with EINTR when a signal arrives during it; regtool's
    // watch, asked "cancelled?" between samples, then stopped on SIGTERM with "Interrupted system
    // call" instead of exiting 0. Signals at a thread that does nothing but ask: many land in poll.
    struct sigaction action {};
    action.sa_handler = count_signal;  // no SA_RESTART
    struct sigaction previous {};
    REQUIRE(::sigaction(SIGUSR1, &action, &previous) == 0);
    signals_handled = 0;

    WaitCanceller canceller;
    std::atomic<bool> stop{false};
    std::promise<pthread_t> asker_thread;
    auto asker = std::async(std::launch::async, [&] {
        asker_thread.set_value(::pthread_self());
        while (!stop.load(std::memory_order_relaxed))
            if (canceller.cancelled()) return false;
        return true;
    });
    const pthread_t target = asker_thread.get_future().get();
    for (int sent = 0; sent < 20000 && asker.wait_for(0ms) != std::future_status::ready; ++sent) {
        ::pthread_kill(target, SIGUSR1);
        std::this_thread::yield();
    }
    stop = true;
    bool never_cancelled = false;
    CHECK_NOTHROW(never_cancelled = asker.get());
    CHECK(never_cancelled);
    CHECK(signals_handled.load() > 100);  // the asker was really interrupted, many times
    canceller.cancel();
    CHECK(canceller.cancelled());
    ::sigaction(SIGUSR1, &previous, nullptr);
}

// Faults on the interrupt path: an exact error or the right count, never a hang or a lost count.

namespace {
// The DeviceRemovedError's message a finished wait threw, or what it did instead.
template <class Future>
std::string removed_error(Future& wait) {
    try {
        (void)wait.get();
        return "the wait returned";
    } catch (const DeviceRemovedError& e) {
        return e.what();
    } catch (const std::exception& e) {
        return std::string("another exception: ") + e.what();
    }
}
}  // namespace

TEST_CASE("read returning EIO mid-wait (driver unbound) ends every kind of wait with DeviceRemovedError", "[fault]") {
    SimDevice sim;
    auto open = [&] { return sim.open(); };
    Device raw = open();  // a plain read(2) on the node, to see what the kernel ABI says
    Device timed_dev = open();
    Device blocking_dev = open();
    Device cancellable_dev = open();
    WaitCanceller canceller;  // never cancelled: the removal alone must end the wait

    std::promise<pid_t> tids[4];
    auto raw_read = std::async(std::launch::async, [fd = raw.fd(), &tids] {
        tids[0].set_value(this_thread_tid());
        std::uint32_t count = 0;
        const ssize_t n = ::read(fd, &count, sizeof count);
        return std::pair{n, n < 0 ? errno : 0};
    });
    auto timed = std::async(std::launch::async, [&] {
        tids[1].set_value(this_thread_tid());
        return timed_dev.interrupt().wait_for(30s);
    });
    auto blocking = std::async(std::launch::async, [&] {
        tids[2].set_value(this_thread_tid());
        return blocking_dev.interrupt().wait();
    });
    auto cancellable = std::async(std::launch::async, [&] {
        tids[3].set_value(this_thread_tid());
        return cancellable_dev.interrupt().wait(canceller);
    });
    // Should a check below fail, the device is still removed before the futures wait for their
    // threads (destroyed first, as declared last), so a regression fails the test, not hangs it.
    struct RemoveOnExit {
        sim::SimulatedDevice& device;
        ~RemoveOnExit() { device.remove(); }
    } remove_on_exit{sim.device};
    // Every wait is blocked in the kernel before the removal, so the removal is what ends it.
    REQUIRE(eventually_asleep_in(tids[0].get_future().get(), SYS_read));
    REQUIRE(eventually_asleep_in(tids[1].get_future().get(), SYS_ppoll));
    REQUIRE(eventually_asleep_in(tids[2].get_future().get(), SYS_read));
    REQUIRE(eventually_asleep_in(tids[3].get_future().get(), SYS_ppoll));

    sim.device.remove();
    REQUIRE(raw_read.wait_for(hang_limit) == std::future_status::ready);
    REQUIRE(timed.wait_for(hang_limit) == std::future_status::ready);
    REQUIRE(blocking.wait_for(hang_limit) == std::future_status::ready);
    REQUIRE(cancellable.wait_for(hang_limit) == std::future_status::ready);
    CHECK(raw_read.get() == std::pair<ssize_t, int>{-1, EIO});
    // "was removed" is the library's message for EIO (end-of-file would say "device gone?").
    CHECK_THAT(removed_error(timed), Catch::Contains("was removed"));
    CHECK_THAT(removed_error(blocking), Catch::Contains("was removed"));
    CHECK_THAT(removed_error(cancellable), Catch::Contains("was removed"));
    // A wait started after the removal fails at once rather than blocking (poll first, so that a
    // regression fails here instead of blocking in wait()).
    pollfd hung_up{blocking_dev.fd(), POLLIN, 0};
    REQUIRE(::poll(&hung_up, 1, hang_limit_ms) == 1);
    CHECK_THROWS_AS(blocking_dev.interrupt().wait(), DeviceRemovedError);
    CHECK_THROWS_AS(timed_dev.interrupt().wait_for(hang_limit), DeviceRemovedError);
    // Gone from sysfs too.
    CHECK_THROWS_AS(find(Selector::name("dev"), sim.host()), DeviceNotFoundError);
}

TEST_CASE("after removal an unread count is not returned, and the device no longer opens", "[fault]") {
    SimDevice sim;
    const DeviceInfo info = find(Selector::name("dev"), sim.host());
    Device dev = Device::open(info, OpenOptions{}, sim.host());
    REQUIRE(sim.device.wait_for_control_writes(1, hang_limit));
    sim.device.raise_interrupt();
    pollfd readable{dev.fd(), POLLIN, 0};
    REQUIRE(::poll(&readable, 1, hang_limit_ms) == 1);  // the count is waiting to be read

    sim.device.remove();
    std::uint32_t count = 0;
    const ssize_t n = ::read(dev.fd(), &count, sizeof count);
    const int error = n < 0 ? errno : 0;  // before any CHECK can change errno
    CHECK(n == -1);
    CHECK(error == EIO);
    // Opening from the stale DeviceInfo: its sysfs directory is gone, and so is the node.
    try {
        (void)Device::open(info, OpenOptions{}, sim.host());
        FAIL("opened a removed device");
    } catch (const Error& e) {
        CHECK(e.code().value() == ENOENT);
        CHECK_THAT(e.what(), Catch::Contains(info.sysfs_dir.string()));
    }
    try {
        (void)sim.host().opener(info, OpenOptions{});
        FAIL("the simulated node opened after removal");
    } catch (const Error& e) {
        CHECK(e.code().value() == ENODEV);
        CHECK_THAT(e.what(), Catch::Contains("was removed"));
    }
}

TEST_CASE("a node that ends or returns a partial count mid-wait is DeviceRemovedError, not a wrong count", "[fault]") {
    // The UIO core only ever returns all 4 bytes or an error; this is the defence against anything
    // else behind the descriptor. A stream socket stands in for the node: the device's side takes the
    // enable write, then sends `sent` bytes of a count and shuts down.
    SimDevice sim;
    Host host = sim.host();
    UniqueFd peer;  // the device's side; outlives `dev`
    host.opener = [inner = sim.host().opener, &peer](const DeviceInfo& info, const OpenOptions& mode) {
        detail::DeviceFiles files = inner(info, mode);  // keeps the map files
        int pair[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) throw Error(errno, "socketpair");
        files.node = UniqueFd(pair[0]);
        peer = UniqueFd(pair[1]);
        return files;
    };
    // Not a structured binding: clang 14 (clang-tidy) cannot capture one in a lambda.
    const auto row = GENERATE(table<std::size_t, bool>({{0, false}, {2, false}, {0, true}, {3, true}}));
    const std::size_t sent = std::get<0>(row);
    const bool timed = std::get<1>(row);
    CAPTURE(sent, timed);
    Device dev = Device::open(Selector::name("dev"), OpenOptions{}, host);
    std::uint32_t enable = 0;
    REQUIRE(::read(peer.get(), &enable, sizeof enable) == sizeof enable);
    CHECK(enable == 1);
    CHECK(dev.interrupt().available());

    auto wait = std::async(std::launch::async, [&] {
        return timed ? dev.interrupt().wait_for(hang_limit) : std::optional(dev.interrupt().wait());
    });
    // Should a check below fail, the node reaches end-of-file before the future waits for its
    // thread (destroyed first, as declared last), so a regression fails the test, not hangs it.
    struct EndOnExit {
        int fd;
        ~EndOnExit() { ::shutdown(fd, SHUT_RDWR); }
    } end_on_exit{peer.get()};
    const std::uint32_t count = 7;
    REQUIRE(::write(peer.get(), &count, sent) == static_cast<ssize_t>(sent));
    REQUIRE(::shutdown(peer.get(), SHUT_WR) == 0);
    REQUIRE(wait.wait_for(hang_limit) == std::future_status::ready);
    const std::string what = removed_error(wait);
    CHECK_THAT(what, Catch::StartsWith("wait for interrupt on " + (sim.system.root() / "dev/uio0").string() +
                                       ": read returned " + std::to_string(sent) + " bytes (device gone?)"));
}

TEST_CASE("a second thread waiting on the same descriptor gets a clear error, not a hang", "[fault]") {
    SimDevice sim;
    Device dev = sim.open();
    // Each thread retries while the other holds the wait: however the two are scheduled, the first
    // ends up blocked in its wait and the second sees EBUSY.
    auto first = std::async(std::launch::async, [&] {
        for (;;) {
            try {
                return dev.interrupt().wait_for(30s);
            } catch (const Error& e) {
                if (e.code().value() != EBUSY) throw;
            }
        }
    });
    std::string refusal;
    CHECK(eventually([&] {
        try {
            const auto early = dev.interrupt().wait_for(0ms);  // the first is not waiting yet
            CHECK_FALSE(early.has_value());
            return false;
        } catch (const Error& e) {
            CHECK(e.code().value() == EBUSY);
            refusal = e.what();
            return true;
        }
    }));
    CHECK_THAT(refusal, Catch::Contains("open the device once per waiting thread"));
    sim.device.raise_interrupt();
    const auto event = first.get();
    REQUIRE(event.has_value());
    CHECK(event->count == 1);
    // The guard is released: the same descriptor can wait again.
    CHECK_FALSE(dev.interrupt().wait_for(10ms).has_value());
}

TEST_CASE("cancellation racing with an interrupt never loses or duplicates a count", "[fault]") {
    SimDevice sim;
    Device dev = sim.open_enabled();
    WaitCanceller canceller;
    int cancelled_first = 0;
    constexpr std::uint32_t rounds = 200;
    for (std::uint32_t round = 1; round <= rounds; ++round) {
        std::barrier start(2);
        std::thread racer([&] {
            start.arrive_and_wait();
            sim.device.raise_interrupt();
            canceller.cancel();
        });
        start.arrive_and_wait();
        auto event = dev.interrupt().wait(canceller);
        racer.join();
        if (!event) {
            ++cancelled_first;
            event = dev.interrupt().wait_for(hang_limit);  // the interrupt is still there
        }
        REQUIRE(event.has_value());
        CHECK(event->count == round);
        CHECK(event->missed == 0);
        canceller.reset();
        dev.interrupt().enable();
        REQUIRE(sim.device.wait_for_control_writes(round + 1, hang_limit));
    }
    CHECK(sim.device.event_count() == rounds);
    WARN(cancelled_first << " of " << rounds << " rounds saw the cancellation first");
}
