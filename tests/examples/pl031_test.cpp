// The PL031 example driver against the simulated PL031 (its model ticks every 50 ms here).
#include <catch2/catch.hpp>

#include <chrono>
#include <future>
#include <map>
#include <optional>
#include <sstream>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include <uiokit/device.hpp>
#include <uiokit/error.hpp>
#include <uiokit/recording_bus.hpp>
#include <uiokit/sim/simulated_system.hpp>

#include "pl031_demo.hpp"
#include "pl031_model.hpp"
#include "pl031_rtc.hpp"
#include "blocked.hpp"
#include "sim_device.hpp"
#include "timing.hpp"

using namespace std::chrono_literals;
using Access = uiokit::RecordingBus::Access;

namespace {
constexpr auto tick = 50ms;

// The simulated PL031 (its Model, counting from 1000) and the driver's Device on it.
struct Board {
    explicit Board(std::chrono::milliseconds tick_length = tick) : model(rtc_device, 1000, tick_length) {}
    uiokit_test::SimDevice sim{pl031::Model::device_spec()};
    uiokit::sim::SimulatedDevice& rtc_device = sim.device;
    pl031::Model model;
    uiokit::Device device = sim.open();
};
}  // namespace

TEST_CASE("the driver identifies the PL031 and reads its counter", "[pl031]") {
    Board board;
    pl031::Rtc rtc(board.device);
    CHECK(rtc.ids().peripheral == 0x00141031);  // QEMU's and the register map's revision 1
    CHECK(rtc.ids().primecell == 0xB105F00D);
    const auto t0 = rtc.now();
    CHECK(t0 >= 1000);
    CHECK(eventually([&] { return rtc.now() > t0; }));
}

TEST_CASE("an alarm interrupts, is cleared, and a second alarm interrupts again", "[pl031]") {
    Board board;
    pl031::Rtc rtc(board.device);
    for (std::uint32_t round = 1; round <= 2; ++round) {
        INFO("alarm " << round);
        const auto at = rtc.set_alarm_in(2);
        const auto alarm = rtc.wait_alarm(std::chrono::duration_cast<std::chrono::milliseconds>(hang_limit));
        REQUIRE(alarm.has_value());
        CHECK(alarm->event.count == round);
        CHECK(alarm->event.missed == 0);
        CHECK(alarm->stale_skipped == 0);
        CHECK(alarm->time >= at);
        // The driver cleared the source (ICR) and re-enabled the line: once the model and the
        // simulator have seen those writes, RIS is 0 and the line is enabled.
        REQUIRE(board.rtc_device.wait_for_control_writes(round + 1, 10s));
        CHECK(board.rtc_device.interrupt_enabled());
        CHECK(eventually([&] { return board.rtc_device.memory(0).read<std::uint32_t>(pl031::regs::RIS::offset) == 0; }));
    }
    const auto writes = board.rtc_device.control_writes();
    CHECK(writes == std::vector<std::uint32_t>{1, 1, 1});  // open, then one re-enable per alarm
}

TEST_CASE("an alarm at the counter's current time fires at once, as on QEMU's PL031", "[pl031]") {
    Board board;
    pl031::Rtc rtc(board.device);
    const auto at = rtc.set_alarm_in(0);
    const auto alarm = rtc.wait_alarm(std::chrono::duration_cast<std::chrono::milliseconds>(hang_limit));
    REQUIRE(alarm.has_value());
    CHECK(alarm->event.count == 1);
    CHECK(alarm->time >= at);
}

TEST_CASE("alarms one tick ahead are never lost, however the driver and the counter interleave", "[pl031]") {
    // A 1 ms counter: stalls of a tick or more while arming (preemption, sanitizers) are common,
    // and the clear, the new MR and the tick land in every order against the model's passes.
    Board board(1ms);
    pl031::Rtc rtc(board.device);
    for (std::uint32_t round = 1; round <= 200; ++round) {
        INFO("alarm " << round);
        (void)rtc.set_alarm_in(1);
        const auto alarm = rtc.wait_alarm(std::chrono::duration_cast<std::chrono::milliseconds>(hang_limit));
        REQUIRE(alarm.has_value());
        CHECK(alarm->event.count == round);
    }
}

