#include <uiokit/event_loop.hpp>

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <variant>

#include <uiokit/error.hpp>
#include <uiokit/unique_fd.hpp>

namespace uiokit {

namespace {

struct InterruptSource {
    Interrupt* interrupt;
    EventLoop::InterruptHandler handler;
};
struct TimerSource {
    UniqueFd fd;
    bool one_shot;
    EventLoop::TimerHandler handler;
};
struct Source {
    int fd;
    std::variant<InterruptSource, TimerSource> kind;
};

// epoll_event.data of the stop eventfd; source ids start above it.
constexpr std::uint64_t stop_key = 0;

itimerspec to_itimerspec(std::chrono::nanoseconds delay, std::chrono::nanoseconds period) {
    const auto split = [](std::chrono::nanoseconds ns) {
        if (ns < std::chrono::nanoseconds::zero()) ns = std::chrono::nanoseconds::zero();
        return timespec{static_cast<time_t>(ns.count() / 1'000'000'000), static_cast<long>(ns.count() % 1'000'000'000)};
    };
    itimerspec spec{split(period), split(delay)};
    // An it_value of zero disarms a timerfd: "at once" is the shortest delay it can arm.
    if (spec.it_value.tv_sec == 0 && spec.it_value.tv_nsec == 0) spec.it_value.tv_nsec = 1;
    return spec;
}

}  // namespace

struct UIOKIT_INTERNAL EventLoop::Impl {
    UniqueFd epoll;
    UniqueFd stop_event;
    // Held by the loop while it looks a source up and runs its handler, and by add/remove called
    // from other threads; a handler's own add/remove runs under the loop's hold.
    mutable std::recursive_mutex mutex;
    // Sources are shared so that a handler can remove its own source while it runs.
    std::unordered_map<std::uint64_t, std::shared_ptr<Source>> sources;
    std::uint64_t next_id = stop_key + 1;

    void watch(int fd, std::uint64_t key) const {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = key;
        if (::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, fd, &ev) < 0) throw Error(errno, "event loop: epoll_ctl add");
    }

    SourceId insert(int fd, std::shared_ptr<Source> source) {
        const std::lock_guard lock(mutex);
        const std::uint64_t key = next_id;
        watch(fd, key);
        sources.emplace(key, std::move(source));
        ++next_id;
        return SourceId{key};
    }

    // Under `mutex`.
    bool erase(std::uint64_t key) {
        const auto it = sources.find(key);
        if (it == sources.end()) return false;
        // Fails only when the descriptor is already closed (a Device destroyed before its
        // removal, against the rules), and then epoll has dropped it already.
        (void)::epoll_ctl(epoll.get(), EPOLL_CTL_DEL, it->second->fd, nullptr);
        sources.erase(it);
        return true;
    }

    void dispatch_interrupt(std::uint64_t key, InterruptSource& source) {
        InterruptReport report;
        std::string message;
        try {
            // Readable, so the read returns at once; wait() keeps the missed count right.
            report.event = source.interrupt->wait();
        } catch (const DeviceRemovedError& e) {
            report.removed = true;
            message = e.what();
        }
        if (report.removed) {
            erase(key);  // dispatch() keeps the handler alive while it runs
            report.reason = message;
            (void)source.handler(report);
            return;
        }
        if (source.handler(report) == Rearm::no) return;
        if (sources.find(key) == sources.end()) return;  // the handler removed its source: leave the line as it is
        try {
            source.interrupt->enable();
        } catch (const DeviceRemovedError& e) {
            erase(key);
            message = e.what();
            (void)source.handler(InterruptReport{.event = {}, .removed = true, .reason = message});
        }
    }

    void dispatch_timer(std::uint64_t key, TimerSource& timer) {
        std::uint64_t expirations = 0;
        if (::read(timer.fd.get(), &expirations, sizeof expirations) != sizeof expirations) {
            if (errno == EAGAIN || errno == EINTR) return;  // nothing after all; epoll reports it again if there is
            throw Error(errno, "event loop: read timerfd");
        }
        if (timer.one_shot) erase(key);
        timer.handler(expirations);
    }

    // Runs the handler of `key`, if it is still registered (an earlier handler of the same batch
    // may have removed it).
    void dispatch(std::uint64_t key) {
        const std::lock_guard lock(mutex);
        const auto it = sources.find(key);
        if (it == sources.end()) return;
        // A copy (no allocation): the handler may remove its own source, which must outlive the call.
        const std::shared_ptr<Source> keep = it->second;
        Source& source = *keep;
        if (auto* irq = std::get_if<InterruptSource>(&source.kind))
            dispatch_interrupt(key, *irq);
        else
            dispatch_timer(key, std::get<TimerSource>(source.kind));
    }

