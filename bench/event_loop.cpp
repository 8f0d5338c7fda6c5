// EventLoop against blocking threads, on the simulated device node (issue 18). Three measurements,
// one JSON object per line on stdout:
//
//   latency     wake-up latency, interrupt raised -> handler running, through the loop and in a
//               thread blocked in a plain read(fd, 4), paired: the "hardware" thread alternates
//               between the two devices, one interrupt at a time, each consumer re-enabling its
//               line (write 1) after each. Medians and the ratio loop / read.
//   throughput  64 devices (uio_pdrv_genirq lines) raised at random, one every `gap_ns`
//               (busy-waiting with sched_yield, as irq_flood does: back to back, the raising thread
//               holds the simulator's lock so often that it starves the consumers), for `seconds`:
//               interrupts served per second by one EventLoop thread and by 64 threads in
//               wait() + enable(), alternating rounds. The loop thread's syscalls per interrupt.
//   syscalls    syscalls per interrupt of the loop thread in the latency run (one interrupt per
//               epoll_wait), counted by the simulator's wraps.
//
//   uiokit_bench_event_loop [samples=2000] [rounds=3] [seconds=0.5] [gap_ns=2000]
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <uiokit/event_loop.hpp>

#include "bench_support.hpp"

using namespace uiokit_bench;

