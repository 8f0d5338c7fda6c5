// EventLoop against the simulated device node: real epoll, read and write on the served descriptors.
#include <catch2/catch.hpp>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include <uiokit/device.hpp>
#include <uiokit/error.hpp>
#include <uiokit/selector.hpp>
#include <uiokit/event_loop.hpp>
#include <uiokit/sim/simulated_system.hpp>

#include "blocked.hpp"
#include "test_support.hpp"

using namespace uiokit;
using namespace std::chrono_literals;

namespace {

// Several simulated devices in one system, opened as a driver opens them (line enabled).
struct Devices {
    sim::SimulatedSystem system;
    std::vector<sim::SimulatedDevice*> simulated;
    std::vector<Device> opened;

    explicit Devices(const std::vector<bool>& handler_disables_irq) {
        for (std::size_t i = 0; i < handler_disables_irq.size(); ++i) {
            const auto phys = 0x40000000 + 0x10000 * i;
            simulated.push_back(&system.add_device(
                {.name = "irq" + std::to_string(i), .maps = {{.phys = phys, .length = 0x100}},
                 .handler_disables_irq = handler_disables_irq[i]}));
        }
        for (auto* device : simulated) opened.push_back(Device::open(Selector::index(device->index()), {}, system.host()));
    }
};

// Per source: what its handler saw, readable from other threads.
struct Seen {
    std::atomic<std::uint64_t> calls{0};
    std::atomic<std::uint64_t> missed{0};
    std::atomic<std::uint32_t> last_count{0};
    std::atomic<bool> removed{false};
    [[nodiscard]] std::uint64_t total() const { return calls.load() + missed.load(); }
};

EventLoop::InterruptHandler counting(Seen& seen) {
    return [&seen](const InterruptReport& report) {
        if (report.removed) {
            seen.removed = true;
            return Rearm::no;
        }
        ++seen.calls;
        seen.missed += report.event.missed;
        seen.last_count = report.event.count;
        return Rearm::yes;
    };
}

// Runs `loop` on a thread of its own until stopped; rethrows what run() threw.
class LoopThread {
public:
    explicit LoopThread(EventLoop& loop)
        : loop_(loop), thread_([this] {
              try {
                  loop_.run();
              } catch (...) {
                  error_ = std::current_exception();
              }
              done_ = true;
          }) {}
    ~LoopThread() {
        loop_.stop();
        thread_.join();
    }
    LoopThread(const LoopThread&) = delete;
    LoopThread& operator=(const LoopThread&) = delete;
    [[nodiscard]] bool done() const { return done_.load(); }
    void join_after_stop() {
        loop_.stop();
        thread_.join();
        thread_ = std::thread([] {});
        if (error_) std::rethrow_exception(error_);
    }

private:
    EventLoop& loop_;
    std::exception_ptr error_;
    std::atomic<bool> done_{false};
    std::thread thread_;
};

}  // namespace

TEST_CASE("event loop: three devices flooding at once are counted exactly: seen plus missed is the device's count", "[event_loop]") {
    // Two drivers whose handler leaves the line enabled (the count jumps: missed > 0 is possible)
    // and one uio_pdrv_genirq (interrupts coalesce while the line is disabled).
    Devices devices({false, false, true});
    EventLoop loop;
    std::array<Seen, 3> seen;
    for (std::size_t i = 0; i < 3; ++i) loop.add(devices.opened[i].interrupt(), counting(seen[i]));

    constexpr int raises = 3000;
    {
        LoopThread runner(loop);
        std::vector<std::thread> floods;
        for (auto* device : devices.simulated)
            floods.emplace_back([device] {
                for (int n = 0; n < raises; ++n) device->raise_interrupt();
            });
        for (auto& t : floods) t.join();
        // The loop catches up with the last count of every device, then stops.
        for (std::size_t i = 0; i < 3; ++i) {
            INFO("device " << i);
            CHECK(eventually([&] { return seen[i].last_count.load() == devices.simulated[i]->event_count(); }));
        }
        runner.join_after_stop();
    }
    for (std::size_t i = 0; i < 3; ++i) {
        INFO("device " << i);
        CHECK(seen[i].total() == devices.simulated[i]->event_count());
        CHECK(seen[i].calls.load() > 0);
    }
    // The drivers that never disable count every raise.
    CHECK(devices.simulated[0]->event_count() == raises);
    CHECK(devices.simulated[1]->event_count() == raises);
}

