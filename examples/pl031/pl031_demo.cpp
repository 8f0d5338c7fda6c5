#include "pl031_demo.hpp"

#include <iomanip>
#include <sstream>
#include <string>

#include "pl031_rtc.hpp"

namespace pl031 {
namespace {
std::string hex(std::uint64_t v) {
    std::ostringstream text;
    text << "0x" << std::hex << v;
    return text.str();
}
}  // namespace

int run_demo(uiokit::Device& device, unsigned seconds, std::ostream& out) {
    const auto& info = device.info();
    out << "PL031 RTC: " << info.dev_node.string() << " (uio" << info.index << ", name '" << info.name
        << "', map0 at " << hex(info.map(0).start()) << ")\n";
    Rtc rtc(device);
    const Ids ids = rtc.ids();
    out << "  PeriphID " << hex(ids.peripheral) << ", PCellID " << hex(ids.primecell) << "\n";
    out << "  time: " << rtc.now() << " s\n";
    const auto start = std::chrono::steady_clock::now();
    const std::uint32_t at = rtc.set_alarm_in(seconds);
    out << "  alarm at " << at << " (in " << seconds << " s), waiting for its interrupt...\n";
    out.flush();

    const auto alarm = rtc.wait_alarm(std::chrono::seconds(seconds + 5));
    const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!alarm) {
        rtc.cancel_alarm();
        out << "  FAIL: no interrupt within " << seconds + 5 << " s\n";
        return 1;
    }
    if (alarm->stale_skipped > 0)
        out << "  skipped " << alarm->stale_skipped
            << " interrupt(s) the RTC was not asserting (counted for an earlier, cleared match)\n";
    out << "  interrupt: count " << alarm->event.count << ", missed " << alarm->event.missed << ", after "
        << std::fixed << std::setprecision(2) << waited << " s; time " << alarm->time << "; match (MIS) cleared\n";
    return 0;
}

}  // namespace pl031
