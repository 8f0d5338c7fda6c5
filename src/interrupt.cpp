#include <uiokit/interrupt.hpp>

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

#include <uiokit/error.hpp>

#include "interrupt_state.hpp"
#include "uio_protocol.hpp"

namespace uiokit {

namespace uio_protocol {

int write_control(int fd, std::uint32_t value) noexcept {
    for (;;) {
        const ssize_t n = ::write(fd, &value, sizeof value);
        if (n == sizeof value) return 0;
        if (n >= 0) return EIO;  // uio_write takes all 4 bytes or none
        if (errno != EINTR) return errno;
    }
}

void throw_error(int err, const std::string& context, bool has_interrupt) {
    if (err == EINVAL || (err == EIO && has_interrupt))
        throw DeviceRemovedError(context + ": the device was removed (driver unbound or module unloaded)");
    if (err == EIO) throw NoInterruptError(context + ": the device has no interrupt");
    if (err == ENOSYS) throw Error(err, context + ": the driver cannot enable or disable this interrupt");
    throw Error(err, context);
}

}  // namespace uio_protocol

WaitCanceller::WaitCanceller() : fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
    if (!fd_) throw Error(errno, "eventfd for a WaitCanceller");
}

void WaitCanceller::cancel() noexcept {
    const std::uint64_t one = 1;
    // Cannot fail short of a counter overflow, which still leaves the eventfd readable.
    [[maybe_unused]] const ssize_t n = ::write(fd_.get(), &one, sizeof one);
}

void WaitCanceller::reset() {
    std::uint64_t value = 0;
    if (::read(fd_.get(), &value, sizeof value) < 0 && errno != EAGAIN) throw Error(errno, "reset WaitCanceller");
}

bool WaitCanceller::cancelled() const {
    pollfd p{fd_.get(), POLLIN, 0};
    // Even a poll that does not wait fails with EINTR when a signal arrives during it: regtool's
    // watch, stopped by SIGTERM, reported "Interrupted system call" (seen under ThreadSanitizer).
    int n = 0;
    while ((n = ::poll(&p, 1, 0)) < 0)
        if (errno != EINTR) throw Error(errno, "poll WaitCanceller");
    return n > 0;
}

class UIOKIT_INTERNAL Interrupt::State::WaitGuard {
public:
    explicit WaitGuard(State& irq) : irq_(irq) {
        if (irq_.waiting.exchange(true, std::memory_order_acquire))
            throw Error(EBUSY, "wait for interrupt on " + irq_.path +
                                   ": another thread is already waiting on this descriptor (open the device "
                                   "once per waiting thread)");
    }
    ~WaitGuard() { irq_.waiting.store(false, std::memory_order_release); }
    WaitGuard(const WaitGuard&) = delete;
    WaitGuard& operator=(const WaitGuard&) = delete;

private:
    State& irq_;
};

void Interrupt::State::require_available() const {
    if (!available) throw NoInterruptError(path + " has no interrupt (" + no_interrupt_reason + ")");
}

void Interrupt::State::throw_io_error(int err, const char* what) const {
    uio_protocol::throw_error(err, std::string(what) + " " + path, available);
}

void Interrupt::State::write_control(std::uint32_t value, const char* what) {
    require_available();
    // The kernel says EBADF too; saying it first names the reason.
    if (!controllable)
        throw Error(EBADF, std::string(what) + " " + path +
                               ": the device was opened read-only (OpenOptions::writable false)");
    if (const int err = uio_protocol::write_control(fd, value); err != 0) throw_io_error(err, what);
}

InterruptEvent Interrupt::State::read_count() {
    std::uint32_t count = 0;
    for (;;) {
        const ssize_t n = ::read(fd, &count, sizeof count);
        if (n == sizeof count) break;
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_io_error(errno, "wait for interrupt on");
        throw DeviceRemovedError("wait for interrupt on " + path + ": read returned " + std::to_string(n) +
                                 " bytes (device gone?)");
    }
    const std::uint32_t previous = last_count.exchange(count);
    const std::uint32_t delta = count - previous;  // unsigned: right across the 2^32 wrap
    return {count, delta == 0 ? 0u : delta - 1u};
}

