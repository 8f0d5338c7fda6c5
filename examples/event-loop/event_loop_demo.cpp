// uiokit-event-loop-demo [RTC] [GPIO|-] [SECONDS]: one thread, one EventLoop, three sources:
//   - the PL031 RTC's alarm (RTC, default "pl031"), re-armed one second ahead after each alarm;
//   - a PL061 GPIO controller's interrupt (GPIO, default "0x9030000", the virtual board's; "-" for
//     none): the handler reads the masked status and clears those lines, e.g. line 3 when QEMU's
//     monitor sends system_powerdown;
//   - a periodic timer printing the RTC's time once a second.
// Each interrupt handler clears its source in the device and returns Rearm::yes: the loop
// re-enables the line only then. After SECONDS (default 5) it prints what each source saw (seen
// and missed, from the counts the loop read) and exits 0 if at least one alarm was handled.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>

#include <uiokit/device.hpp>
#include <uiokit/error.hpp>
#include <uiokit/event_loop.hpp>

#include "pl031_rtc.hpp"

namespace {

// PL061 registers (ARM DDI 0190): masked interrupt status, interrupt clear.
constexpr std::uint64_t pl061_mis = 0x418;
constexpr std::uint64_t pl061_ic = 0x41C;

// What one interrupt source saw.
struct Tally {
    std::uint64_t seen = 0, missed = 0;
    std::uint32_t last_count = 0;
    bool removed = false;
    void add(const uiokit::InterruptEvent& event) {
        ++seen;
        missed += event.missed;
        last_count = event.count;
    }
};

}  // namespace

int main(int argc, char** argv) {
    if (argc > 4 || (argc > 1 && std::string(argv[1]) == "--help")) {
        std::cerr << "usage: uiokit-event-loop-demo [RTC] [GPIO|-] [SECONDS]\n";
        return argc > 1 && std::string(argv[1]) == "--help" ? 0 : 2;
    }
    const std::string rtc_selector = argc > 1 ? argv[1] : "pl031";
    const std::string gpio_selector = argc > 2 ? argv[2] : "0x9030000";
    char* end = nullptr;
    const long seconds = argc > 3 ? std::strtol(argv[3], &end, 10) : 5;
    if ((argc > 3 && (*argv[3] == '\0' || *end != '\0')) || seconds < 1 || seconds > 3600) {
        std::cerr << "uiokit-event-loop-demo: SECONDS is 1..3600\n";
        return 2;
    }
    try {
        uiokit::Device rtc_device = uiokit::Device::open(uiokit::Selector::parse(rtc_selector));
        pl031::Rtc rtc(rtc_device);
        std::optional<uiokit::Device> gpio_device;
        std::optional<uiokit::Region> gpio;
        if (gpio_selector != "-") {
            gpio_device = uiokit::Device::open(uiokit::Selector::parse(gpio_selector));
            gpio = gpio_device->map(0);
        }

        uiokit::EventLoop loop;
        Tally alarms;
        Tally gpio_interrupts;
        loop.add(rtc_device.interrupt(), [&](const uiokit::InterruptReport& report) {
            if (report.removed) {
                std::cout << "rtc: removed (" << report.reason << ")\n";
                alarms.removed = true;
                return uiokit::Rearm::no;
            }
            alarms.add(report.event);
            // Cleared before the loop re-enables the line; re-armed one second ahead.
            std::cout << "rtc alarm: count " << report.event.count << ", missed " << report.event.missed
                      << ", time " << rtc.now() << std::endl;
            rtc.cancel_alarm();
            rtc.set_alarm_in(1);
            return uiokit::Rearm::yes;
        });
        if (gpio_device) {
            loop.add(gpio_device->interrupt(), [&](const uiokit::InterruptReport& report) {
                if (report.removed) {
                    std::cout << "gpio: removed (" << report.reason << ")\n";
                    gpio_interrupts.removed = true;
                    return uiokit::Rearm::no;
                }
                gpio_interrupts.add(report.event);
                const auto lines = gpio->read<std::uint32_t>(pl061_mis);
                gpio->write<std::uint32_t>(pl061_ic, lines);  // clear what is pending, then re-enable
                std::cout << "gpio interrupt: count " << report.event.count << ", missed " << report.event.missed
                          << ", lines 0x" << std::hex << lines << std::dec << std::endl;
                return uiokit::Rearm::yes;
            });
        }
        loop.add_timer(std::chrono::seconds(1), std::chrono::seconds(1), [&](std::uint64_t expirations) {
            std::cout << "tick: rtc time " << rtc.now() << (expirations > 1 ? " (late)" : "") << std::endl;
        });
        loop.add_timer(std::chrono::seconds(seconds), std::chrono::nanoseconds(0), [&](std::uint64_t) { loop.stop(); });

        rtc.set_alarm_in(1);
        std::cout << "serving " << (gpio_device ? "rtc, gpio and a timer" : "rtc and a timer") << " on one thread for "
                  << seconds << " s" << std::endl;
        loop.run();
        rtc.cancel_alarm();

        std::cout << "alarms " << alarms.seen << " (missed " << alarms.missed << ", count " << alarms.last_count
                  << "), gpio interrupts " << gpio_interrupts.seen << " (missed " << gpio_interrupts.missed << ", count "
                  << gpio_interrupts.last_count << ")\n";
        return alarms.seen > 0 ? 0 : 1;
    } catch (const uiokit::Error& e) {
        std::cerr << "uiokit-event-loop-demo: " << e.what() << "\n";
        return 1;
    }
}
