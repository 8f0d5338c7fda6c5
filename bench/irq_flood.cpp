// An interrupt flood on the simulated device: one thread raises N interrupts, one every `gap_ns`
// (busy-waiting with sched_yield in between; 0: back to back), with raise_interrupt(). The default
// gap (2 us: 500 000 interrupts/s, far above what the driver can take) keeps the driver saturated
// for the whole flood, so interrupts seen per second is its throughput. Two kinds of line:
//
//   masked    uio_pdrv_genirq: the handler disables the line, so interrupts raised before the
//             driver re-enables coalesce into one pending interrupt. The driver loops wait() +
//             enable(). After the N raises the hardware thread waits until the driver has seen
//             everything (line enabled, nothing pending), sets `stop` and raises one sentinel
//             interrupt, which ends the loop. Exact: seen + missed == counted (the device's
//             count), and raised (N + 1) - counted == coalesced.
//   counting  a UIO driver whose handler leaves the line enabled: every raise is counted, and a
//             driver that falls behind sees the count jump. The driver loops wait() until the
//             count reaches the N-th interrupt's. Exact: seen + missed == raised == counted.
//
// The same flood is driven through the library and through a plain C loop of read(fd, 4) (+
// write(fd, 1) when masked), alternating, `rounds` times each. One JSON object per line on stdout.
//
//   uiokit_bench_irq_flood [N=1000000] [rounds=3] [gap_ns=2000] [masked|counting]
#include <sched.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "bench_support.hpp"

using namespace uiokit_bench;

namespace {

struct Outcome {
    std::uint64_t raised = 0, counted = 0, seen = 0, missed = 0;
    double seconds = 0;
};

// When a driver's loop ends: masked, at a wake-up that finds `stop` set; counting, at the wake-up
// that returns `final_count`.
struct End {
    bool counting = false;
    std::atomic<bool> stop{false};
    std::uint32_t final_count = 0;
    [[nodiscard]] bool reached(std::uint32_t count) const { return counting ? count == final_count : stop.load(); }
};

// `driver(device, end)` runs the wait loop until `end` is reached; returns {seen, missed}.
template <class Driver>
Outcome flood(std::size_t n, std::int64_t gap_ns, bool counting, Driver&& driver) {
    uiokit::sim::SimulatedSystem system;
    auto& simulated = system.add_device({.name = "flood",
                                         .maps = {{.phys = 0x9000'0000, .length = 0x100}},
                                         .handler_disables_irq = !counting});
    uiokit::Device device =
        uiokit::Device::open(uiokit::Selector::name("flood"), uiokit::OpenOptions{}, system.host());
    simulated.wait_for_control_writes(1, std::chrono::seconds(10));  // the enable at open
    const std::uint32_t count_at_open = simulated.event_count();

    End end;
    end.counting = counting;
    end.final_count = count_at_open + static_cast<std::uint32_t>(n);
    Outcome out;
    const std::int64_t start = now_ns();
    std::thread hardware([&] {
        for (std::size_t i = 0; i < n; ++i) {
            simulated.raise_interrupt();
            const std::int64_t next = start + static_cast<std::int64_t>(i + 1) * gap_ns;
            while (gap_ns > 0 && now_ns() < next) ::sched_yield();
        }
        if (end.counting) return;
        // Quiescent: the driver re-enabled after the newest interrupt and nothing is pending.
        while (!(simulated.interrupt_enabled() && !simulated.interrupt_pending()))
            std::this_thread::sleep_for(std::chrono::microseconds(50));
        end.stop.store(true);
        simulated.raise_interrupt();  // the sentinel
    });
    const auto [seen, missed] = driver(device, end);
    out.seconds = static_cast<double>(now_ns() - start) / 1e9;
    hardware.join();
    out.raised = counting ? n : n + 1;
    out.counted = simulated.event_count() - count_at_open;
    out.seen = seen;
    out.missed = missed;
    return out;
}

std::pair<std::uint64_t, std::uint64_t> library_driver(uiokit::Device& device, const End& end) {
    uiokit::Interrupt& irq = device.interrupt();
    std::uint64_t seen = 0, missed = 0;
    for (;;) {
        const uiokit::InterruptEvent event = irq.wait();
        ++seen;
        missed += event.missed;
        if (end.reached(event.count)) break;
        if (!end.counting) irq.enable();
    }
    return {seen, missed};
}

std::pair<std::uint64_t, std::uint64_t> plain_c_driver(uiokit::Device& device, const End& end) {
    const int fd = device.fd();
    std::uint32_t last = device.interrupt().last_count();
    std::uint64_t seen = 0, missed = 0;
    for (;;) {
        std::uint32_t count = 0;
        if (::read(fd, &count, 4) != 4) std::abort();
        ++seen;
        missed += count - last - 1;
        last = count;
        if (end.reached(count)) break;
        if (end.counting) continue;
        const std::uint32_t one = 1;
        if (::write(fd, &one, 4) != 4) std::abort();
    }
    return {seen, missed};
}

// Seen + missed is what the kernel counted, and on a counting line also every interrupt raised.
bool exact(const Outcome& o, bool counting) {
    return o.seen + o.missed == o.counted && (!counting || o.counted == o.raised);
}

void report(const char* mode, const char* line, int round, std::int64_t gap_ns, const Outcome& o) {
    const bool is_exact = exact(o, std::strcmp(line, "counting") == 0);
    std::printf("{\"mode\": \"%s\", \"line\": \"%s\", \"round\": %d, \"raised\": %llu, \"counted\": %llu, \"coalesced\": %llu, "
                "\"seen\": %llu, \"missed\": %llu, \"seconds\": %.4f, \"seen_per_s\": %.0f, "
                "\"raised_per_s\": %.0f, \"gap_ns\": %lld, \"exact\": %s}\n",
                mode, line, round, static_cast<unsigned long long>(o.raised), static_cast<unsigned long long>(o.counted),
                static_cast<unsigned long long>(o.raised - o.counted), static_cast<unsigned long long>(o.seen),
                static_cast<unsigned long long>(o.missed), o.seconds, static_cast<double>(o.seen) / o.seconds,
                static_cast<double>(o.raised) / o.seconds, static_cast<long long>(gap_ns), is_exact ? "true" : "false");
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
    const std::size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
    const int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
    const std::int64_t gap_ns = argc > 3 ? std::atoll(argv[3]) : 2000;
    const std::string line = argc > 4 ? argv[4] : "masked";
    if (line != "masked" && line != "counting") {
        std::fprintf(stderr, "uiokit_bench_irq_flood: line must be 'masked' or 'counting', not '%s'\n", line.c_str());
        return 2;
    }
    const bool counting = line == "counting";
    bool all_exact = true;
    for (int r = 1; r <= rounds; ++r) {
        const Outcome lib = flood(n, gap_ns, counting, library_driver);
        report("library", line.c_str(), r, gap_ns, lib);
        const Outcome raw = flood(n, gap_ns, counting, plain_c_driver);
        report("plain_c", line.c_str(), r, gap_ns, raw);
        for (const Outcome& o : {lib, raw})
            all_exact = all_exact && exact(o, counting);
    }
    return all_exact ? 0 : 1;
}