TEST_CASE("an interrupt counted for a match that re-arming cleared is skipped, and the new alarm still fires", "[pl031]") {
    Board board;
    pl031::Rtc rtc(board.device);
    const auto registers = board.rtc_device.memory(0);
    // The first alarm fires at once and is counted (the line is then disabled) before the driver
    // looks; then it is rescheduled far ahead, which clears the match.
    (void)rtc.set_alarm_in(0);
    REQUIRE(eventually([&] { return board.rtc_device.event_count() == 1; }));
    const auto at = rtc.set_alarm_in(1000);
    REQUIRE(eventually([&] { return registers.read<std::uint32_t>(pl031::regs::MIS::offset) == 0; }));  // the model saw the clear
    auto waiting = std::async(std::launch::async, [&] { return rtc.wait_alarm(std::chrono::duration_cast<std::chrono::milliseconds>(hang_limit)); });
    // Control writes: 1 at open, then the skip's re-enable. Only then does the counter reach the
    // new alarm (LR loads it one tick short).
    REQUIRE(board.rtc_device.wait_for_control_writes(2, hang_limit));
    registers.write<std::uint32_t>(pl031::regs::LR::offset, at - 1);
    const auto alarm = waiting.get();
    REQUIRE(alarm.has_value());
    CHECK(alarm->stale_skipped == 1);
    CHECK(alarm->event.count == 2);
    CHECK(alarm->time >= at);
}

TEST_CASE("an interrupt the RTC did not raise is skipped, and the wait still ends at its timeout", "[pl031]") {
    Board board;
    pl031::Rtc rtc(board.device);
    rtc.set_alarm(rtc.now() + 1000);
    // While the wait is blocked, an interrupt with MIS clear (as a stale one counted before a
    // re-arm). The timeout runs from the call: the skipped interrupt neither ends the wait nor
    // restarts it. No timer decides when the stray comes: it comes once the waiter is asleep in
    // its first ppoll, and the waiter's own record of its ppolls shows what it did with it.
    constexpr auto timeout = 2s;
    std::promise<pid_t> tid;
    auto waiting = std::async(std::launch::async, [&] {
        tid.set_value(this_thread_tid());
        auto& calls = uiokit::sim::this_thread_syscalls();
        calls = {};
        const auto start = std::chrono::steady_clock::now();
        const auto alarm = rtc.wait_alarm(timeout);
        return std::tuple{alarm, std::chrono::steady_clock::now() - start, calls.ppolls};
    });
    REQUIRE(eventually_asleep_in(tid.get_future().get(), SYS_ppoll));
    board.rtc_device.raise_interrupt();
    const auto [alarm, waited, ppolls] = waiting.get();
    CHECK_FALSE(alarm.has_value());
    CHECK(board.rtc_device.event_count() == 1);
    CHECK(board.rtc_device.control_writes() == std::vector<std::uint32_t>{1, 1});  // the stray's line re-enabled
    CHECK(board.rtc_device.interrupt_enabled());
    CHECK(waited >= timeout);  // from below, exactly
    // Two ppolls: the first ended by the stray (1 ready), the second timed out (0). The second was
    // given what was left of the first's timeout, no more: a restarted timeout would break this.
    REQUIRE(ppolls.size() == 2);
    CHECK(ppolls[0].result == 1);
    CHECK(ppolls[1].result == 0);
    REQUIRE(ppolls[0].timeout.has_value());
    REQUIRE(ppolls[1].timeout.has_value());
    CHECK(*ppolls[0].timeout <= timeout);
    CHECK(*ppolls[1].timeout + (ppolls[0].returned - ppolls[0].entered) <= *ppolls[0].timeout);
}

TEST_CASE("no alarm, no interrupt", "[pl031]") {
    Board board;
    pl031::Rtc rtc(board.device);
    rtc.set_alarm(rtc.now() + 1000);
    CHECK_FALSE(rtc.wait_alarm(std::chrono::duration_cast<std::chrono::milliseconds>(3 * tick)).has_value());
}

TEST_CASE("a device that is not a PL031 is refused by its PrimeCell ID", "[pl031]") {
    const uiokit_test::SimDevice sim({.name = "pl031", .maps = {{.phys = 0x9010000, .length = 0x1000}}});  // all zeros
    auto device = sim.open();
    CHECK_THROWS_WITH(pl031::Rtc(device), Catch::Contains("is not a PL031 RTC"));
}

TEST_CASE("the demo prints the IDs, the alarm and its interrupt", "[pl031]") {
    Board board;
    std::ostringstream out;
    CHECK(pl031::run_demo(board.device, 1, out) == 0);
    INFO(out.str());
    CHECK_THAT(out.str(), Catch::Contains("PeriphID 0x141031, PCellID 0xb105f00d") &&
                              Catch::Contains("interrupt: count 1, missed 0") &&
                              Catch::Contains("match (MIS) cleared"));
}

