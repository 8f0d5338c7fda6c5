#include "pl031_model.hpp"

namespace pl031 {
namespace {
constexpr std::size_t DR = 0x00, MR = 0x04, LR = 0x08, CR = 0x0C, IMSC = 0x10, RIS = 0x14, MIS = 0x18, ICR = 0x1C;
}  // namespace

uiokit::sim::DeviceSpec Model::device_spec() {
    return {.name = "pl031", .maps = {{.phys = 0x9010000, .length = 0x1000}}};
}

Model::Model(uiokit::sim::SimulatedDevice& device, std::uint32_t start_time, std::chrono::milliseconds tick)
    : device_(device), tick_(tick) {
    const uiokit::Region regs = device_.memory(0);
    const std::uint32_t ids[8] = {0x31, 0x10, 0x04, 0x00, 0x0D, 0xF0, 0x05, 0xB1};
    for (std::size_t i = 0; i < 8; ++i) regs.write<std::uint32_t>(0xFE0 + 4 * i, ids[i]);
    regs.write<std::uint32_t>(DR, start_time);
    regs.write<std::uint32_t>(LR, start_time);
    regs.write<std::uint32_t>(CR, 1);
    thread_ = std::thread([this] { run(); });
}

Model::~Model() {
    stop_ = true;
    thread_.join();
}

void Model::run() {
    const uiokit::Region regs = device_.memory(0);
    auto loaded = regs.read<std::uint32_t>(LR);
    bool line = false;
    auto next_tick = std::chrono::steady_clock::now() + tick_;
    while (!stop_) {
        if (const auto lr = regs.read<std::uint32_t>(LR); lr != loaded) {
            loaded = lr;
            regs.write<std::uint32_t>(DR, lr);
        }
        // A clear first: the driver wrote it while this thread slept, so before any tick handled
        // below. The other order would let it erase a match that came after it.
        if (regs.read<std::uint32_t>(ICR) & 1) {  // write-1-to-clear, reads as 0 again
            regs.write<std::uint32_t>(ICR, 0);
            regs.write<std::uint32_t>(RIS, 0);
        }
        if (std::chrono::steady_clock::now() >= next_tick) {
            next_tick += tick_;
            const std::uint32_t now = regs.read<std::uint32_t>(DR) + 1;
            // RIS before DR: whoever sees the new time also sees its match, as with the hardware's
            // single clock edge.
            if (now == regs.read<std::uint32_t>(MR)) regs.write<std::uint32_t>(RIS, 1);
            regs.write<std::uint32_t>(DR, now);
        }
        const std::uint32_t masked = regs.read<std::uint32_t>(RIS) & regs.read<std::uint32_t>(IMSC) & 1;
        regs.write<std::uint32_t>(MIS, masked);
        if (masked && !line) device_.raise_interrupt();
        line = masked != 0;
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
}

}  // namespace pl031