std::optional<InterruptEvent> Interrupt::State::poll_then_read(const timespec* timeout, int cancel_fd) {
    require_available();
    const WaitGuard guard(*this);
    pollfd fds[2] = {{fd, POLLIN, 0}, {cancel_fd, POLLIN, 0}};
    const nfds_t count = cancel_fd >= 0 ? 2 : 1;

    // ppoll keeps the wait to one syscall; only a signal (EINTR) costs a clock read to go on
    // waiting for what is left of the timeout.
    timespec remaining{};
    std::chrono::steady_clock::time_point deadline;
    if (timeout) {
        remaining = *timeout;
        // Clamped: a "forever" timeout such as nanoseconds::max() must not overflow the clock.
        const auto now = std::chrono::steady_clock::now();
        const auto span = std::chrono::nanoseconds(std::chrono::seconds(timeout->tv_sec)) +
                          std::chrono::nanoseconds(timeout->tv_nsec);
        deadline = span < std::chrono::steady_clock::time_point::max() - now ? now + span
                                                                             : std::chrono::steady_clock::time_point::max();
    }
    for (;;) {
        const int n = ::ppoll(fds, count, timeout ? &remaining : nullptr, nullptr);
        if (n > 0) break;
        if (n == 0) return std::nullopt;
        if (errno != EINTR) throw Error(errno, "poll " + path);
        if (timeout) {
            const auto left = deadline - std::chrono::steady_clock::now();
            if (left <= std::chrono::nanoseconds::zero()) return std::nullopt;
            const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
            remaining = {static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
        }
    }
    if (count == 2 && (fds[1].revents & POLLIN)) return std::nullopt;  // cancelled; a pending interrupt stays pending
    if (fds[0].revents & POLLNVAL) throw Error(EBADF, "poll " + path + ": file descriptor is not open");
    if (fds[0].revents & POLLERR) throw_io_error(EIO, "wait for interrupt on");
    return read_count();
}

namespace {
timespec to_timespec(std::chrono::nanoseconds timeout) {
    if (timeout < std::chrono::nanoseconds::zero()) timeout = std::chrono::nanoseconds::zero();
    const auto ns = timeout.count();
    return {static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
}

[[noreturn]] void throw_moved_from() {
    throw NoInterruptError("this Interrupt was moved from: use the object it was moved to");
}
}  // namespace

Interrupt::Interrupt(std::unique_ptr<State> state) noexcept : state_(std::move(state)) {}
Interrupt::Interrupt(Interrupt&& other) noexcept = default;
Interrupt& Interrupt::operator=(Interrupt&& other) noexcept = default;
Interrupt::~Interrupt() = default;

bool Interrupt::available() const noexcept { return state_ && state_->available; }
int Interrupt::fd() const noexcept { return state_ ? state_->fd : -1; }
std::uint32_t Interrupt::last_count() const noexcept { return state_ ? state_->last_count.load() : 0; }

void Interrupt::enable() {
    if (!state_) throw_moved_from();
    state_->write_control(1, "enable interrupt of");
}

void Interrupt::disable() {
    if (!state_) throw_moved_from();
    state_->write_control(0, "disable interrupt of");
}

InterruptEvent Interrupt::wait() {
    if (!state_) throw_moved_from();
    state_->require_available();
    const State::WaitGuard guard(*state_);
    return state_->read_count();
}

std::optional<InterruptEvent> Interrupt::wait_for(std::chrono::nanoseconds timeout) {
    if (!state_) throw_moved_from();
    const timespec ts = to_timespec(timeout);
    return state_->poll_then_read(&ts, -1);
}

std::optional<InterruptEvent> Interrupt::wait_for(std::chrono::nanoseconds timeout, const WaitCanceller& canceller) {
    if (!state_) throw_moved_from();
    const timespec ts = to_timespec(timeout);
    return state_->poll_then_read(&ts, canceller.fd());
}

std::optional<InterruptEvent> Interrupt::wait(const WaitCanceller& canceller) {
    if (!state_) throw_moved_from();
    return state_->poll_then_read(nullptr, canceller.fd());
}

}  // namespace uiokit