    // One epoll_wait and its events; true when stop() was seen. timeout_ms as epoll_wait's.
    bool run_once(int timeout_ms) {
        // Events of one wait are dispatched in order; the rest stay pending (level-triggered) if a
        // handler throws.
        std::array<epoll_event, 16> events{};
        const int n = ::epoll_wait(epoll.get(), events.data(), static_cast<int>(events.size()), timeout_ms);
        if (n < 0) {
            if (errno == EINTR) return false;
            throw Error(errno, "event loop: epoll_wait");
        }
        for (int i = 0; i < n; ++i) {
            const std::uint64_t key = events[static_cast<std::size_t>(i)].data.u64;
            if (key == stop_key) {
                std::uint64_t value = 0;
                (void)::read(stop_event.get(), &value, sizeof value);  // non-blocking; resets the request
                return true;
            }
            dispatch(key);
        }
        return false;
    }
};

EventLoop::EventLoop() : impl_(std::make_unique<Impl>()) {
    impl_->epoll = UniqueFd(::epoll_create1(EPOLL_CLOEXEC));
    if (!impl_->epoll) throw Error(errno, "event loop: epoll_create1");
    impl_->stop_event = UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!impl_->stop_event) throw Error(errno, "event loop: eventfd");
    impl_->watch(impl_->stop_event.get(), stop_key);
}

EventLoop::~EventLoop() = default;

SourceId EventLoop::add(Interrupt& interrupt, InterruptHandler handler) {
    if (!interrupt.available()) {
        // Its own message: moved from, or no interrupt at all.
        interrupt.enable();  // throws NoInterruptError naming the device
        throw NoInterruptError("event loop: add an interrupt that is not available");
    }
    const std::lock_guard lock(impl_->mutex);
    for (const auto& [key, source] : impl_->sources)
        if (const auto* irq = std::get_if<InterruptSource>(&source->kind); irq && irq->interrupt == &interrupt)
            throw Error(EEXIST, "event loop: add an interrupt already in this loop");
    const int fd = interrupt.fd();
    return impl_->insert(fd, std::make_shared<Source>(Source{fd, InterruptSource{&interrupt, std::move(handler)}}));
}

SourceId EventLoop::add_timer(std::chrono::nanoseconds delay, std::chrono::nanoseconds period, TimerHandler handler) {
    UniqueFd fd(::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
    if (!fd) throw Error(errno, "event loop: timerfd_create");
    const itimerspec spec = to_itimerspec(delay, period);
    if (::timerfd_settime(fd.get(), 0, &spec, nullptr) < 0) throw Error(errno, "event loop: timerfd_settime");
    const int raw = fd.get();
    const bool one_shot = period <= std::chrono::nanoseconds::zero();
    return impl_->insert(raw, std::make_shared<Source>(Source{raw, TimerSource{std::move(fd), one_shot, std::move(handler)}}));
}

bool EventLoop::remove(SourceId id) {
    const std::lock_guard lock(impl_->mutex);
    return impl_->erase(static_cast<std::uint64_t>(id));
}

void EventLoop::run() {
    while (!impl_->run_once(-1)) {
    }
}

bool EventLoop::run_for(std::chrono::nanoseconds timeout) {
    // Clamped: a "forever" timeout such as nanoseconds::max() must not overflow the clock.
    const auto now = std::chrono::steady_clock::now();
    const auto deadline = timeout < std::chrono::steady_clock::time_point::max() - now
                              ? now + timeout
                              : std::chrono::steady_clock::time_point::max();
    for (;;) {
        const auto left = deadline - std::chrono::steady_clock::now();
        if (left <= std::chrono::nanoseconds::zero()) return impl_->run_once(0);
        // Rounded up, so the loop does not spin through the last millisecond.
        const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
        if (impl_->run_once(static_cast<int>(std::min<std::int64_t>(ms, 1'000'000)))) return true;
    }
}

void EventLoop::stop() noexcept {
    const std::uint64_t one = 1;
    // Cannot fail short of a counter overflow, which still leaves the eventfd readable.
    [[maybe_unused]] const ssize_t n = ::write(impl_->stop_event.get(), &one, sizeof one);
}

std::size_t EventLoop::size() const {
    const std::lock_guard lock(impl_->mutex);
    return impl_->sources.size();
}

}  // namespace uiokit
