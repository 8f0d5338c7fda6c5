#include <uiokit/bus_error.hpp>

#include <atomic>
#include <csetjmp>
#include <cstdint>
#include <string>
#include <csignal>
#include <mutex>

#include <uiokit/error.hpp>
#include <uiokit/mmio.hpp>
#include <uiokit/region.hpp>

#include "sysfs.hpp"

namespace uiokit {
namespace {

// Where the guarded access of this thread jumps on SIGBUS; null outside one. Set and cleared by
// guarded_access only, read by the handler on the same thread.
thread_local sigjmp_buf* current_jump = nullptr;

std::mutex guards_mutex;
int guards = 0;                   // BusErrorGuards alive
struct sigaction previous_action;  // what SIGBUS did before the first guard

extern "C" void on_sigbus(int signal, siginfo_t* info, void* context) {
    if (sigjmp_buf* jump = current_jump) {
        current_jump = nullptr;
        siglongjmp(*jump, 1);
    }
    // Not a guarded access: what the process had before.
    if ((previous_action.sa_flags & SA_SIGINFO) != 0 && previous_action.sa_sigaction != nullptr) {
        previous_action.sa_sigaction(signal, info, context);
        return;
    }
    if (previous_action.sa_handler != SIG_DFL && previous_action.sa_handler != SIG_IGN) {
        previous_action.sa_handler(signal);
        return;
    }
    // The default action: returning re-executes the faulting access, which now kills the process.
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    sigemptyset(&default_action.sa_mask);
    ::sigaction(SIGBUS, &default_action, nullptr);
}

}  // namespace

BusErrorGuard::BusErrorGuard() {
    const std::lock_guard lock(guards_mutex);
    if (guards == 0) {
        struct sigaction action {};
        action.sa_sigaction = on_sigbus;
        action.sa_flags = SA_SIGINFO;
        sigemptyset(&action.sa_mask);
        if (::sigaction(SIGBUS, &action, &previous_action) < 0) throw Error(errno, "install the SIGBUS handler");
    }
    ++guards;
}

BusErrorGuard::~BusErrorGuard() {
    const std::lock_guard lock(guards_mutex);
    if (--guards == 0) ::sigaction(SIGBUS, &previous_action, nullptr);
}

namespace detail {

// The jump point and the one access in a frame of their own; after a jump nothing of this frame is
// used but the return value.
bool guarded_access(volatile std::byte* address, std::size_t width, bool store, std::uint64_t* value) noexcept {
    sigjmp_buf jump;
    if (sigsetjmp(jump, 1) != 0) return false;  // the handler has cleared current_jump
    current_jump = &jump;
    std::atomic_signal_fence(std::memory_order_seq_cst);  // the record is in place before the access
    if (store) {
        switch (width) {
            case 1: mmio::store<std::uint8_t>(address, static_cast<std::uint8_t>(*value)); break;
            case 2: mmio::store<std::uint16_t>(address, static_cast<std::uint16_t>(*value)); break;
            case 4: mmio::store<std::uint32_t>(address, static_cast<std::uint32_t>(*value)); break;
            default: mmio::store<std::uint64_t>(address, *value); break;
        }
    } else {
        switch (width) {
            case 1: *value = mmio::load<std::uint8_t>(address); break;
            case 2: *value = mmio::load<std::uint16_t>(address); break;
            case 4: *value = mmio::load<std::uint32_t>(address); break;
            default: *value = mmio::load<std::uint64_t>(address); break;
        }
    }
    std::atomic_signal_fence(std::memory_order_seq_cst);
    current_jump = nullptr;
    return true;
}

}  // namespace detail

void Region::throw_bus_error(std::size_t offset, std::size_t width, bool for_write) const {
    throw BusError(std::string(for_write ? "write" : "read") + std::to_string(width * 8) + " at offset " +
                       sysfs::hex(offset) + " of " + description_ + " (" + sysfs::hex(size_) +
                       " bytes): bus error (SIGBUS): nothing backs that page any more (was the file truncated "
                       "while mapped?) or the device refused the access",
                   offset);
}

}  // namespace uiokit
