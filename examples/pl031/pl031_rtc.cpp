#include "pl031_rtc.hpp"

#include <algorithm>
#include <sstream>

#include <uiokit/error.hpp>

namespace pl031 {

using regs::DR, regs::IMSC, regs::MIS, regs::ICR;

Rtc::Rtc(uiokit::Device& device) : device_(&device), regs_(device.map(0)) {
    const Ids found = ids();
    if ((found.peripheral & 0x000FFFFF) != 0x00041031 || found.primecell != 0xB105F00D) {
        std::ostringstream text;
        text << device.info().dev_node.string() << " is not a PL031 RTC: PeriphID 0x" << std::hex
             << found.peripheral << ", PCellID 0x" << found.primecell;
        throw uiokit::Error(ENODEV, text.str());
    }
}

Ids Rtc::ids() const {
    // Each ID register holds one byte in bits 7:0.
    const auto byte = [](std::uint32_t v, int shift) { return (v & 0xFFu) << shift; };
    return {byte(regs_.read(regs::PeriphID0), 0) | byte(regs_.read(regs::PeriphID1), 8) |
                byte(regs_.read(regs::PeriphID2), 16) | byte(regs_.read(regs::PeriphID3), 24),
            byte(regs_.read(regs::PCellID0), 0) | byte(regs_.read(regs::PCellID1), 8) |
                byte(regs_.read(regs::PCellID2), 16) | byte(regs_.read(regs::PCellID3), 24)};
}

std::uint32_t Rtc::now() const { return regs_.read(DR); }

void Rtc::set_alarm(std::uint32_t at) { arm_alarm(regs_, at); }

std::uint32_t Rtc::set_alarm_in(std::uint32_t seconds) { return arm_alarm_in(regs_, seconds); }

std::optional<Alarm> Rtc::wait_alarm(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    unsigned stale = 0;
    for (;;) {
        const auto left = std::max(deadline - std::chrono::steady_clock::now(), std::chrono::steady_clock::duration::zero());
        const auto event = device_->interrupt().wait_for(left);
        if (!event) return std::nullopt;
        if (!regs_.read(MIS::MATCH)) {
            // The RTC is not asserting the line: the kernel counted an earlier match that nobody
            // consumed before arming cleared it (an alarm rescheduled or cancelled after it fired, a
            // wait that timed out just before it), or a stray interrupt. Not this alarm, which stays
            // armed: re-enable the line and wait on.
            ++stale;
            device_->interrupt().enable();
            continue;
        }
        Alarm alarm{*event, now(), stale};
        regs_.write(ICR::MATCH::clear());
        regs_.write(IMSC::MATCH::masked);
        device_->interrupt().enable();
        return alarm;
    }
}

void Rtc::cancel_alarm() {
    regs_.write(IMSC::MATCH::masked);
    regs_.write(ICR::MATCH::clear());
}

}  // namespace pl031
