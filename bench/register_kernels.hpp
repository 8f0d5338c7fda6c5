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
inline constexpr struct CTRL : uiokit::Register<Ctl, uiokit::Reg32{.offset = 0x10, .reset = 0}> {
    static constexpr struct EN : uiokit::Field<register_type, uiokit::Bits{.msb = 0, .lsb = 0}, uiokit::Access::rw> {} EN{};
    static constexpr struct MODE : uiokit::Field<register_type, uiokit::Bits{.msb = 6, .lsb = 4}, uiokit::Access::rw> {} MODE{};
    static constexpr struct DIV : uiokit::Field<register_type, uiokit::Bits{.msb = 15, .lsb = 8}, uiokit::Access::rw> {} DIV{};
} CTRL{};
inline constexpr struct STAT : uiokit::Register<Ctl, uiokit::Reg32{.offset = 0x14, .w1c_mask = 0x1}> {
    static constexpr struct DONE : uiokit::Field<register_type, uiokit::Bits{.msb = 0, .lsb = 0}, uiokit::Access::w1c> {} DONE{};
    static constexpr struct IE : uiokit::Field<register_type, uiokit::Bits{.msb = 4, .lsb = 4}, uiokit::Access::rw> {} IE{};
} STAT{};

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
