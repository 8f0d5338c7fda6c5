// What the virtual board (tools/vboard) has, as the overlays in dts-overlays/ and QEMU's `virt`
// machine define it. The system tests compare what the kernel and uiokit report against these facts.
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>
#include <thread>

#include <uiokit/uiokit.hpp>

namespace vboard {

// dts-overlays/vboard-pl031.dtso: QEMU virt's PL031 RTC, rebound to generic-uio, SPI 2.
inline constexpr const char* pl031_name = "pl031";  // node name without unit address (6.1 kernels)
inline constexpr std::uint64_t pl031_base = 0x0901'0000;
inline constexpr const char* pl031_node = "/pl031@9010000";

// dts-overlays/vboard-window.dtso: two windows that do not start on a page boundary, no interrupt.
inline constexpr const char* window_name = "idwindow";  // linux,uio-name (the node is id-window@...)
inline constexpr const char* window_node = "/id-window@9030fe0";

// A device from an overlay that uiokit-dtogen writes (tools/vboard: make_dtb): a 0x200-byte window
// of virtio-mmio slot 30, with GIC SPI 46.
inline constexpr const char* generated_name = "generated";
inline constexpr const char* generated_node = "/generated@a003c00";
inline constexpr std::uint64_t generated_phys = 0xa003c00;
inline constexpr std::uint64_t window0_start = 0x0903'0fe0;  // PL061 GPIO PrimeCell ID registers
inline constexpr std::uint64_t window0_length = 0x20;
inline constexpr const char* window0_name = "pl061-id";      // reg-names[0]
inline constexpr std::uint64_t window1_start = 0x0a00'3e00;  // virtio-mmio slot 31 header
inline constexpr std::uint64_t window1_length = 0x10;
inline constexpr const char* window1_name = "virtio-mmio-31";  // reg-names[1]

// dts-overlays/vboard-sram.dtso: 1 MiB of guest RAM carved out with reserved-memory no-map and bound
// to uio_pdrv_genirq, standing in for an on-chip SRAM (the memory-window use case). No interrupt.
inline constexpr const char* sram_name = "sram";
inline constexpr const char* sram_node = "/sram@5fe00000";
inline constexpr std::uint64_t sram_phys = 0x5fe0'0000;
inline constexpr std::uint64_t sram_size = 0x10'0000;

// Every UIO device the overlays define, by name: the board has these and no others.
// dts-overlays/vboard-dmabuf.dtso: a 2 MiB DMA buffer (reserved-memory no-map + generic-uio).
inline constexpr const char* dmabuf_name = "dmabuf";

inline constexpr const char* device_names[] = {pl031_name, window_name, generated_name, sram_name, dmabuf_name};

inline std::uint64_t page_size() { return static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE)); }
inline constexpr std::uint64_t page_base(std::uint64_t a, std::uint64_t page) { return a & ~(page - 1); }

// ARM PrimeCell RTC (PL031) registers, all 32-bit (ARM DDI 0224).
struct Pl031 {
    static constexpr std::size_t size = 0x1000;
};
using uiokit::Access;
using uiokit::Bits;
using uiokit::Field;
using uiokit::Reg32;
using uiokit::Register;
inline constexpr struct DR : Register<Pl031, Reg32{.offset = 0x00, .access = Access::ro}> {} DR{};   // seconds
inline constexpr struct MR : Register<Pl031, Reg32{.offset = 0x04}> {} MR{};                         // match
inline constexpr struct LR : Register<Pl031, Reg32{.offset = 0x08}> {} LR{};                         // load
inline constexpr struct CR : Register<Pl031, Reg32{.offset = 0x0C}> {
    static constexpr struct START : Field<register_type, Bits{.msb = 0, .lsb = 0}, Access::rw, bool> {} START{};
} CR{};
inline constexpr struct IMSC : Register<Pl031, Reg32{.offset = 0x10}> {
    static constexpr struct MATCH : Field<register_type, Bits{.msb = 0, .lsb = 0}, Access::rw, bool> {} MATCH{};
} IMSC{};
inline constexpr struct RIS : Register<Pl031, Reg32{.offset = 0x14, .access = Access::ro}> {
    static constexpr struct MATCH : Field<register_type, Bits{.msb = 0, .lsb = 0}, Access::ro, bool> {} MATCH{};
} RIS{};
inline constexpr struct MIS : Register<Pl031, Reg32{.offset = 0x18, .access = Access::ro}> {
    static constexpr struct MATCH : Field<register_type, Bits{.msb = 0, .lsb = 0}, Access::ro, bool> {} MATCH{};
} MIS{};
inline constexpr struct ICR : Register<Pl031, Reg32{.offset = 0x1C, .w1c_mask = 0x1, .access = Access::wo}> {
    static constexpr struct MATCH : Field<register_type, Bits{.msb = 0, .lsb = 0}, Access::w1c, bool> {} MATCH{};
} ICR{};
template <unsigned N>
struct PeriphID : Register<Pl031, Reg32{.offset = 0xFE0 + 4 * N, .access = Access::ro}> {};
template <unsigned N>
struct CellID : Register<Pl031, Reg32{.offset = 0xFF0 + 4 * N, .access = Access::ro}> {};

// The eight PrimeCell identification registers at the end of any PrimeCell's 4 KiB frame, as a
// 0x20-byte block of their own (what the id window maps).
struct PrimeCellIds {
    static constexpr std::size_t size = 0x20;
};
template <unsigned N>
struct IdReg : Register<PrimeCellIds, Reg32{.offset = 4 * N, .access = Access::ro}> {};

inline constexpr std::uint8_t primecell_cell_id[4] = {0x0D, 0xF0, 0x05, 0xB1};
inline constexpr std::uint8_t pl031_periph_id[4] = {0x31, 0x10, 0x14, 0x00};
inline constexpr std::uint8_t pl061_periph_id[4] = {0x61, 0x10, 0x04, 0x00};

// virtio-mmio transport header (virtio 1.x spec, 4.2.2)
inline constexpr std::uint32_t virtio_magic = 0x74726976;   // "virt"
inline constexpr std::uint32_t virtio_vendor_qemu = 0x554D4551;  // "QEMU"

// A one-line sysfs attribute exactly as the kernel prints it, without the trailing newline.
inline std::string sysfs_text(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}

using Clock = std::chrono::steady_clock;
inline double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace vboard