// The alarm sequences against a PL031 model whose counter steps only where a test puts it: before a
// chosen access of the driver, one value at a time. It matches as the RTC does: the counter stepping
// onto MR, or MR written equal to the counter, raises RIS; an ICR write of 1 clears it.
namespace {
namespace regs = pl031::regs;

class SteppedRtc {
public:
    struct Bus {
        SteppedRtc* rtc;
        template <uiokit::mmio::Word T>
        [[nodiscard]] T read(std::size_t offset) const {
            rtc->before_access();
            return rtc->memory.read<T>(offset);
        }
        template <uiokit::mmio::Word T>
        void write(std::size_t offset, T value) const {
            rtc->before_access();
            rtc->memory.write<T>(offset, value);
            if (offset == regs::ICR::offset && (value & 1) != 0) rtc->memory.poke<std::uint32_t>(regs::RIS::offset, 0);
            if (offset == regs::MR::offset) rtc->match_written_mr();
        }
    };

    SteppedRtc(std::uint32_t counter, std::uint32_t match) {
        memory.poke<std::uint32_t>(regs::DR::offset, counter);
        memory.poke<std::uint32_t>(regs::MR::offset, match);
    }
    SteppedRtc(const SteppedRtc&) = delete;
    SteppedRtc& operator=(const SteppedRtc&) = delete;

    // Before the driver's access number `index` (from 0), the counter steps `steps` times.
    void step_before(std::size_t index, std::uint32_t steps) { plan_[index] += steps; }
    // A step onto MR raises RIS only this many accesses later, as QEMU's PL031 matches up to a
    // second after DR shows the match time (its timer counts from the MR write, DR from boot).
    void delay_matches(std::size_t accesses) { match_delay_ = accesses; }

    [[nodiscard]] std::uint32_t reg(std::size_t offset) const { return memory.peek<std::uint32_t>(offset); }
    // The match times armed: MR writes that follow the clear (the other MR writes park it).
    [[nodiscard]] std::vector<std::uint32_t> armed() const {
        std::vector<std::uint32_t> values;
        const auto& log = memory.log();
        for (std::size_t i = 1; i < log.size(); ++i)
            if (log[i].kind == Access::Kind::write && log[i].offset == regs::MR::offset &&
                log[i - 1].offset == regs::ICR::offset)
                values.push_back(static_cast<std::uint32_t>(log[i].value));
        return values;
    }

    uiokit::RecordingBus memory{regs::Block::size};
    uiokit::RegisterBlock<regs::Block, Bus> block{Bus{this}};
    std::optional<std::uint32_t> matched;  // MR when RIS was last raised

private:
    void before_access() {
        REQUIRE(accesses_ < 1000);  // an arming that does not end
        if (delayed_match_ && delayed_match_->first == accesses_) {
            if (reg(regs::MR::offset) == delayed_match_->second) raise(delayed_match_->second);
            delayed_match_.reset();
        }
        if (const auto it = plan_.find(accesses_); it != plan_.end())
            for (std::uint32_t i = 0; i < it->second; ++i) {
                memory.poke<std::uint32_t>(regs::DR::offset, reg(regs::DR::offset) + 1);
                if (reg(regs::DR::offset) != reg(regs::MR::offset)) continue;
                if (match_delay_ == 0)
                    raise(reg(regs::MR::offset));
                else
                    delayed_match_.emplace(accesses_ + match_delay_, reg(regs::MR::offset));
            }
        ++accesses_;
    }
    void match_written_mr() {  // MR written equal to the counter matches at once
        if (reg(regs::DR::offset) == reg(regs::MR::offset)) raise(reg(regs::MR::offset));
    }
    void raise(std::uint32_t match_time) {
        memory.poke<std::uint32_t>(regs::RIS::offset, 1);
        matched = match_time;
    }

    std::map<std::size_t, std::uint32_t> plan_;
    std::size_t accesses_ = 0;
    std::size_t match_delay_ = 0;
    std::optional<std::pair<std::size_t, std::uint32_t>> delayed_match_;  // (access, MR)
};

// arm_alarm_in's accesses, in order: DR read (before), IMSC mask, DR read, MR park, ICR clear,
// MR = at, IMSC unmask, DR read (after), then RIS read if the counter went past `at`.
constexpr std::size_t kBeforeMatchWrite = 5;
constexpr std::size_t kBeforeCheckRead = 7;
}  // namespace

TEST_CASE("arming masks the alarm, parks MR, clears the stale match, writes MR, then unmasks", "[pl031]") {
    SteppedRtc rtc(1000, 1001);
    pl031::arm_alarm(rtc.block, 1234);
    const std::vector<Access> expected{
        {Access::Kind::write, regs::IMSC::offset, 4, 0},
        {Access::Kind::read, regs::DR::offset, 4, 1000},
        {Access::Kind::write, regs::MR::offset, 4, 999},
        {Access::Kind::write, regs::ICR::offset, 4, 1},
        {Access::Kind::write, regs::MR::offset, 4, 1234},
        {Access::Kind::write, regs::IMSC::offset, 4, 1},
    };
    CHECK(rtc.memory.log() == expected);
}

