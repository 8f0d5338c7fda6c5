#include "register_kernels.hpp"

namespace uiokit_bench {

// The hand-written side is what a C driver writes: a volatile pointer to the register and the
// field's shift and mask spelled out. CTRL is word 4 (offset 0x10), STAT word 5 (offset 0x14).

[[gnu::noinline]] std::uint32_t typed_read(Block block, std::size_t n) {
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i < n; ++i) sum += block.read(CTRL::DIV);
    return sum;
}
[[gnu::noinline]] std::uint32_t hand_read(volatile std::uint32_t* base, std::size_t n) {
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i < n; ++i) sum += (base[4] >> 8) & 0xFFu;
    return sum;
}

[[gnu::noinline]] void typed_write(Block block, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        block.write(CTRL::EN::val<1>() | CTRL::DIV::val(static_cast<std::uint32_t>(i & 0xFF)));
}
[[gnu::noinline]] void hand_write(volatile std::uint32_t* base, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) base[4] = 1u | (static_cast<std::uint32_t>(i & 0xFF) << 8);
}

[[gnu::noinline]] void typed_modify(Block block, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) block.modify(CTRL::DIV::val(static_cast<std::uint32_t>(i & 0xFF)));
}
[[gnu::noinline]] void hand_modify(volatile std::uint32_t* base, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint32_t v = base[4];
        base[4] = (v & ~0xFF00u) | (static_cast<std::uint32_t>(i & 0xFF) << 8);
    }
}

[[gnu::noinline]] void typed_modify_w1c(Block block, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) block.modify(STAT::IE::val(static_cast<std::uint32_t>(i & 1)));
}
[[gnu::noinline]] void hand_modify_w1c(volatile std::uint32_t* base, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint32_t v = base[5];
        base[5] = (v & ~0x11u) | (static_cast<std::uint32_t>(i & 1) << 4);
    }
}

}  // namespace uiokit_bench
