// Syscalls per interrupt, for strace. Run as
//
//   strace -f -o trace.txt uiokit_bench_irq_syscalls 5000
//
// The main thread is the driver: it does four phases of N interrupts each, ping-pong with the
// simulated hardware thread (bench_support.hpp), and marks each phase with an open() of a path
// that does not exist, /uiokit-bench-marker/<phase>-{begin,end}, which strace shows as a failed
// openat. bench/run.sh counts the syscalls of the main thread (its id is printed first) between
// the markers; the simulator's own threads are not counted.
//   library_wait      enable() + wait()                     kernel ABI minimum: 2 (write, read)
//   library_wait_for  enable() + wait_for(1 s)              minimum: 3 (write, ppoll, read)
//   plain_c_wait      write(fd, 1) + read(fd, 4)            2
//   plain_c_wait_for  write(fd, 1) + ppoll + read(fd, 4)    3
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "bench_support.hpp"

using namespace uiokit_bench;
using namespace std::chrono_literals;

namespace {
void marker(const char* phase, const char* edge) {
    const std::string path = std::string("/uiokit-bench-marker/") + phase + "-" + edge;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);  // fails with ENOENT: only a marker
    if (fd >= 0) ::close(fd);
}

template <class F>
std::uint32_t phase(const char* name, std::size_t n, F&& one_interrupt) {
    std::uint32_t last = 0;
    marker(name, "begin");
    for (std::size_t i = 0; i < n; ++i) last = one_interrupt();
    marker(name, "end");
    return last;
}
}  // namespace

int main(int argc, char** argv) {
    const std::size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 5000;
    std::printf("driver thread %ld\n", thread_id());
    std::fflush(stdout);

    PingPong pp;
    uiokit::Interrupt& irq = pp.device().interrupt();
    const int fd = pp.device().fd();
    std::uint32_t count = 0;

    count = phase("library_wait", n, [&] {
        irq.enable();
        return irq.wait().count;
    });
    count = phase("library_wait_for", n, [&] {
        irq.enable();
        const auto event = irq.wait_for(1s);
        if (!event) std::abort();
        return event->count;
    });
    count = phase("plain_c_wait", n, [&] {
        const std::uint32_t one = 1;
        std::uint32_t c = 0;
        if (::write(fd, &one, 4) != 4 || ::read(fd, &c, 4) != 4) std::abort();
        return c;
    });
    count = phase("plain_c_wait_for", n, [&] {
        const std::uint32_t one = 1;
        std::uint32_t c = 0;
        pollfd p{fd, POLLIN, 0};
        const timespec timeout{1, 0};
        if (::write(fd, &one, 4) != 4 || ::ppoll(&p, 1, &timeout, nullptr) != 1 || ::read(fd, &c, 4) != 4)
            std::abort();
        return c;
    });
    std::printf("interrupts %zu, final count %u (expected %zu)\n", 4 * n, count, 4 * n);
    return count == 4 * n ? 0 : 1;
}
