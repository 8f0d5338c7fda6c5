// pl031-rtc-sim [SECONDS]: the same driver against a simulated PL031 (no hardware, no root).
#include <cstdlib>
#include <ctime>
#include <iostream>

#include <uiokit/device.hpp>
#include <uiokit/error.hpp>
#include <uiokit/sim/simulated_system.hpp>

#include "pl031_demo.hpp"
#include "pl031_model.hpp"

int main(int argc, char** argv) {
    unsigned seconds = 2;
    if (argc > 1) {
        char* end = nullptr;
        const unsigned long value = std::strtoul(argv[1], &end, 10);
        if (*argv[1] == '\0' || *end != '\0' || value < 1 || value > 60) {
            std::cerr << "usage: pl031-rtc-sim [SECONDS 1..60]\n";
            return 2;
        }
        seconds = static_cast<unsigned>(value);
    }
    try {
        uiokit::sim::SimulatedSystem system;
        auto& simulated = system.add_device(pl031::Model::device_spec());
        pl031::Model model(simulated, static_cast<std::uint32_t>(std::time(nullptr)));
        std::cout << "simulated UIO system in " << system.root().string() << "\n";
        uiokit::Device device = uiokit::Device::open(uiokit::Selector::name("pl031"), uiokit::OpenOptions{},
                                                     system.host());
        return pl031::run_demo(device, seconds, std::cout);
    } catch (const uiokit::Error& e) {
        std::cerr << "pl031-rtc-sim: " << e.what() << "\n";
        return 1;
    }
}
