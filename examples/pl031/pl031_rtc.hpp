// A user-space driver for the ARM PL031 RTC bound to uio_pdrv_genirq: time, alarm, alarm interrupt.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include <uiokit/device.hpp>
#include <uiokit/register_block.hpp>
#include <uiokit/regmaps/pl031.hpp>  // generated from data/regmaps/pl031.yaml

namespace pl031 {

namespace regs = uiokit::regmaps::pl031;

struct Ids {
    std::uint32_t peripheral = 0;  // PeriphID0..3 packed little-end first: 0x00041031 for a PL031
    std::uint32_t primecell = 0;   // PCellID0..3 packed: 0xB105F00D for every PrimeCell
};

// The alarm's register sequences, over any bus: Rtc runs them on the mapped window; a test runs them
// on a model whose counter steps between chosen accesses (tests/examples/pl031_test.cpp).

// Raises the interrupt when the counter reaches `at`. While it is masked, MR is first parked on a
// value the counter has just left, so the old MR cannot match once the stale match is cleared (that
// match would fire the new alarm early); the clear comes before the new MR, since a clear after it
// would erase a match the new MR made at once.
template <class Bus>
void arm_alarm(uiokit::RegisterBlock<regs::Block, Bus>& block, std::uint32_t at) {
    block.write(regs::IMSC::MATCH::masked);
    block.write(regs::MR, block.read(regs::DR) - 1);
    block.write(regs::ICR::MATCH::clear());
    block.write(regs::MR, at);
    block.write(regs::IMSC::MATCH::enabled);
}

// An alarm `seconds` after the counter's value now; returns the match time. Unsigned differences:
// right across the wrap and for any delay. If the counter has not gone past `at` since the read, the
// alarm stands: at `at` itself MR matched when written (or will within the second, on QEMU). Past
// it, RIS says whether the match was made on the way; if not (the process stalled before the MR
// write), the counter never equals MR again, so it is armed again from a fresh read.
template <class Bus>
std::uint32_t arm_alarm_in(uiokit::RegisterBlock<regs::Block, Bus>& block, std::uint32_t seconds) {
    for (;;) {
        const std::uint32_t before = block.read(regs::DR);
        const std::uint32_t at = before + seconds;
        arm_alarm(block, at);
        if (block.read(regs::DR) - before <= seconds || block.read(regs::RIS::MATCH))
            return at;
    }
}

struct Alarm {
    uiokit::InterruptEvent event;
    std::uint32_t time = 0;        // DR when the interrupt was handled
    unsigned stale_skipped = 0;    // interrupts skipped first: MIS clear (an earlier, cleared match; stray)
};

class Rtc {
public:
    // Checks the PrimeCell identification; throws uiokit::Error if map 0 is not a PL031.
    explicit Rtc(uiokit::Device& device);

    [[nodiscard]] Ids ids() const;
    [[nodiscard]] std::uint32_t now() const;

    // Raises the interrupt when the counter reaches `at` (seconds).
    void set_alarm(std::uint32_t at);
    // An alarm `seconds` after the counter's value right now; returns the match time. Not lost if the
    // counter passes it while it is being armed: it is then armed again from the new time.
    std::uint32_t set_alarm_in(std::uint32_t seconds);
    // Waits for the alarm interrupt, clears it in the RTC, then re-enables the line (in that order:
    // re-enabling a level interrupt whose source is still set would fire again at once). An
    // interrupt while MIS is clear is not this alarm's (the kernel counted an earlier match that
    // nobody consumed before arming cleared it, or a stray one): it is skipped, the line
    // re-enabled, and the wait goes on until `timeout` from the call.
    std::optional<Alarm> wait_alarm(std::chrono::milliseconds timeout);
    void cancel_alarm();

private:
    uiokit::Device* device_;
    uiokit::RegisterBlock<regs::Block> regs_;
};

}  // namespace pl031
