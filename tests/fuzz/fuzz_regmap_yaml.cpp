// Fuzzes the register-map parser (YAML through libyaml, then every check) and, for maps it
// accepts, the header generator. A bad map must be a MapError, never a crash or another exception.
// A map that is accepted must keep the promises parse_map() makes (registers ordered by offset,
// aligned, inside the block, overlapping only as ro/wo pairs; fields ordered, inside their register, not
// overlapping; each found by its name and offset), and its header must declare the block's size and
// every register at its offset and every field at its bits.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <uiokit/regmap/header_generator.hpp>
#include <uiokit/regmap/register_map.hpp>

#include "sysfs.hpp"

namespace {
using uiokit::sysfs::hex;  // the library's "0x..." spelling
void check(bool ok) {
    if (!ok) __builtin_trap();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const auto map = uiokit::regmap::parse_map(text, "fuzz.yaml");
        uiokit::regmap::HeaderOptions options;
        options.namespace_name = "fuzz";
        const std::string header = uiokit::regmap::generate_header(map, options);
        check(header.find("namespace fuzz {") != std::string::npos);
        check(header.find("static constexpr std::size_t size = " + hex(map.size) + ";") != std::string::npos);
        std::uint64_t previous_offset = 0;
        for (const auto& r : map.registers) {
            const unsigned bytes = r.width_bytes();
            check(r.width_bits == 8 || r.width_bits == 16 || r.width_bits == 32 || r.width_bits == 64);
            check(r.offset % bytes == 0 && r.offset >= previous_offset && r.offset <= map.size &&
                  bytes <= map.size - r.offset);
            previous_offset = r.offset;
            // Registers overlap only as a read-only/write-only pair sharing an address.
            for (const auto* other : map.overlapping(r.offset, bytes))
                check(other == &r || (r.access == uiokit::Access::ro && other->access == uiokit::Access::wo) ||
                      (r.access == uiokit::Access::wo && other->access == uiokit::Access::ro));
            check(map.find(r.name) == &r);
            check(map.at_offset(r.offset) != nullptr && map.at_offset(r.offset)->offset == r.offset);
            check(r.reset <= r.max_value());
            check(header.find("inline constexpr struct " + r.name + " : uiokit::Register<Block, uiokit::Reg" +
                              std::to_string(r.width_bits) + "{.offset = " + hex(r.offset)) != std::string::npos);
            std::uint64_t used = 0;
            unsigned previous_lsb = 0;
            for (const auto& f : r.fields) {
                check(f.lsb <= f.msb && f.msb < r.width_bits && f.lsb >= previous_lsb);
                previous_lsb = f.lsb;
                check((used & f.mask()) == 0);  // fields do not overlap
                used |= f.mask();
                check(r.field(f.name) == &f);
                for (const auto& v : f.values) check(v.value <= f.max_value());
                check(header.find("static constexpr struct " + f.name + " : uiokit::Field<register_type, uiokit::Bits{.msb = " +
                                  std::to_string(f.msb) + ", .lsb = " + std::to_string(f.lsb) + "}, ") != std::string::npos);
            }
        }
    } catch (const uiokit::regmap::MapError&) {
    }
    return 0;
}
