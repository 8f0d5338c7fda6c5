// An interrupt flood on the simulated device: one thread raises N interrupts, one every `gap_ns`
// (busy-waiting with sched_yield in between; 0: back to back), with raise_interrupt(), which acts
// like the kernel's handler: while the line is disabled, further interrupts coalesce into one
// pending interrupt, delivered when the driver re-enables. The driver loops wait() + enable().
// The default gap (2 us: 500 000 interrupts/s, far above what the driver can take) keeps the
// driver saturated for the whole flood, so interrupts seen per second is its throughput; back to
// back, a million raises take a few tens of milliseconds and almost all coalesce. Then the hardware thread waits until the driver has seen everything
// (line enabled, nothing pending), sets `stop` and raises one last interrupt, which ends the loop.
//
// Accounting must be exact: interrupts seen + reported missed == the device's final count, and
// raised (N + 1) - counted == the interrupts that coalesced while the line was disabled.
// The same flood is driven through the library and through a plain C loop of write(fd, 1) +
// read(fd, 4), alternating, `rounds` times each. One JSON object per line on stdout.
//
//   uiokit_bench_irq_flood [N=1000000] [rounds=3] [gap_ns=2000]
#include <sched.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <thread>

#include "bench_support.hpp"

using namespace uiokit_bench;

namespace {

struct Outcome {
    std::uint64_t raised = 0, counted = 0, seen = 0, missed = 0;
    double seconds = 0;
};

// `driver(stop)` runs the wait loop until a wake-up finds `stop` set; returns {seen, missed}.
template <class Driver>
Outcome flood(std::size_t n, std::int64_t gap_ns, Driver&& driver) {
    uiokit::sim::SimulatedSystem system;
    auto& simulated = system.add_device({.name = "flood", .maps = {{.phys = 0x9000'0000, .length = 0x100}}});
    uiokit::Device device =
        uiokit::Device::open(uiokit::Selector::name("flood"), uiokit::OpenMode::read_write, system.host());
    simulated.wait_for_control_writes(1, std::chrono::seconds(10));  // the enable at open
    const std::uint32_t count_at_open = simulated.event_count();

    std::atomic<bool> stop{false};
    Outcome out;
    const std::int64_t start = now_ns();
    std::thread hardware([&] {
        for (std::size_t i = 0; i < n; ++i) {
            simulated.raise_interrupt();
            const std::int64_t next = start + static_cast<std::int64_t>(i + 1) * gap_ns;
            while (gap_ns > 0 && now_ns() < next) ::sched_yield();
        }
        // Quiescent: the driver re-enabled after the newest interrupt and nothing is pending.
        while (!(simulated.interrupt_enabled() && !simulated.interrupt_pending()))
            std::this_thread::sleep_for(std::chrono::microseconds(50));
        stop.store(true);
        simulated.raise_interrupt();  // the sentinel
    });
    const auto [seen, missed] = driver(device, stop);
    out.seconds = static_cast<double>(now_ns() - start) / 1e9;
    hardware.join();
    out.raised = n + 1;
    out.counted = simulated.event_count() - count_at_open;
    out.seen = seen;
    out.missed = missed;
    return out;
}

std::pair<std::uint64_t, std::uint64_t> library_driver(uiokit::Device& device, std::atomic<bool>& stop) {
    uiokit::Interrupt& irq = device.interrupt();
    std::uint64_t seen = 0, missed = 0;
    for (;;) {
        const uiokit::InterruptEvent event = irq.wait();
        ++seen;
        missed += event.missed;
        if (stop.load()) break;
        irq.enable();
    }
    return {seen, missed};
}

std::pair<std::uint64_t, std::uint64_t> plain_c_driver(uiokit::Device& device, std::atomic<bool>& stop) {
    const int fd = device.fd();
    std::uint32_t last = device.interrupt().last_count();
    std::uint64_t seen = 0, missed = 0;
    for (;;) {
        std::uint32_t count = 0;
        if (::read(fd, &count, 4) != 4) std::abort();
        ++seen;
        missed += count - last - 1;
        last = count;
        if (stop.load()) break;
        const std::uint32_t one = 1;
        if (::write(fd, &one, 4) != 4) std::abort();
    }
    return {seen, missed};
}

void report(const char* mode, int round, std::int64_t gap_ns, const Outcome& o) {
    const bool exact = o.seen + o.missed == o.counted;
    std::printf("{\"mode\": \"%s\", \"round\": %d, \"raised\": %llu, \"counted\": %llu, \"coalesced\": %llu, "
                "\"seen\": %llu, \"missed\": %llu, \"seconds\": %.4f, \"seen_per_s\": %.0f, "
                "\"raised_per_s\": %.0f, \"gap_ns\": %lld, \"exact\": %s}\n",
                mode, round, static_cast<unsigned long long>(o.raised), static_cast<unsigned long long>(o.counted),
                static_cast<unsigned long long>(o.raised - o.counted), static_cast<unsigned long long>(o.seen),
                static_cast<unsigned long long>(o.missed), o.seconds, static_cast<double>(o.seen) / o.seconds,
                static_cast<double>(o.raised) / o.seconds, static_cast<long long>(gap_ns), exact ? "true" : "false");
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
    const std::size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
    const int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
    const std::int64_t gap_ns = argc > 3 ? std::atoll(argv[3]) : 2000;
    bool all_exact = true;
    for (int r = 1; r <= rounds; ++r) {
        const Outcome lib = flood(n, gap_ns, library_driver);
        report("library", r, gap_ns, lib);
        const Outcome raw = flood(n, gap_ns, plain_c_driver);
        report("plain_c", r, gap_ns, raw);
        all_exact = all_exact && lib.seen + lib.missed == lib.counted && raw.seen + raw.missed == raw.counted;
    }
    return all_exact ? 0 : 1;
}
