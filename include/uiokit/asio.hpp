// A Boost.Asio adapter for Interrupt (header-only, Boost 1.74 or later): an asynchronous wait that
// completes with the InterruptEvent, for callbacks, futures and C++20 coroutines
// (boost::asio::use_awaitable). It runs the same protocol as Interrupt::wait (count, missed) and,
// like it, does not re-enable the line: clear the source, then call interrupt().enable().
//
//   uiokit::asio::AsyncInterrupt irq(io_context, device.interrupt());
//   auto [ec, event] = co_await irq.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
//
// Rules (docs/interrupts.md#boostasio):
//   - One wait at a time per AsyncInterrupt, and while it exists no other waits on its Interrupt:
//     Asio sets O_NONBLOCK on the descriptor (undone by the destructor), and Interrupt::wait then
//     fails with EAGAIN.
//   - Start waits on the thread that runs the io_context (from a handler or a coroutine), or
//     before it runs. Asio's epoll is edge-triggered: a wait therefore first checks whether an
//     interrupt is pending, and one that arrives between that check and the wait is seen only if no
//     other thread is in the reactor meanwhile.
//   - Cancellation as for Asio's own I/O objects: cancel() and the destructor complete a pending
//     wait with boost::asio::error::operation_aborted; a wait that had already completed (its
//     handler queued) completes normally.
//   - Errors: a removed device completes with EIO (boost::system::errc::io_error); other failures
//     of the read with their errno. The event is then {0, 0}.
#pragma once

#include <fcntl.h>
#include <poll.h>

#include <cerrno>
#include <utility>

#include <boost/asio/async_result.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/system/error_code.hpp>

#include <uiokit/error.hpp>
#include <uiokit/interrupt.hpp>

namespace uiokit::asio {

class AsyncInterrupt {
public:
    using executor_type = boost::asio::posix::stream_descriptor::executor_type;

    // `interrupt` must outlive this object. Throws NoInterruptError for a device without
    // interrupt, and what Asio throws when it cannot register the descriptor.
    AsyncInterrupt(const executor_type& executor, Interrupt& interrupt)
        : interrupt_(interrupt), descriptor_(executor), flags_at_start_(::fcntl(interrupt.fd(), F_GETFL)) {
        if (!interrupt.available()) {
            interrupt.enable();  // throws NoInterruptError naming the device
            throw NoInterruptError("asio: wait on an interrupt that is not available");
        }
        descriptor_.assign(interrupt.fd());
    }
    template <class ExecutionContext>
        requires std::is_convertible_v<ExecutionContext&, boost::asio::execution_context&>
    AsyncInterrupt(ExecutionContext& context, Interrupt& interrupt)
        : AsyncInterrupt(context.get_executor(), interrupt) {}

    AsyncInterrupt(const AsyncInterrupt&) = delete;
    AsyncInterrupt& operator=(const AsyncInterrupt&) = delete;
    AsyncInterrupt(AsyncInterrupt&&) = delete;  // pending operations hold its address
    AsyncInterrupt& operator=(AsyncInterrupt&&) = delete;

    // Cancels a pending wait, and gives the descriptor back to its Device (not closed) as it was:
    // blocking again unless it was non-blocking before.
    ~AsyncInterrupt() {
        boost::system::error_code ignored;
        descriptor_.cancel(ignored);
        const int fd = descriptor_.release();
        if (flags_at_start_ >= 0 && (flags_at_start_ & O_NONBLOCK) == 0) (void)::fcntl(fd, F_SETFL, flags_at_start_);
    }

    [[nodiscard]] executor_type get_executor() noexcept { return descriptor_.get_executor(); }
    [[nodiscard]] Interrupt& interrupt() noexcept { return interrupt_; }

    // Completes with (boost::system::error_code, InterruptEvent) once an interrupt is pending.
    template <class CompletionToken>
    auto async_wait(CompletionToken&& token) {
        return boost::asio::async_compose<CompletionToken, void(boost::system::error_code, InterruptEvent)>(
            WaitOperation{*this}, token, descriptor_);
    }

    // Completes a pending wait with boost::asio::error::operation_aborted.
    void cancel() {
        boost::system::error_code ignored;
        descriptor_.cancel(ignored);
    }

private:
    struct WaitOperation {
        AsyncInterrupt& self;
        bool started = false;

        template <class Self>
        void operator()(Self& operation, boost::system::error_code error = {}) {
            if (!started) {
                started = true;
                // Asio's epoll registration is edge-triggered: an interrupt already pending would
                // not wake an async_wait, so look first (poll(2), zero timeout) and complete
                // through the executor, never inside this call.
                pollfd ready{self.interrupt_.fd(), POLLIN, 0};
                if (::poll(&ready, 1, 0) > 0) {
                    boost::asio::post(self.descriptor_.get_executor(), std::move(operation));
                    return;
                }
                self.descriptor_.async_wait(boost::asio::posix::stream_descriptor::wait_read, std::move(operation));
                return;
            }
            if (error) {
                operation.complete(error, InterruptEvent{});
                return;
            }
            // The read outside the completion: what the handler throws is not ours to catch.
            InterruptEvent event{};
            try {
                event = self.interrupt_.wait();
            } catch (const Error& e) {
                error.assign(e.code().value(), boost::system::generic_category());
            }
            if (error.value() == EAGAIN) {  // not pending after all: wait for the next edge
                self.descriptor_.async_wait(boost::asio::posix::stream_descriptor::wait_read, std::move(operation));
                return;
            }
            operation.complete(error, event);
        }
    };

    Interrupt& interrupt_;
    boost::asio::posix::stream_descriptor descriptor_;
    int flags_at_start_;
};

}  // namespace uiokit::asio
