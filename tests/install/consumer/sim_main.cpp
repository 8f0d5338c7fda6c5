// A driver test as a user writes it, built against an installed uiokit with only uiokit::sim
// linked (it brings uiokit::uiokit_static): a simulated device, a register read, an interrupt.
#include <chrono>
#include <cstdio>

#include <uiokit/sim/simulated_system.hpp>
#include <uiokit/uiokit.hpp>

namespace {
struct Blk {
    static constexpr std::size_t size = 0x1000;
};
constexpr struct DR : uiokit::Register<Blk, uiokit::Reg32{.offset = 0x0, .access = uiokit::Access::ro}> {} DR{};
}  // namespace

int main() {
    using namespace std::chrono_literals;
    uiokit::sim::SimulatedSystem sys;
    auto& simulated = sys.add_device({.name = "pl031", .maps = {{.phys = 0x9010000, .length = 0x1000}}});
    simulated.memory(0).write<std::uint32_t>(0x0, 0x12345678);  // the device's side

    auto device = uiokit::Device::open(uiokit::Selector::parse("pl031"), uiokit::OpenOptions{}, sys.host());
    const uiokit::RegisterBlock<Blk> regs(device.map(0));
    if (const std::uint32_t dr = regs.read(DR); dr != 0x12345678) {
        std::fprintf(stderr, "sim consumer: DR reads 0x%x, the device holds 0x12345678\n", static_cast<unsigned>(dr));
        return 1;
    }

    simulated.raise_interrupt();
    const auto event = device.interrupt().wait_for(5s);
    if (!event || event->count != 1) {
        std::fprintf(stderr, "sim consumer: %s\n", event ? "the interrupt count is not 1" : "no interrupt within 5 s");
        return 1;
    }
    std::printf("uiokit %s sim consumer ok: DR 0x%x, interrupt count %u\n", UIOKIT_VERSION_STRING,
                static_cast<unsigned>(regs.read(DR)), static_cast<unsigned>(event->count));
    return 0;
}
