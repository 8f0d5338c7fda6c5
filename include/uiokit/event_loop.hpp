// One thread serving many interrupts and timers: an epoll reactor over Interrupt descriptors,
// timerfds and an eventfd for stop(). It runs the same protocol as Interrupt::wait (the count and
// the missed interrupts) and re-enables a line only after its handler returns. Which thread may
// call what, and what a throwing handler does: docs/interrupts.md#event-loop and
// docs/threads-and-lifetimes.md.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include <uiokit/export.hpp>
#include <uiokit/interrupt.hpp>

namespace uiokit {

// What an interrupt handler returns: whether the loop re-enables the line (one write of 1) after
// the handler. Return Rearm::no to keep the line disabled, e.g. until a worker has cleared the
// source; re-enable later with Interrupt::enable() from any thread. A driver without irqcontrol
// (ENOSYS) cannot be re-enabled: its handler returns Rearm::no.
enum class Rearm : bool { no = false, yes = true };

// What the loop gives an interrupt handler.
struct InterruptReport {
    InterruptEvent event{};  // count and missed, as Interrupt::wait returns them (zero when removed)
    // The device was removed under the loop (the read failed with EIO or returned short, or the
    // re-enabling write failed with EINVAL): this is the handler's last call, the loop has already
    // dropped the source, and the other sources keep running. `reason` is the error's message and
    // is valid during the call only.
    bool removed = false;
    std::string_view reason;
};

// Identifies a source in its loop; ids are never reused by one loop.
enum class SourceId : std::uint64_t {};

class UIOKIT_EXPORT EventLoop {
public:
    using InterruptHandler = std::function<Rearm(const InterruptReport&)>;
    // `expirations` is how many periods passed since the handler last ran (1 unless the loop fell behind).
    using TimerHandler = std::function<void(std::uint64_t expirations)>;

    EventLoop();  // throws Error when epoll or its eventfd cannot be created
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;
    EventLoop(EventLoop&&) = delete;  // sources and other threads hold its address
    EventLoop& operator=(EventLoop&&) = delete;
    ~EventLoop();  // must not run; the Interrupts it served are left as they are

    // Serves `interrupt` (which must outlive its registration, i.e. its Device too) until remove()
    // or the device's removal. The line is not enabled here: Device::open enabled it, and an
    // interrupt already pending is delivered by the first run. Throws NoInterruptError for a
    // device without interrupt, Error (EEXIST) when the Interrupt is already in this loop.
    SourceId add(Interrupt& interrupt, InterruptHandler handler);

    // A timer on CLOCK_MONOTONIC (timerfd): first after `delay`, then every `period`; a period of
    // zero makes it one-shot, and the loop drops a one-shot timer before calling its handler.
    SourceId add_timer(std::chrono::nanoseconds delay, std::chrono::nanoseconds period, TimerHandler handler);

    // Drops a source: its handler is not called again once remove() returns, except that a call in
    // progress on the loop's thread finishes first (remove() from another thread waits for it; from
    // a handler, including the source's own, it returns at once). False when the id is unknown
    // (already removed, a one-shot timer that fired, a device that was removed).
    bool remove(SourceId id);

    // Dispatches events on the calling thread until stop(). Handlers run on this thread, one at a
    // time. An exception from a handler leaves run() (see docs/interrupts.md#event-loop): that
    // interrupt's line stays disabled, every source stays registered, and run() may be called again.
    void run();
    // As run(), returning after `timeout` at the latest; true when stop() ended it.
    bool run_for(std::chrono::nanoseconds timeout);
    // From any thread, also a handler or a signal handler (one write(2) to an eventfd): the run in
    // progress returns after the handler it is in, if any; without one, the next run returns at once.
    void stop() noexcept;

    [[nodiscard]] std::size_t size() const;  // registered sources

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace uiokit
