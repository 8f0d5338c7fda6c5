// Interrupts of a UIO device, following the kernel's protocol exactly (a 4-byte write of 1 or 0
// enables or disables the line, a blocking 4-byte read returns the cumulative count). The protocol,
// its errors and the syscalls per interrupt: docs/interrupts.md. Which thread may call what:
// docs/threads-and-lifetimes.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

#include <uiokit/export.hpp>
#include <uiokit/unique_fd.hpp>

namespace uiokit {

struct InterruptEvent {
    std::uint32_t count = 0;   // the device's cumulative interrupt count (wraps at 2^32)
    std::uint32_t missed = 0;  // interrupts counted since the previous wait that this wait did not see
};

// Wakes blocked waits from any thread, without busy polling (an eventfd polled beside the device).
// Once cancelled it stays cancelled, so every current and later wait returns at once, until reset().
class UIOKIT_EXPORT WaitCanceller {
public:
    WaitCanceller();
    void cancel() noexcept;
    void reset();
    [[nodiscard]] bool cancelled() const;
    [[nodiscard]] int fd() const noexcept { return fd_.get(); }

private:
    UniqueFd fd_;
};

// A Device's interrupt (Device::interrupt()); it lives as long as its Device.
class UIOKIT_EXPORT Interrupt {
public:
    Interrupt(Interrupt&& other) noexcept;
    Interrupt& operator=(Interrupt&& other) noexcept;
    Interrupt(const Interrupt&) = delete;
    Interrupt& operator=(const Interrupt&) = delete;
    ~Interrupt();

    // False when the device has no interrupt; every call below then throws NoInterruptError.
    [[nodiscard]] bool available() const noexcept;

    // Re-enable after clearing a level-triggered source in the device, not before. Both throw Error
    // (EBADF) on a device opened with OpenOptions::writable false, before touching it.
    void enable();
    void disable();

    // One waiter per Interrupt: a second thread waiting on the same descriptor gets an Error
    // (EBUSY) at once, since one read would leave the other blocked past its timeout. Open the
    // device once per waiting thread instead; every descriptor sees every interrupt.
    //
    // Blocks until an interrupt. EINTR is retried.
    InterruptEvent wait();
    // Nothing on timeout (and, with a canceller, when cancelled).
    std::optional<InterruptEvent> wait_for(std::chrono::nanoseconds timeout);
    std::optional<InterruptEvent> wait_for(std::chrono::nanoseconds timeout, const WaitCanceller& canceller);
    // Blocks until an interrupt or cancellation; nothing when cancelled.
    std::optional<InterruptEvent> wait(const WaitCanceller& canceller);

    // The device file descriptor, for an external event loop (epoll, Boost.Asio): it is readable
    // when an interrupt is pending, and wait() then returns at once. Do not read it yourself, or
    // the missed count is wrong.
    [[nodiscard]] int fd() const noexcept;

    // The count this object last returned (or the count at open).
    [[nodiscard]] std::uint32_t last_count() const noexcept;

private:
    friend class Device;
    struct State;  // src/interrupt_state.hpp
    UIOKIT_INTERNAL explicit Interrupt(std::unique_ptr<State> state) noexcept;
    std::unique_ptr<State> state_;
};

}  // namespace uiokit
