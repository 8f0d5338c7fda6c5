// The PL031 example driver against the simulated PL031 (its model ticks every 50 ms here).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <chrono>
#include <deque>
#include <sstream>
#include <thread>
#include <vector>

#include <uiokit/device.hpp>
#include <uiokit/error.hpp>
#include <uiokit/recording_bus.hpp>
#include <uiokit/sim/simulated_system.hpp>

#include "pl031_demo.hpp"
#include "pl031_model.hpp"
#include "pl031_rtc.hpp"
#include "timing.hpp"

using namespace std::chrono_literals;
using Access = uiokit::RecordingBus::Access;

namespace {
constexpr auto tick = 50ms;

struct Board {
    uiokit::sim::SimulatedSystem system;
    uiokit::sim::SimulatedDevice& rtc_device = system.add_device(pl031::Model::device_spec());
    pl031::Model model{rtc_device, 1000, tick};
    uiokit::Device device = uiokit::Device::open(uiokit::Selector::name("pl031"), uiokit::OpenMode::read_write,
                                                 system.host());
};
}  // namespace

TEST_CASE("the driver identifies the PL031 and reads its counter") {
    Board board;
    pl031::Rtc rtc(board.device);
    CHECK(rtc.ids().peripheral == 0x00041031);
    CHECK(rtc.ids().primecell == 0xB105F00D);
    const auto t0 = rtc.now();
    CHECK(t0 >= 1000);
    CHECK(eventually([&] { return rtc.now() > t0; }));
}

TEST_CASE("an alarm interrupts, is cleared, and a second alarm interrupts again") {
    Board board;
    pl031::Rtc rtc(board.device);
    for (std::uint32_t round = 1; round <= 2; ++round) {
        INFO("alarm " << round);
        const auto at = rtc.set_alarm_in(2);
        const auto alarm = rtc.wait_alarm(std::chrono::duration_cast<std::chrono::milliseconds>(hang_limit));
        REQUIRE(alarm.has_value());
        CHECK(alarm->event.count == round);
        CHECK(alarm->event.missed == 0);
        CHECK(alarm->was_pending);
        CHECK(alarm->time >= at);
        // The driver cleared the source (ICR) and re-enabled the line: once the model and the
        // simulator have seen those writes, RIS is 0 and the line is enabled.
        REQUIRE(board.rtc_device.wait_for_control_writes(round + 1, 10s));
        CHECK(board.rtc_device.interrupt_enabled());
        CHECK(eventually([&] { return board.rtc_device.memory(0).read<std::uint32_t>(0x14) == 0; }));  // RIS
    }
    const auto writes = board.rtc_device.control_writes();
    CHECK(writes == std::vector<std::uint32_t>{1, 1, 1});  // open, then one re-enable per alarm
}

TEST_CASE("an alarm at the counter's current time fires at once, as on QEMU's PL031") {
    Board board;
    pl031::Rtc rtc(board.device);
    const auto at = rtc.set_alarm_in(0);
    const auto alarm = rtc.wait_alarm(std::chrono::duration_cast<std::chrono::milliseconds>(hang_limit));
    REQUIRE(alarm.has_value());
    CHECK(alarm->event.count == 1);
    CHECK(alarm->time >= at);
}

TEST_CASE("alarms one tick ahead are never lost, however the driver and the counter interleave") {
    // A 1 ms counter: stalls of a tick or more while arming (preemption, sanitizers) are common,
    // and the clear, the new MR and the tick land in every order against the model's passes.
    uiokit::sim::SimulatedSystem system;
    auto& rtc_device = system.add_device(pl031::Model::device_spec());
    const pl031::Model model(rtc_device, 1000, 1ms);
    auto device = uiokit::Device::open(uiokit::Selector::name("pl031"), uiokit::OpenMode::read_write, system.host());
    pl031::Rtc rtc(device);
    for (std::uint32_t round = 1; round <= 200; ++round) {
        INFO("alarm " << round);
        (void)rtc.set_alarm_in(1);
        const auto alarm = rtc.wait_alarm(std::chrono::duration_cast<std::chrono::milliseconds>(hang_limit));
        REQUIRE(alarm.has_value());
        CHECK(alarm->event.count == round);
    }
}

TEST_CASE("no alarm, no interrupt") {
    Board board;
    pl031::Rtc rtc(board.device);
    rtc.set_alarm(rtc.now() + 1000);
    CHECK_FALSE(rtc.wait_alarm(std::chrono::duration_cast<std::chrono::milliseconds>(3 * tick)).has_value());
}

TEST_CASE("a device that is not a PL031 is refused by its PrimeCell ID") {
    uiokit::sim::SimulatedSystem system;
    system.add_device({.name = "pl031", .maps = {{.phys = 0x9010000, .length = 0x1000}}});  // all zeros
    auto device = uiokit::Device::open(uiokit::Selector::name("pl031"), uiokit::OpenMode::read_write, system.host());
    CHECK_THROWS_WITH(pl031::Rtc(device), Catch::Contains("is not a PL031 RTC"));
}