namespace {

std::int64_t percentile(std::vector<std::int64_t> values, double p) {
    std::sort(values.begin(), values.end());
    return values[static_cast<std::size_t>(p * static_cast<double>(values.size() - 1))];
}

void wait_enabled(const uiokit::sim::SimulatedDevice& device) {
    while (!device.interrupt_enabled()) std::this_thread::yield();
}

// The consumer is back in its blocking call once the line is re-enabled and a little time passed.
void settle() { std::this_thread::sleep_for(std::chrono::microseconds(30)); }

void latency(std::size_t samples) {
    uiokit::sim::SimulatedSystem system;
    auto& loop_sim = system.add_device({.name = "loopdev", .maps = {{.phys = 0x9000'0000, .length = 0x100}}});
    auto& read_sim = system.add_device({.name = "readdev", .maps = {{.phys = 0x9001'0000, .length = 0x100}}});
    auto loop_dev = uiokit::Device::open(uiokit::Selector::name("loopdev"), {}, system.host());
    auto read_dev = uiokit::Device::open(uiokit::Selector::name("readdev"), {}, system.host());

    std::atomic<std::int64_t> loop_woke{0};
    std::atomic<std::int64_t> read_woke{0};
    std::atomic<bool> stop{false};
    uiokit::EventLoop loop;
    loop.add(loop_dev.interrupt(), [&](const uiokit::InterruptReport&) {
        loop_woke.store(now_ns(), std::memory_order_release);
        return uiokit::Rearm::yes;
    });
    uiokit::sim::SyscallCounts loop_counts;
    std::thread loop_thread([&] {
        uiokit::sim::this_thread_syscalls() = {};
        loop.run();
        loop_counts = uiokit::sim::this_thread_syscalls();
    });
    std::thread read_thread([&, fd = read_dev.interrupt().fd()] {
        for (;;) {
            std::uint32_t count = 0;
            if (::read(fd, &count, sizeof count) != sizeof count) std::abort();
            read_woke.store(now_ns(), std::memory_order_release);
            if (stop.load()) return;
            const std::uint32_t one = 1;
            if (::write(fd, &one, sizeof one) != sizeof one) std::abort();
        }
    });

    std::vector<std::int64_t> through_loop;
    std::vector<std::int64_t> through_read;
    const auto one = [](uiokit::sim::SimulatedDevice& device, std::atomic<std::int64_t>& woke) {
        wait_enabled(device);
        settle();
        woke.store(0);
        const std::int64_t raised = now_ns();
        device.raise_interrupt();
        std::int64_t at = 0;
        while ((at = woke.load(std::memory_order_acquire)) == 0) std::this_thread::yield();
        return at - raised;
    };
    for (std::size_t i = 0; i < samples; ++i) {
        // Alternating which goes first, so neither always follows the other's wake-up.
        if (i % 2 == 0) {
            through_loop.push_back(one(loop_sim, loop_woke));
            through_read.push_back(one(read_sim, read_woke));
        } else {
            through_read.push_back(one(read_sim, read_woke));
            through_loop.push_back(one(loop_sim, loop_woke));
        }
    }
    loop.stop();
    loop_thread.join();
    stop = true;
    wait_enabled(read_sim);
    read_sim.raise_interrupt();
    read_thread.join();

    const auto loop_median = percentile(through_loop, 0.5);
    const auto read_median = percentile(through_read, 0.5);
    std::printf("{\"bench\":\"latency\",\"samples\":%zu,\"loop_median_ns\":%lld,\"read_median_ns\":%lld,"
                "\"loop_p90_ns\":%lld,\"read_p90_ns\":%lld,\"ratio_median\":%.3f}\n",
                samples, static_cast<long long>(loop_median), static_cast<long long>(read_median),
                static_cast<long long>(percentile(through_loop, 0.9)), static_cast<long long>(percentile(through_read, 0.9)),
                static_cast<double>(loop_median) / static_cast<double>(read_median));
    // The loop's run: one epoll_wait, read and write per interrupt, plus the stop (epoll_wait and
    // read of the eventfd).
    const double per = static_cast<double>(loop_counts.total() - 2) / static_cast<double>(samples);
    std::printf("{\"bench\":\"syscalls\",\"interrupts\":%zu,\"epoll_wait\":%d,\"read\":%d,\"write\":%d,"
                "\"per_interrupt\":%.3f}\n",
                samples, loop_counts.epoll_wait, loop_counts.read, loop_counts.write, per);
}

struct Throughput {
    std::uint64_t served = 0, raised = 0;
    double seconds = 0, syscalls_per_interrupt = 0;
};

// One round: 64 devices raised at random for `seconds`, served by one loop thread or 64 threads.
Throughput flood64(double seconds, std::int64_t gap_ns, bool use_loop) {
    constexpr std::size_t devices = 64;
    uiokit::sim::SimulatedSystem system;
    std::vector<uiokit::sim::SimulatedDevice*> simulated;
    std::vector<uiokit::Device> opened;
    for (std::size_t i = 0; i < devices; ++i) {
        const std::string name = "dev" + std::to_string(i);
        simulated.push_back(&system.add_device({.name = name, .maps = {{.phys = 0x4000'0000 + 0x1'0000 * i, .length = 0x100}}}));
        opened.push_back(uiokit::Device::open(uiokit::Selector::name(name), {}, system.host()));
    }
    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> served{0};
    Throughput result;

    uiokit::EventLoop loop;
    std::vector<std::thread> threads;
    if (use_loop) {
        for (auto& device : opened)
            loop.add(device.interrupt(), [&](const uiokit::InterruptReport&) {
                served.fetch_add(1, std::memory_order_relaxed);
                return uiokit::Rearm::yes;
            });
        threads.emplace_back([&] {
            uiokit::sim::this_thread_syscalls() = {};
            loop.run();
            const auto total = uiokit::sim::this_thread_syscalls().total();
            result.syscalls_per_interrupt = static_cast<double>(total) / static_cast<double>(served.load());
        });
    } else {
        for (auto& device : opened)
            threads.emplace_back([&stop, &served, &irq = device.interrupt()] {
                for (;;) {
                    (void)irq.wait();
                    served.fetch_add(1, std::memory_order_relaxed);
                    irq.enable();
                    if (stop.load()) return;
                }
            });
    }

    std::uint64_t state = 0x9E3779B97F4A7C15ull;  // xorshift64: the same sequence for every round
    const std::int64_t start = now_ns();
    const auto end = start + static_cast<std::int64_t>(seconds * 1e9);
    std::int64_t next = start;
    while (next < end) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        simulated[state % devices]->raise_interrupt();
        ++result.raised;
        next += gap_ns;
        while (now_ns() < next) ::sched_yield();
    }
    result.served = served.load();  // served within the window
    result.seconds = static_cast<double>(now_ns() - start) / 1e9;
    stop = true;
    if (use_loop) {
        loop.stop();
    } else {
        for (auto* device : simulated) device->raise_interrupt();  // wakes every thread once more
    }
    for (auto& t : threads) t.join();
    return result;
}

}  // namespace

int main(int argc, char** argv) {
    const std::size_t samples = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 2000;
    const int rounds = argc > 2 ? static_cast<int>(std::strtol(argv[2], nullptr, 10)) : 3;
    const double seconds = argc > 3 ? std::strtod(argv[3], nullptr) : 0.5;
    const std::int64_t gap_ns = argc > 4 ? std::strtoll(argv[4], nullptr, 10) : 2000;

    latency(samples);
    for (int round = 0; round < rounds; ++round) {
        for (const bool use_loop : {true, false}) {
            const Throughput t = flood64(seconds, gap_ns, use_loop);
            std::printf("{\"bench\":\"throughput\",\"round\":%d,\"consumer\":\"%s\",\"devices\":64,\"raised\":%llu,"
                        "\"served\":%llu,\"seconds\":%.3f,\"served_per_s\":%.0f",
                        round, use_loop ? "event_loop" : "64_threads", static_cast<unsigned long long>(t.raised),
                        static_cast<unsigned long long>(t.served), t.seconds, static_cast<double>(t.served) / t.seconds);
            if (use_loop) std::printf(",\"loop_syscalls_per_interrupt\":%.3f", t.syscalls_per_interrupt);
            std::printf("}\n");
            (void)std::fflush(stdout);
        }
    }
}
