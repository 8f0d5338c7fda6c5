// ARM PrimeCell PL031 real-time clock registers (ARM DDI 0224), as uiokit typed registers.
#pragma once

#include <cstdint>

#include <uiokit/register.hpp>

namespace pl031 {

struct Block {
    static constexpr std::size_t size = 0x1000;
};

using uiokit::Access;
using uiokit::Field;
using uiokit::Register;

// Data: the current count in seconds.
struct DR : Register<Block, std::uint32_t, {.offset = 0x00, .access = Access::ro}> {};
// Match: the alarm time; the interrupt is raised when DR reaches it.
struct MR : Register<Block, std::uint32_t, {.offset = 0x04}> {};
// Load: writing sets the counter.
struct LR : Register<Block, std::uint32_t, {.offset = 0x08}> {};
struct CR : Register<Block, std::uint32_t, {.offset = 0x0C}> {
    using START = Field<CR, 0, 1, Access::rw, bool>;
};
struct IMSC : Register<Block, std::uint32_t, {.offset = 0x10}> {
    using MASK = Field<IMSC, 0, 1, Access::rw, bool>;  // 1 = interrupt enabled
};
struct RIS : Register<Block, std::uint32_t, {.offset = 0x14, .access = Access::ro}> {
    using RTCRIS = Field<RIS, 0, 1, Access::ro, bool>;
};
struct MIS : Register<Block, std::uint32_t, {.offset = 0x18, .access = Access::ro}> {
    using RTCMIS = Field<MIS, 0, 1, Access::ro, bool>;
};
struct ICR : Register<Block, std::uint32_t, {.offset = 0x1C, .w1c_mask = 0x1, .access = Access::wo}> {
    using RTCICR = Field<ICR, 0, 1, Access::w1c>;
};
struct PeriphID0 : Register<Block, std::uint32_t, {.offset = 0xFE0, .access = Access::ro}> {};
struct PeriphID1 : Register<Block, std::uint32_t, {.offset = 0xFE4, .access = Access::ro}> {};
struct PeriphID2 : Register<Block, std::uint32_t, {.offset = 0xFE8, .access = Access::ro}> {};
struct PeriphID3 : Register<Block, std::uint32_t, {.offset = 0xFEC, .access = Access::ro}> {};
struct PCellID0 : Register<Block, std::uint32_t, {.offset = 0xFF0, .access = Access::ro}> {};
struct PCellID1 : Register<Block, std::uint32_t, {.offset = 0xFF4, .access = Access::ro}> {};
struct PCellID2 : Register<Block, std::uint32_t, {.offset = 0xFF8, .access = Access::ro}> {};
struct PCellID3 : Register<Block, std::uint32_t, {.offset = 0xFFC, .access = Access::ro}> {};

}  // namespace pl031