TEST_CASE("event loop: the line is re-enabled after the handler returns and not when it asks not to", "[event_loop]") {
    Devices devices({true});
    auto& simulated = *devices.simulated[0];
    EventLoop loop;
    std::vector<bool> enabled_during_handler;
    Rearm answer = Rearm::yes;
    loop.add(devices.opened[0].interrupt(), [&](const InterruptReport& report) {
        enabled_during_handler.push_back(simulated.interrupt_enabled());
        CHECK(report.event.count == simulated.event_count());
        loop.stop();
        return answer;
    });
    const auto writes_at_open = simulated.control_writes().size();

    simulated.raise_interrupt();
    CHECK(loop.run_for(hang_limit));
    CHECK(simulated.interrupt_enabled());
    CHECK(simulated.control_writes().size() == writes_at_open + 1);

    answer = Rearm::no;
    simulated.raise_interrupt();
    CHECK(loop.run_for(hang_limit));
    CHECK_FALSE(simulated.interrupt_enabled());
    CHECK(simulated.control_writes().size() == writes_at_open + 1);
    CHECK(enabled_during_handler == std::vector<bool>{false, false});
}

TEST_CASE("event loop: removing one device's source while the others run leaves the others served", "[event_loop]") {
    Devices devices({false, false, false});
    EventLoop loop;
    std::array<Seen, 3> seen;
    std::array<SourceId, 3> ids{};
    for (std::size_t i = 0; i < 3; ++i) ids[i] = loop.add(devices.opened[i].interrupt(), counting(seen[i]));
    LoopThread runner(loop);

    for (auto* device : devices.simulated) device->raise_interrupt();
    REQUIRE(eventually([&] { return seen[0].calls == 1 && seen[1].calls == 1 && seen[2].calls == 1; }));

    CHECK(loop.remove(ids[1]));  // from another thread than the loop's
    CHECK_FALSE(loop.remove(ids[1]));
    CHECK(loop.size() == 2);
    for (int n = 0; n < 5; ++n)
        for (auto* device : devices.simulated) device->raise_interrupt();
    REQUIRE(eventually([&] { return seen[0].total() == 6 && seen[2].total() == 6; }));
    runner.join_after_stop();
    CHECK(seen[1].calls == 1);  // not called after remove() returned
}

TEST_CASE("event loop: a handler may remove its own source and another one", "[event_loop]") {
    Devices devices({false, false});
    EventLoop loop;
    int first_calls = 0;
    int second_calls = 0;
    SourceId first{};
    SourceId second{};
    second = loop.add(devices.opened[1].interrupt(), [&](const InterruptReport&) {
        ++second_calls;
        return Rearm::yes;
    });
    first = loop.add(devices.opened[0].interrupt(), [&](const InterruptReport&) {
        ++first_calls;
        CHECK(loop.remove(first));
        CHECK(loop.remove(second));
        loop.stop();
        return Rearm::yes;
    });
    devices.simulated[0]->raise_interrupt();
    CHECK(loop.run_for(hang_limit));
    CHECK(loop.size() == 0);
    devices.simulated[0]->raise_interrupt();
    devices.simulated[1]->raise_interrupt();
    CHECK_FALSE(loop.run_for(20ms));
    CHECK(first_calls == 1);
    CHECK(second_calls == 0);
}

TEST_CASE("event loop: a device removed under the loop is reported to its handler and the others keep running", "[event_loop]") {
    Devices devices({false, false});
    EventLoop loop;
    std::array<Seen, 2> seen;
    std::string reason;
    loop.add(devices.opened[0].interrupt(), [&](const InterruptReport& report) {
        if (report.removed) reason = report.reason;
        return counting(seen[0])(report);
    });
    loop.add(devices.opened[1].interrupt(), counting(seen[1]));
    LoopThread runner(loop);

    devices.simulated[0]->remove();
    REQUIRE(eventually([&] { return seen[0].removed.load(); }));
    CHECK(eventually([&] { return loop.size() == 1; }));
    devices.simulated[1]->raise_interrupt();
    devices.simulated[1]->raise_interrupt();
    CHECK(eventually([&] { return seen[1].total() == 2; }));
    runner.join_after_stop();
    CHECK(seen[0].calls == 0);
    CHECK_THAT(reason, Catch::Contains("removed") && Catch::Contains("/uio"));
}

// The system call glibc's epoll_wait() makes: arm64 (and every architecture since) has no
// epoll_wait system call, only epoll_pwait.
#ifdef SYS_epoll_wait
constexpr long epoll_wait_syscall = SYS_epoll_wait;
#else
constexpr long epoll_wait_syscall = SYS_epoll_pwait;
#endif

TEST_CASE("event loop: stop from another thread ends run while it waits", "[event_loop]") {
    EventLoop loop;
    std::atomic<pid_t> loop_tid{0};
    std::atomic<bool> returned{false};
    std::thread runner([&] {
        loop_tid = this_thread_tid();
        loop.run();
        returned = true;
    });
    REQUIRE(eventually([&] { return loop_tid != 0 && asleep_in(loop_tid, epoll_wait_syscall); }));
    CHECK_FALSE(returned);
    loop.stop();
    runner.join();
    CHECK(returned);

    // A stop with no run in progress makes the next run return at once, once.
    loop.stop();
    CHECK(loop.run_for(hang_limit));
    CHECK_FALSE(loop.run_for(1ms));

    // A "forever" timeout waits like run(), not overflowing the clock into "already over".
    loop.add_timer(10ms, 0ns, [&](std::uint64_t) { loop.stop(); });
    CHECK(loop.run_for(std::chrono::nanoseconds::max()));
}