TEST_CASE("the demo prints the IDs, the alarm and its interrupt") {
    Board board;
    std::ostringstream out;
    CHECK(pl031::run_demo(board.device, 1, out) == 0);
    INFO(out.str());
    CHECK_THAT(out.str(), Catch::Contains("PeriphID 0x41031, PCellID 0xb105f00d") &&
                              Catch::Contains("interrupt: count 1, missed 0") &&
                              Catch::Contains("masked status was 1, cleared"));
}

// The alarm sequences against a scripted PL031: each read of DR returns the next value of the
// script, so a tick falls exactly between two chosen accesses of the driver, every run.
namespace {
namespace regs = pl031::regs;

struct ScriptedCounter {
    uiokit::RecordingBus* bus;
    std::deque<std::uint32_t>* counter;  // what successive reads of DR return

    template <uiokit::mmio::Word T>
    [[nodiscard]] T read(std::size_t offset) const {
        if (offset == regs::DR::offset) {
            REQUIRE_FALSE(counter->empty());  // the driver read DR more often than the test expects
            bus->poke<std::uint32_t>(offset, counter->front());
            counter->pop_front();
        }
        return bus->read<T>(offset);
    }
    template <uiokit::mmio::Word T>
    void write(std::size_t offset, T value) const {
        bus->write<T>(offset, value);
    }
};

struct ScriptedRtc {
    uiokit::RecordingBus bus{regs::Block::size};
    std::deque<std::uint32_t> counter;
    uiokit::RegisterBlock<regs::Block, ScriptedCounter> block{ScriptedCounter{&bus, &counter}};

    explicit ScriptedRtc(std::initializer_list<std::uint32_t> dr_reads) : counter(dr_reads) {}

    [[nodiscard]] std::vector<std::uint32_t> match_writes() const {
        std::vector<std::uint32_t> values;
        for (const auto& access : bus.log())
            if (access.kind == Access::Kind::write && access.offset == regs::MR::offset)
                values.push_back(static_cast<std::uint32_t>(access.value));
        return values;
    }
};
}  // namespace

TEST_CASE("arming masks the alarm, clears the stale match, writes MR, then unmasks, in that order") {
    // Clearing after the MR write would erase a match that the new MR made at once (MR == DR).
    ScriptedRtc rtc{};
    pl031::arm_alarm(rtc.block, 1234);
    const std::vector<Access> expected{
        {Access::Kind::write, regs::IMSC::offset, 4, 0},
        {Access::Kind::write, regs::ICR::offset, 4, 1},
        {Access::Kind::write, regs::MR::offset, 4, 1234},
        {Access::Kind::write, regs::IMSC::offset, 4, 1},
    };
    CHECK(rtc.bus.log() == expected);
}

TEST_CASE("an alarm N seconds ahead is armed once when the counter does not pass it while arming") {
    SECTION("the counter holds still") {
        ScriptedRtc rtc{100, 100};
        CHECK(pl031::arm_alarm_in(rtc.block, 5) == 105);
        CHECK(rtc.match_writes() == std::vector<std::uint32_t>{105});
    }
    SECTION("it ticks up to the match time itself, which still matches") {
        ScriptedRtc rtc{100, 105};
        CHECK(pl031::arm_alarm_in(rtc.block, 5) == 105);
        CHECK(rtc.match_writes() == std::vector<std::uint32_t>{105});
    }
    SECTION("across the counter's wrap") {
        ScriptedRtc rtc{0xFFFF'FFFE, 0xFFFF'FFFF};
        CHECK(pl031::arm_alarm_in(rtc.block, 5) == 3);
        CHECK(rtc.match_writes() == std::vector<std::uint32_t>{3});
    }
    SECTION("a delay of more than 2^31 seconds") {
        ScriptedRtc rtc{10, 11};
        CHECK(pl031::arm_alarm_in(rtc.block, 0x9000'0000) == 0x9000'000A);
        CHECK(rtc.match_writes() == std::vector<std::uint32_t>{0x9000'000A});
    }
}

TEST_CASE("an alarm the counter stepped past while it was armed is armed again from the new time") {
    SECTION("passed without a match: armed again, and the second arming holds") {
        ScriptedRtc rtc{100, 106, 106, 106};
        CHECK(pl031::arm_alarm_in(rtc.block, 5) == 111);
        CHECK(rtc.match_writes() == std::vector<std::uint32_t>{105, 111});
        CHECK(rtc.counter.empty());
    }
    SECTION("passed, but RIS shows the match was made: not armed again, the interrupt is coming") {
        ScriptedRtc rtc{100, 106};
        rtc.bus.poke<std::uint32_t>(regs::RIS::offset, 1);
        CHECK(pl031::arm_alarm_in(rtc.block, 5) == 105);
        CHECK(rtc.match_writes() == std::vector<std::uint32_t>{105});
    }
    SECTION("passed across the wrap") {
        ScriptedRtc rtc{0xFFFF'FFFE, 4, 4, 4};
        CHECK(pl031::arm_alarm_in(rtc.block, 5) == 9);
        CHECK(rtc.match_writes() == std::vector<std::uint32_t>{3, 9});
    }
}
