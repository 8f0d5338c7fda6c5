// What an Interrupt holds (internal): the public header keeps only a pointer to it, so the members
// can change without changing the library's ABI. Device creates it at open.
#pragma once

#include <ctime>

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include <uiokit/interrupt.hpp>

namespace uiokit {

struct UIOKIT_INTERNAL Interrupt::State {
    // `node` stays owned by the Device. `count_at_open` is the device's count at open. `writable` is
    // false for a descriptor opened read-only: enable/disable then refuse.
    State(int node, std::string node_path, std::uint32_t count_at_open, bool has_interrupt, bool writable) noexcept
        : fd(node), path(std::move(node_path)), last_count(count_at_open), available(has_interrupt),
          controllable(writable) {}

    std::optional<InterruptEvent> poll_then_read(const timespec* timeout, int cancel_fd);
    InterruptEvent read_count();
    void write_control(std::uint32_t value, const char* what);
    [[noreturn]] void throw_io_error(int err, const char* what) const;
    void require_available() const;

    // Marks the one wait in progress.
    class WaitGuard;

    const int fd;
    const std::string path;
    std::atomic<std::uint32_t> last_count;
    std::atomic<bool> waiting{false};
    const bool available;
    const bool controllable;
};

}  // namespace uiokit
