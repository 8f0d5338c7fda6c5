// The Boost.Asio adapter (include/uiokit/asio.hpp) against the simulated device node.
#include <catch2/catch.hpp>

#include <atomic>
#include <optional>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <uiokit/asio.hpp>
#include <uiokit/device.hpp>

#include "sim_device.hpp"
#include "test_support.hpp"

using namespace std::chrono_literals;
using uiokit_test::SimDevice;

namespace {
struct Result {
    boost::system::error_code error;
    uiokit::InterruptEvent event;
};

// Runs `io` until it has nothing left to do, or hang_limit (then the test fails, not hangs).
void run_bounded(boost::asio::io_context& io) {
    io.run_for(hang_limit);
    CHECK(io.stopped());
}
}  // namespace

TEST_CASE("asio: a callback wait completes with the event for a pending interrupt and a later one", "[asio]") {
    SimDevice sim({.handler_disables_irq = false});
    auto device = sim.open();
    boost::asio::io_context io;
    uiokit::asio::AsyncInterrupt irq(io, device.interrupt());

    // Pending before the wait starts: Asio's edge-triggered epoll would not report it by itself.
    sim.device.raise_interrupt();
    sim.device.raise_interrupt();
    std::optional<Result> first;
    irq.async_wait([&](boost::system::error_code error, uiokit::InterruptEvent event) { first = Result{error, event}; });
    CHECK_FALSE(first.has_value());  // never completed inside async_wait
    run_bounded(io);
    REQUIRE(first.has_value());
    CHECK_FALSE(first->error);
    CHECK(first->event.count == 2);
    CHECK(first->event.missed == 1);

    // Raised while the wait is pending, from another thread.
    io.restart();
    std::optional<Result> second;
    irq.async_wait([&](boost::system::error_code error, uiokit::InterruptEvent event) { second = Result{error, event}; });
    std::thread raiser([&] {
        std::this_thread::sleep_for(10ms);  // not needed for correctness: only to let the wait block first, usually
        sim.device.raise_interrupt();
    });
    run_bounded(io);
    raiser.join();
    REQUIRE(second.has_value());
    CHECK_FALSE(second->error);
    CHECK(second->event.count == 3);
    CHECK(second->event.missed == 0);
}

TEST_CASE("asio: a coroutine waits enables and counts every interrupt", "[asio]") {
    SimDevice sim;  // uio_pdrv_genirq: the coroutine re-enables after each interrupt
    auto device = sim.open();
    boost::asio::io_context io;
    uiokit::asio::AsyncInterrupt irq(io, device.interrupt());
    std::vector<std::uint32_t> counts;

    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
            for (int n = 0; n < 3; ++n) {
                const uiokit::InterruptEvent event = co_await irq.async_wait(boost::asio::use_awaitable);
                counts.push_back(event.count);
                irq.interrupt().enable();
            }
        },
        boost::asio::detached);
    std::thread raiser([&] {
        for (std::size_t n = 1; n <= 3; ++n) {
            // The next one only once the coroutine re-enabled the line (open's write, then one per interrupt).
            REQUIRE(sim.device.wait_for_control_writes(n, hang_limit));
            sim.device.raise_interrupt();
        }
    });
    run_bounded(io);
    raiser.join();
    CHECK(counts == std::vector<std::uint32_t>{1, 2, 3});
}

TEST_CASE("asio: cancel completes a pending wait with operation_aborted and a later interrupt stays pending", "[asio]") {
    SimDevice sim;
    auto device = sim.open();
    boost::asio::io_context io;
    uiokit::asio::AsyncInterrupt irq(io, device.interrupt());

    std::optional<Result> cancelled;
    irq.async_wait([&](boost::system::error_code error, uiokit::InterruptEvent event) { cancelled = Result{error, event}; });
    boost::asio::steady_timer timer(io, 5ms);
    timer.async_wait([&](boost::system::error_code) { irq.cancel(); });
    run_bounded(io);
    REQUIRE(cancelled.has_value());
    CHECK(cancelled->error == boost::asio::error::operation_aborted);

    // A coroutine sees the cancellation as the exception Asio throws for the error.
    io.restart();
    bool threw_aborted = false;
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
            try {
                (void)co_await irq.async_wait(boost::asio::use_awaitable);
            } catch (const boost::system::system_error& e) {
                threw_aborted = e.code() == boost::asio::error::operation_aborted;
            }
        },
        boost::asio::detached);
    timer.expires_after(5ms);
    timer.async_wait([&](boost::system::error_code) { irq.cancel(); });
    run_bounded(io);
    CHECK(threw_aborted);

    sim.device.raise_interrupt();
    io.restart();
    std::optional<Result> after;
    irq.async_wait([&](boost::system::error_code error, uiokit::InterruptEvent event) { after = Result{error, event}; });
    run_bounded(io);
    REQUIRE(after.has_value());
    CHECK_FALSE(after->error);
    CHECK(after->event.count == 1);
}

TEST_CASE("asio: a removed device completes the wait with EIO", "[asio]") {
    SimDevice sim;
    auto device = sim.open();
    boost::asio::io_context io;
    uiokit::asio::AsyncInterrupt irq(io, device.interrupt());
    std::optional<Result> result;
    irq.async_wait([&](boost::system::error_code error, uiokit::InterruptEvent event) { result = Result{error, event}; });
    std::thread remover([&] {
        std::this_thread::sleep_for(5ms);
        sim.device.remove();
    });
    run_bounded(io);
    remover.join();
    REQUIRE(result.has_value());
    CHECK(result->error == boost::system::errc::io_error);
    CHECK(result->event.count == 0);
}

TEST_CASE("asio: the destructor gives the descriptor back blocking and open", "[asio]") {
    SimDevice sim({.handler_disables_irq = false});
    auto device = sim.open();
    {
        boost::asio::io_context io;
        uiokit::asio::AsyncInterrupt irq(io, device.interrupt());
        irq.async_wait([](boost::system::error_code, uiokit::InterruptEvent) {});
        io.poll();  // the wait is started, so Asio made the descriptor non-blocking
    }
    CHECK((::fcntl(device.interrupt().fd(), F_GETFL) & O_NONBLOCK) == 0);
    sim.device.raise_interrupt();
    CHECK(device.interrupt().wait().count == 1);
}
