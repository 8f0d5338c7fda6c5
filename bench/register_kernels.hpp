// Register-access kernels for the benchmarks: each does `n` operations on one register, the typed
// way (uiokit::RegisterBlock over an MmioBus) or the hand-written way (a C volatile access doing the
// same bit arithmetic). They live in their own translation unit and are never inlined, so Google
// Benchmark (uiokit_bench) and callgrind (uiokit_bench_callgrind) measure the same machine code.
#pragma once

#include <cstddef>
#include <cstdint>

#include <uiokit/register_block.hpp>

namespace uiokit_bench {

// A device with a control register (plain read-write fields) and a status register (a W1C flag
// beside a read-write enable), at the offsets the hand-written kernels use.
struct Ctl {
    static constexpr std::size_t size = 0x100;
};
struct CTRL : uiokit::Register<Ctl, uiokit::Reg32{.offset = 0x10, .reset = 0}> {
    using EN = uiokit::Field<CTRL, 0, 1, uiokit::Access::rw>;
    using MODE = uiokit::Field<CTRL, 4, 3, uiokit::Access::rw>;
    using DIV = uiokit::Field<CTRL, 8, 8, uiokit::Access::rw>;
};
struct STAT : uiokit::Register<Ctl, uiokit::Reg32{.offset = 0x14, .w1c_mask = 0x1}> {
    using DONE = uiokit::Field<STAT, 0, 1, uiokit::Access::w1c>;
    using IE = uiokit::Field<STAT, 4, 1, uiokit::Access::rw>;
};

using Block = uiokit::RegisterBlock<Ctl>;

// Field read: returns the sum of n reads of CTRL.DIV.
std::uint32_t typed_read(Block block, std::size_t n);
std::uint32_t hand_read(volatile std::uint32_t* base, std::size_t n);
// Field write: n stores of CTRL = {EN = 1, DIV = i & 0xFF}, other bits at reset.
void typed_write(Block block, std::size_t n);
void hand_write(volatile std::uint32_t* base, std::size_t n);
// Read-modify-write of one field: n times CTRL.DIV = i & 0xFF.
void typed_modify(Block block, std::size_t n);
void hand_modify(volatile std::uint32_t* base, std::size_t n);
// Read-modify-write beside a W1C flag: n times STAT.IE = i & 1, never writing DONE back as 1.
void typed_modify_w1c(Block block, std::size_t n);
void hand_modify_w1c(volatile std::uint32_t* base, std::size_t n);

}  // namespace uiokit_bench
