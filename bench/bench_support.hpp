// Shared set-up for the benchmark programs: simulated devices and the interrupt "hardware" thread.
#pragma once

#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

#include <uiokit/device.hpp>
#include <uiokit/sim/simulated_system.hpp>

namespace uiokit_bench {

inline std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

inline long thread_id() { return ::syscall(SYS_gettid); }

// One simulated device with an interrupt, opened read-write through the library, and a second
// thread playing the hardware ping-pong style: each time the driver re-enables the line (a 4-byte
// write of 1, as the simulator records it), it raises exactly one interrupt. The line is therefore
// always enabled when the interrupt is raised, and every wait is woken by a fresh interrupt.
class PingPong {
public:
    PingPong()
        : simulated_(system_.add_device({.name = "irq", .maps = {{.phys = 0x9000'0000, .length = 0x100}}})),
          device_(uiokit::Device::open(uiokit::Selector::name("irq"), uiokit::OpenOptions{},
                                       system_.host())) {
        // Device::open wrote 1 (control write #1); the next write the driver makes is #2.
        simulated_.wait_for_control_writes(1, std::chrono::seconds(10));
        raiser_ = std::thread([this] {
            std::size_t next = 2;
            while (!stop_.load(std::memory_order_relaxed)) {
                if (!simulated_.wait_for_control_writes(next, std::chrono::milliseconds(20))) continue;
                raised_at_.store(now_ns(), std::memory_order_release);
                simulated_.raise_interrupt();
                ++next;
            }
        });
    }
    ~PingPong() {
        stop_ = true;
        raiser_.join();
    }
    PingPong(const PingPong&) = delete;
    PingPong& operator=(const PingPong&) = delete;

    uiokit::Device& device() { return device_; }
    uiokit::sim::SimulatedDevice& simulated() { return simulated_; }
    // When the hardware thread last raised the interrupt (steady clock, ns).
    std::int64_t raised_at() const { return raised_at_.load(std::memory_order_acquire); }

private:
    uiokit::sim::SimulatedSystem system_;
    uiokit::sim::SimulatedDevice& simulated_;
    uiokit::Device device_;
    std::atomic<bool> stop_{false};
    std::atomic<std::int64_t> raised_at_{0};
    std::thread raiser_;
};

// 256 devices with 5 maps each, named ip0 .. ip255 (map names: the kernel's default, the node name
// with its unit address).
inline void add_discovery_devices(uiokit::sim::SimulatedSystem& system, unsigned devices = 256, unsigned maps = 5) {
    for (unsigned d = 0; d < devices; ++d) {
        uiokit::sim::DeviceSpec spec;
        spec.name = "ip" + std::to_string(d);
        for (unsigned m = 0; m < maps; ++m)
            spec.maps.push_back({.phys = 0x4000'0000ull + d * 0x1'0000ull + m * 0x1000ull, .length = 0x100, .name = ""});
        system.add_device(spec);
    }
}

}  // namespace uiokit_bench
