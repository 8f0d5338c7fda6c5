// pl031-rtc [DEVICE] [SECONDS]: the PL031 example driver on a real device (e.g. the virtual board).
// DEVICE is any uiokit selector (name, uioN, /dev/uioN, 0xADDRESS); default "pl031".
#include <cstdlib>
#include <iostream>
#include <string>

#include <uiokit/device.hpp>
#include <uiokit/error.hpp>

#include "pl031_demo.hpp"

int main(int argc, char** argv) {
    if (argc > 3 || (argc > 1 && std::string(argv[1]) == "--help")) {
        std::cerr << "usage: pl031-rtc [DEVICE] [SECONDS]\n"
                     "  DEVICE   name, uioN, /dev/uioN or physical address (default: pl031)\n"
                     "  SECONDS  alarm delay, 1..3600 (default: 2)\n";
        return argc > 1 && std::string(argv[1]) == "--help" ? 0 : 2;
    }
    const std::string selector = argc > 1 ? argv[1] : "pl031";
    unsigned seconds = 2;
    if (argc > 2) {
        char* end = nullptr;
        const unsigned long value = std::strtoul(argv[2], &end, 10);
        if (*argv[2] == '\0' || *end != '\0' || value < 1 || value > 3600) {
            std::cerr << "pl031-rtc: SECONDS '" << argv[2] << "' is not a number from 1 to 3600\n";
            return 2;
        }
        seconds = static_cast<unsigned>(value);
    }
    try {
        uiokit::Device device = uiokit::Device::open(uiokit::Selector::parse(selector));
        return pl031::run_demo(device, seconds, std::cout);
    } catch (const uiokit::Error& e) {
        std::cerr << "pl031-rtc: " << e.what() << "\n";
        return 1;
    }
}