namespace {
struct ArmingCase {
    const char* what;
    std::uint32_t counter;         // DR when arm_alarm_in starts
    std::uint32_t seconds;
    std::size_t step_before = 0;   // the counter steps before this access...
    std::uint32_t steps = 0;       // ...this many times
    std::size_t match_delay = 0;   // see SteppedRtc::delay_matches
    std::uint32_t at;              // what arm_alarm_in returns
    std::vector<std::uint32_t> armed;
    std::optional<std::uint32_t> matched;
};

void check_arming(const ArmingCase& c) {
    INFO(c.what);
    SteppedRtc rtc(c.counter, 0);
    rtc.step_before(c.step_before, c.steps);
    rtc.delay_matches(c.match_delay);
    CHECK(pl031::arm_alarm_in(rtc.block, c.seconds) == c.at);
    CHECK(rtc.armed() == c.armed);
    CHECK(rtc.matched == c.matched);
}
}  // namespace

TEST_CASE("an alarm N seconds ahead is armed once when the counter does not go past it while arming", "[pl031]") {
    const ArmingCase cases[] = {
        {.what = "the counter holds still", .counter = 100, .seconds = 5, .at = 105, .armed = {105}},
        {.what = "it steps onto the match time after MR is written: the match is made",
         .counter = 100, .seconds = 5, .step_before = kBeforeCheckRead, .steps = 5, .at = 105, .armed = {105}, .matched = 105},
        {.what = "it steps onto the match time before MR is written: MR written equal to the counter matches",
         .counter = 100, .seconds = 5, .step_before = kBeforeMatchWrite, .steps = 5, .at = 105, .armed = {105}, .matched = 105},
        {.what = "on QEMU, DR shows the match time before the match is made: RIS is still clear",
         .counter = 100, .seconds = 5, .step_before = kBeforeCheckRead, .steps = 5, .match_delay = 3, .at = 105, .armed = {105}},
        {.what = "across the counter's wrap",
         .counter = 0xFFFF'FFFE, .seconds = 5, .step_before = kBeforeCheckRead, .steps = 1, .at = 3, .armed = {3}},
        {.what = "a delay of more than 2^31 seconds",
         .counter = 10, .seconds = 0x9000'0000, .step_before = kBeforeCheckRead, .steps = 1, .at = 0x9000'000A, .armed = {0x9000'000A}},
        {.what = "zero seconds: the match is made as MR is written", .counter = 100, .seconds = 0, .at = 100, .armed = {100}, .matched = 100},
    };
    for (const auto& c : cases) check_arming(c);
}

TEST_CASE("an alarm the counter went past while it was armed is armed again from the new time", "[pl031]") {
    const ArmingCase cases[] = {
        {.what = "past before MR was written, so no match: armed again, and the second arming holds",
         .counter = 100, .seconds = 5, .step_before = kBeforeMatchWrite, .steps = 6, .at = 111, .armed = {105, 111}},
        {.what = "past after MR was written: the match was made on the way, RIS shows it, not armed again",
         .counter = 100, .seconds = 5, .step_before = kBeforeCheckRead, .steps = 6, .at = 105, .armed = {105}, .matched = 105},
        {.what = "zero seconds, and the counter steps before MR is written",
         .counter = 100, .seconds = 0, .step_before = kBeforeMatchWrite, .steps = 1, .at = 101, .armed = {100, 101}, .matched = 101},
        {.what = "past across the wrap",
         .counter = 0xFFFF'FFFE, .seconds = 5, .step_before = kBeforeMatchWrite, .steps = 6, .at = 9, .armed = {3, 9}},
    };
    for (const auto& c : cases) check_arming(c);
}

TEST_CASE("wherever the counter steps while an alarm is re-armed, it is neither lost nor fired by the old one", "[pl031]") {
    // The old alarm (MR = 103) is about to fire as a new one is armed 5 s ahead of 100. For every
    // access the step can come before and every length of step: afterwards the RTC holds either
    // the new alarm's match (RIS set by MR = at) or a new alarm still ahead of the counter.
    constexpr std::uint32_t seconds = 5;
    for (std::size_t index = 0; index <= kBeforeCheckRead + 1; ++index)
        for (std::uint32_t steps = 1; steps <= 8; ++steps) {
            INFO("the counter steps " << steps << " times before access " << index);
            SteppedRtc rtc(100, 103);
            rtc.step_before(index, steps);
            const std::uint32_t at = pl031::arm_alarm_in(rtc.block, seconds);
            CHECK(rtc.reg(regs::MR::offset) == at);
            CHECK(rtc.reg(regs::IMSC::offset) == 1);
            if (rtc.reg(regs::RIS::offset) != 0) {
                CHECK(rtc.matched == at);
            } else {
                const std::uint32_t ahead = at - rtc.reg(regs::DR::offset);
                CHECK(ahead >= 1);
                CHECK(ahead <= seconds);
            }
        }
}
