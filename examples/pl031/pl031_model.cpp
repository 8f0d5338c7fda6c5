#include "pl031_model.hpp"

#include "pl031_identification.hpp"

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
    write_identification(regs);
    regs.write<std::uint32_t>(DR, start_time);
    regs.write<std::uint32_t>(LR, start_time);
    regs.write<std::uint32_t>(CR, 1);
    // LR and MR as they are now, not when the thread gets going: a driver may write them before.
    thread_ = std::thread([this, lr = regs.read<std::uint32_t>(LR), mr = regs.read<std::uint32_t>(MR)] { run(lr, mr); });
}

Model::~Model() {
    stop_ = true;
    thread_.join();
}

void Model::run(std::uint32_t loaded, std::uint32_t matched_against) {
    const uiokit::Region regs = device_.memory(0);
    bool line = false;
    auto next_tick = std::chrono::steady_clock::now() + tick_;
    while (!stop_) {
        if (const auto lr = regs.read<std::uint32_t>(LR); lr != loaded) {
            loaded = lr;
            regs.write<std::uint32_t>(DR, lr);
        }
        // IMSC and MR before ICR: a driver that clears, then writes MR, then unmasks has its clear
        // seen in this pass or an earlier one whenever its new MR or its unmask is seen here, so the
        // clear is applied before the match, and a stale RIS never meets the new unmask.
        const auto imsc = regs.read<std::uint32_t>(IMSC);
        const auto mr = regs.read<std::uint32_t>(MR);
        const bool clear = (regs.read<std::uint32_t>(ICR) & 1) != 0;  // write-1-to-clear
        auto time = regs.read<std::uint32_t>(DR);
        bool match = false;
        if (mr != matched_against) {  // as QEMU's PL031: MR written equal to the counter matches at once
            matched_against = mr;
            match = mr == time;
        }
        const bool ticked = std::chrono::steady_clock::now() >= next_tick;
        if (ticked) {
            next_tick += tick_;
            match = match || ++time == mr;
        }
        if (clear) {
            regs.write<std::uint32_t>(ICR, 0);  // reads as 0 again
            regs.write<std::uint32_t>(RIS, 0);
        }
        // RIS before DR: whoever sees the new time also sees its match, as with the hardware's
        // single clock edge.
        if (match) regs.write<std::uint32_t>(RIS, 1);
        if (ticked) regs.write<std::uint32_t>(DR, time);
        const std::uint32_t masked = regs.read<std::uint32_t>(RIS) & imsc & 1;
        regs.write<std::uint32_t>(MIS, masked);
        // An edge when the line rises, including a clear and a new match in one pass (low, then high).
        if (masked && (!line || (clear && match))) device_.raise_interrupt();
        line = masked != 0;
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
}

}  // namespace pl031
