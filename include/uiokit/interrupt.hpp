// Interrupts of a UIO device, following the kernel's protocol exactly (a 4-byte write of 1 or 0
// enables or disables the line, a blocking 4-byte read returns the cumulative count). The protocol,
// its errors and the syscalls per interrupt: docs/interrupts.md.
#pragma once

#include <atomic>
#include <chrono>
#include <ctime>
#include <cstdint>
#include <optional>
#include <string>

#include <uiokit/unique_fd.hpp>

namespace uiokit {

struct InterruptEvent {
    std::uint32_t count = 0;   // the device's cumulative interrupt count (wraps at 2^32)
    std::uint32_t missed = 0;  // interrupts counted since the previous wait that this wait did not see
};

// Wakes blocked waits from any thread, without busy polling (an eventfd polled beside the device).
// Once cancelled it stays cancelled, so every current and later wait returns at once, until reset().
class WaitCanceller {
public:
    WaitCanceller();
    void cancel() noexcept;
    void reset();
    [[nodiscard]] bool cancelled() const;
    [[nodiscard]] int fd() const noexcept { return fd_.get(); }

private:
    UniqueFd fd_;
};

class Interrupt {
public:
    // `fd` stays owned by the caller (the Device). `last_count` is the device's count at open.
    // `controllable` is false for a descriptor opened read-only: enable/disable then refuse.
    Interrupt(int fd, std::string path, std::uint32_t last_count, bool has_interrupt,
              bool controllable = true) noexcept;
    Interrupt(Interrupt&& other) noexcept;
    Interrupt& operator=(Interrupt&& other) noexcept;
    Interrupt(const Interrupt&) = delete;
    Interrupt& operator=(const Interrupt&) = delete;
    ~Interrupt() = default;

    // False when the device has no interrupt; every call below then throws NoInterruptError.
    [[nodiscard]] bool available() const noexcept { return available_; }

    // Re-enable after clearing a level-triggered source in the device, not before. Both throw Error
    // (EBADF) on a device opened OpenMode::read_only, before touching it.
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
    [[nodiscard]] int fd() const noexcept { return fd_; }

    // The count this object last returned (or the count at open).
    [[nodiscard]] std::uint32_t last_count() const noexcept { return last_count_.load(); }

private:
    std::optional<InterruptEvent> poll_then_read(const timespec* timeout, int cancel_fd);
    InterruptEvent read_count();
    void write_control(std::uint32_t value, const char* what);
    [[noreturn]] void throw_io_error(int err, const char* what) const;
    void require_available() const;

    int fd_ = -1;
    std::string path_;
    std::atomic<std::uint32_t> last_count_{0};
    std::atomic<bool> waiting_{false};
    bool available_ = false;
    bool controllable_ = true;

    friend class WaitGuard;
};

}  // namespace uiokit
