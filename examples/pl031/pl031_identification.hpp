// The PL031's PrimeCell identification registers PeriphID0..3 and PCellID0..3 (0xFE0..0xFFC), for
// simulated PL031s: the model here, and the tests' passive register images (regtool's). The values
// are the reset values of data/regmaps/pl031.yaml, the map regtool and the driver read them with,
// so there is one table: 0x31 0x10 0x14 0x00, 0x0D 0xF0 0x05 0xB1 (ARM DDI 0224: part 0x031,
// designer 0x41 'A', revision 1; QEMU's pl031_id[]). Header-only: it needs only the generated map.
#pragma once

#include <cstdint>

#include <uiokit/region.hpp>
#include <uiokit/regmaps/pl031.hpp>

namespace pl031 {

// Writes the identification registers into `registers` (the PL031's map 0, device side).
inline void write_identification(const uiokit::Region& registers) {
    namespace map = uiokit::regmaps::pl031;
    const auto write_reset = [&]<class R>(R) { registers.write<std::uint32_t>(R::offset, R::reset); };
    write_reset(map::PeriphID0);
    write_reset(map::PeriphID1);
    write_reset(map::PeriphID2);
    write_reset(map::PeriphID3);
    write_reset(map::PCellID0);
    write_reset(map::PCellID1);
    write_reset(map::PCellID2);
    write_reset(map::PCellID3);
}

}  // namespace pl031
