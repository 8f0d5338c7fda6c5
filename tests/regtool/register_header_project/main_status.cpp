// The second build's program: uses STATUS, which only the edited widget.yaml has.
#include <cstdio>

#include <uiokit/recording_bus.hpp>
#include <uiokit/register_block.hpp>
#include <widget/registers.hpp>

namespace regs = widget::regs;

int main() {
    uiokit::RecordingBus bus(regs::Block::size);
    uiokit::RegisterBlock<regs::Block, uiokit::RecordingBus&> block(bus);
    bus.poke<std::uint32_t>(regs::STATUS::offset, 0x1);   // the device has a pending DONE
    block.modify(regs::STATUS::IE::val<true>());          // DONE (W1C) written as 0: not acknowledged
    const auto status = bus.peek<std::uint32_t>(regs::STATUS::offset);
    std::printf("STATUS at 0x%zx = 0x%x\n", regs::STATUS::offset, static_cast<unsigned>(status));
    return 0;
}