TEST_CASE("event loop: a handler that throws leaves run with its exception and the loop usable", "[event_loop]") {
    Devices devices({true, false});
    auto& thrower = *devices.simulated[0];
    EventLoop loop;
    bool throw_now = true;
    int calls = 0;
    loop.add(devices.opened[0].interrupt(), [&](const InterruptReport&) -> Rearm {
        ++calls;
        if (throw_now) throw std::runtime_error("handler failed");
        loop.stop();
        return Rearm::yes;
    });
    Seen other;
    loop.add(devices.opened[1].interrupt(), counting(other));

    const auto writes = thrower.control_writes().size();
    thrower.raise_interrupt();
    CHECK_THROWS_WITH(loop.run_for(hang_limit), "handler failed");
    // Not re-enabled: the handler did not finish clearing its source.
    CHECK_FALSE(thrower.interrupt_enabled());
    CHECK(thrower.control_writes().size() == writes);
    CHECK(loop.size() == 2);

    // The other source is still served, and the thrower too once re-enabled.
    devices.simulated[1]->raise_interrupt();
    CHECK_FALSE(loop.run_for(50ms));
    CHECK(other.calls == 1);
    throw_now = false;
    devices.opened[0].interrupt().enable();
    thrower.raise_interrupt();
    CHECK(loop.run_for(hang_limit));
    CHECK(calls == 2);
}

TEST_CASE("event loop: timers interleave with interrupts on one thread", "[event_loop]") {
    Devices devices({false});
    auto& simulated = *devices.simulated[0];
    EventLoop loop;
    std::vector<std::string> order;
    Seen seen;
    loop.add(devices.opened[0].interrupt(), [&](const InterruptReport& report) {
        order.push_back("irq" + std::to_string(report.event.count));
        const Rearm rearm = counting(seen)(report);
        // Five interrupts, seen or missed: on a slow CPU (the board's emulated one) two ticks can
        // come before the loop takes the first one's interrupt, which the second then joins.
        if (seen.total() == 5) loop.stop();
        return rearm;
    });
    int ticks = 0;
    std::uint64_t expirations = 0;
    SourceId periodic{};
    periodic = loop.add_timer(1ms, 5ms, [&](std::uint64_t n) {
        ++ticks;
        expirations += n;
        order.push_back("tick");
        simulated.raise_interrupt();  // the next interrupt comes between two ticks
        if (ticks == 5) CHECK(loop.remove(periodic));
    });
    bool one_shot_fired = false;
    loop.add_timer(0ns, 0ns, [&](std::uint64_t n) {
        CHECK(n == 1);
        one_shot_fired = true;
    });
    CHECK(loop.size() == 3);

    CHECK(loop.run_for(hang_limit));
    CHECK(one_shot_fired);
    CHECK(ticks == 5);
    CHECK(expirations >= 5);
    CHECK(seen.total() == 5);
    CHECK(seen.total() == simulated.event_count());
    CHECK(loop.size() == 1);  // the interrupt; the one-shot timer and the removed periodic one are gone
    // Both kinds ran on this one thread, interleaved: interrupt N is taken after the tick that
    // raised it and, when the loop keeps up, before the next tick. Never before its tick.
    int ticks_before = 0;
    int taken_before_next_tick = 0;
    std::uint32_t previous_count = 0;
    for (const auto& entry : order) {
        if (entry == "tick") {
            ++ticks_before;
        } else if (entry.starts_with("irq")) {
            const auto count = static_cast<std::uint32_t>(std::stoul(entry.substr(3)));
            INFO("interrupt count " << count << " after " << ticks_before << " ticks");
            CHECK(count > previous_count);
            CHECK(count <= static_cast<std::uint32_t>(ticks_before));
            if (count == static_cast<std::uint32_t>(ticks_before)) ++taken_before_next_tick;
            previous_count = count;
        }
    }
    CHECK(previous_count == 5);
    CHECK(taken_before_next_tick >= 1);
}

TEST_CASE("event loop: refuses a device without interrupt and the same interrupt twice", "[event_loop]") {
    sim::SimulatedSystem system;
    auto& without = system.add_device({.name = "noirq", .maps = {{.phys = 0x1000, .length = 0x100}}, .has_interrupt = false});
    auto& with = system.add_device({.name = "irq", .maps = {{.phys = 0x2000, .length = 0x100}}});
    auto no_irq = Device::open(Selector::index(without.index()), {}, system.host());
    auto irq = Device::open(Selector::index(with.index()), {}, system.host());
    EventLoop loop;
    const auto handler = [](const InterruptReport&) { return Rearm::yes; };
    CHECK_THROWS_AS(loop.add(no_irq.interrupt(), handler), NoInterruptError);
    loop.add(irq.interrupt(), handler);
    CHECK_THROWS_WITH(loop.add(irq.interrupt(), handler), Catch::Contains("already in this loop"));
    CHECK(loop.size() == 1);
}
