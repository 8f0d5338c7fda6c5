// The regmap component as a user of an installed uiokit has it: a header generated from the user's
// own map (sensor.yaml) by the installed generator, a typed read through it, the shipped
// <uiokit/regmaps/pl031.hpp>, and the register-map library reading the map at run time.
#include <cstdio>

#include <sensor/registers.hpp>
#include <uiokit/recording_bus.hpp>
#include <uiokit/register_block.hpp>
#include <uiokit/regmap/register_map.hpp>
#include <uiokit/regmaps/pl031.hpp>

namespace regs = sensor::regs;

static_assert(uiokit::regmaps::pl031::Block::size == 0x1000, "the installed pl031.hpp is the PL031's");

namespace {
// The one line that spells a typed read of the generated registers.
std::uint32_t read_id(uiokit::RegisterBlock<regs::Block, uiokit::RecordingBus&>& block) {
    return block.read(regs::ID);
}
}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: consumer_regmap SENSOR_YAML\n");
        return 2;
    }
    uiokit::RecordingBus bus(regs::Block::size);
    bus.poke<std::uint32_t>(0x0, 0x5E450001);  // the device's side: ID
    uiokit::RegisterBlock<regs::Block, uiokit::RecordingBus&> block(bus);
    const std::uint32_t id = read_id(block);
    if (id != 0x5E450001) {
        std::fprintf(stderr, "consumer_regmap: ID reads 0x%x, the device holds 0x5e450001\n", static_cast<unsigned>(id));
        return 1;
    }
    const uiokit::regmap::RegisterMap map = uiokit::regmap::load_map(argv[1]);
    std::printf("regmap consumer ok: ID 0x%x, map %s with %zu registers\n", static_cast<unsigned>(id), map.name.c_str(),
                map.registers.size());
    return 0;
}
