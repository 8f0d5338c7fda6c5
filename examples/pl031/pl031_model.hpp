// A behavioural model of the PL031 on a simulated UIO device, so the driver runs with no hardware:
// the counter advances once per `tick`, a match (the counter stepping onto MR, or MR written equal
// to the counter, as in QEMU) raises RIS and (if unmasked) the interrupt, a write of 1 to ICR clears
// RIS, a write to LR loads the counter. It watches the simulated memory from a
// thread, as the hardware would see bus writes.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

#include <uiokit/sim/simulated_system.hpp>

namespace pl031 {

class Model {
public:
    Model(uiokit::sim::SimulatedDevice& device, std::uint32_t start_time,
          std::chrono::milliseconds tick = std::chrono::seconds(1));
    ~Model();
    Model(const Model&) = delete;
    Model& operator=(const Model&) = delete;

    // The simulator's spec for a PL031 at QEMU virt's address.
    static uiokit::sim::DeviceSpec device_spec();

private:
    // `loaded`, `matched_against`: the LR and MR values already acted on.
    void run(std::uint32_t loaded, std::uint32_t matched_against);

    uiokit::sim::SimulatedDevice& device_;
    std::chrono::milliseconds tick_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

}  // namespace pl031
