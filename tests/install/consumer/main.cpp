// A control application as a user writes it, built against an installed uiokit.
#include <cstdio>

#include <uiokit/uiokit.hpp>

namespace {
struct Blk {
    static constexpr std::size_t size = 0x10;
};
constexpr struct CR : uiokit::Register<Blk, uiokit::Reg32{.offset = 0x4, .reset = 0x10}> {
    static constexpr struct EN : uiokit::Field<register_type, uiokit::Bits{.msb = 0, .lsb = 0}, uiokit::Access::rw> {} EN{};
} CR{};
}  // namespace

int main() {
    // Discovery on a directory with no devices: an empty list, not an error.
    uiokit::Host host;
    host.class_dir = "/nonexistent/sys/class/uio";
    if (!uiokit::enumerate(host).empty()) return 1;
    try {
        (void)uiokit::find(uiokit::Selector::parse("pl031"), host);
        return 1;
    } catch (const uiokit::DeviceNotFoundError&) {
    }
    uiokit::RecordingBus bus(Blk::size);
    uiokit::RegisterBlock<Blk, uiokit::RecordingBus&> block(bus);
    block.write(CR::EN::val<1>());
    if (bus.peek<std::uint32_t>(4) != 0x11) return 1;
    std::printf("uiokit %s consumer ok\n", UIOKIT_VERSION_STRING);
    return 0;
}
