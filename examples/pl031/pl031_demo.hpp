// The example's main job, shared by the program for real devices and the simulated one.
#pragma once

#include <ostream>

#include <uiokit/device.hpp>

namespace pl031 {

// Prints the device, its IDs and time, sets an alarm `seconds` ahead, waits for its interrupt and
// clears it. Returns 0 when the alarm interrupt came and was cleared, 1 otherwise.
int run_demo(uiokit::Device& device, unsigned seconds, std::ostream& out);

}  // namespace pl031
