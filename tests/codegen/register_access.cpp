// Small functions whose -O2 code the codegen test inspects: each typed operation must compile to
// exactly the loads and stores named in check_codegen.sh, of the register's width.
#include <uiokit/detail/bulk.hpp>
#include <uiokit/dma_barrier.hpp>
#include <uiokit/mmio.hpp>
#include <uiokit/register_block.hpp>

using namespace uiokit;

namespace {
struct Blk {
    static constexpr std::size_t size = 0x40;
};
constexpr struct CR8 : Register<Blk, Reg8{.offset = 0x01}> {
    static constexpr struct EN : Field<register_type, Bits{.msb = 0, .lsb = 0}, Access::rw> {} EN{};
} CR8{};
constexpr struct CR16 : Register<Blk, Reg16{.offset = 0x02}> {
    static constexpr struct MODE : Field<register_type, Bits{.msb = 6, .lsb = 4}, Access::rw> {} MODE{};
} CR16{};
constexpr struct CR32 : Register<Blk, Reg32{.offset = 0x0C, .reset = 0x100}> {
    static constexpr struct START : Field<register_type, Bits{.msb = 0, .lsb = 0}, Access::rw> {} START{};
    static constexpr struct DIV : Field<register_type, Bits{.msb = 11, .lsb = 8}, Access::rw> {} DIV{};
} CR32{};
constexpr struct SR32 : Register<Blk, Reg32{.offset = 0x10, .w1c_mask = 0x3}> {
    static constexpr struct DONE : Field<register_type, Bits{.msb = 0, .lsb = 0}, Access::w1c> {} DONE{};
    static constexpr struct IE : Field<register_type, Bits{.msb = 4, .lsb = 4}, Access::rw> {} IE{};
} SR32{};
constexpr struct CR64 : Register<Blk, Reg64{.offset = 0x18}> {
    static constexpr struct LIMIT : Field<register_type, Bits{.msb = 51, .lsb = 32}, Access::rw> {} LIMIT{};
} CR64{};
}  // namespace

extern "C" {
void modify8(RegisterBlock<Blk> b) { b.modify(CR8::EN::val<1>()); }
void modify16(RegisterBlock<Blk> b) { b.modify(CR16::MODE::val<5>()); }
void modify32(RegisterBlock<Blk> b) { b.modify(CR32::START::val<1>() | CR32::DIV::val<5>()); }
void modify32_w1c(RegisterBlock<Blk> b) { b.modify(SR32::IE::val<1>()); }
void modify32_runtime(RegisterBlock<Blk> b, unsigned div) { b.modify(CR32::DIV::val(div & 0xF)); }
void modify64(RegisterBlock<Blk> b) { b.modify(CR64::LIMIT::val<0x12345>()); }
void write32(RegisterBlock<Blk> b) { b.write(CR32::START::val<1>()); }
unsigned read32_field(RegisterBlock<Blk> b) { return b.read(CR32::DIV); }
// A DMA-style sequence: a store to ordinary memory, the full barrier, then the doorbell register.
void barrier_then_doorbell(std::uint32_t* buffer, volatile std::byte* regs) {
    buffer[0] = 1;
    mmio::barrier();
    mmio::store<std::uint32_t>(regs + 0x10, 1);
}
// DMA hand-over: a descriptor word in ordinary memory, the write barrier, then the doorbell.
void dma_descriptor_then_doorbell(std::uint32_t* descriptor, volatile std::byte* regs) {
    descriptor[0] = 0x1000;
    mmio::dma_write_barrier();
    mmio::store<std::uint32_t>(regs + 0x10, 1);
}
// DMA completion: the status register, the read barrier, then the data the device wrote.
std::uint32_t dma_status_then_data(const volatile std::byte* regs, const std::uint32_t* data) {
    const std::uint32_t status = mmio::load<std::uint32_t>(regs + 0x14);
    mmio::dma_read_barrier();
    return status + data[0];
}
// Two adjacent ordinary stores around a DMA barrier. Without one GCC merges them into a single
// 64-bit store (see no_barrier_between_stores), so two 32-bit stores in program order show that the
// barrier orders them even where it emits no instruction (x86-64).
void no_barrier_between_stores(std::uint32_t* p) {
    p[0] = 1;
    p[1] = 2;
}
void dma_write_barrier_between_stores(std::uint32_t* p) {
    p[0] = 1;
    mmio::dma_write_barrier();
    p[1] = 2;
}
void dma_read_barrier_between_stores(std::uint32_t* p) {
    p[0] = 1;
    mmio::dma_read_barrier();
    p[1] = 2;
}
// Block copies of nine elements: one whole unrolled iteration and one element of the tail loop.
void read_block64_9(const volatile std::byte* device, std::uint64_t* out) {
    mmio::load_block<std::uint64_t>(device, out, 9);
}
void write_block64_9(volatile std::byte* device, const std::uint64_t* in) {
    mmio::store_block<std::uint64_t>(device, in, 9);
}
void read_block32_9(const volatile std::byte* device, std::uint32_t* out) {
    mmio::load_block<std::uint32_t>(device, out, 9);
}
void write_block32_9(volatile std::byte* device, const std::uint32_t* in) {
    mmio::store_block<std::uint32_t>(device, in, 9);
}
// The hand-written equivalent of modify32, for reference in the report.
void hand_modify32(volatile std::uint32_t* base) {
    const std::uint32_t v = base[3];
    base[3] = (v & ~0xF01u) | 0x501u;
}
// Region's byte-granular bulk operations (detail/bulk.hpp) for each allowed-width setting: every
// device access of the whole loop -- head, middle and tail -- must be of an allowed width.
#define UIOKIT_BULK_FUNCTIONS(suffix, widths)                                                            \
    void copy_in_##suffix(volatile std::byte* device, const std::byte* host, std::size_t n) {          \
        detail::bulk::copy_in(device, host, n, widths);                                                   \
    }                                                                                                     \
    void copy_out_##suffix(const volatile std::byte* device, std::byte* host, std::size_t n) {         \
        detail::bulk::copy_out(device, host, n, widths);                                                  \
    }                                                                                                     \
    void fill_##suffix(volatile std::byte* device, std::byte value, std::size_t n) {                   \
        detail::bulk::fill(device, value, n, widths);                                                     \
    }                                                                                                     \
    std::size_t compare_##suffix(const volatile std::byte* device, const std::byte* host, std::size_t n) { \
        return detail::bulk::compare(device, host, n, widths).count;                                      \
    }
UIOKIT_BULK_FUNCTIONS(all, AccessWidths::all())
UIOKIT_BULK_FUNCTIONS(only8, AccessWidths::only(1))
UIOKIT_BULK_FUNCTIONS(only16, AccessWidths::only(2))
UIOKIT_BULK_FUNCTIONS(only32, AccessWidths::only(4))
UIOKIT_BULK_FUNCTIONS(only64, AccessWidths::only(8))
UIOKIT_BULK_FUNCTIONS(up_to32, AccessWidths::up_to(4))
UIOKIT_BULK_FUNCTIONS(only8_64, AccessWidths::only(1) | AccessWidths::only(8))
}
