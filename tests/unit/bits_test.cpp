// One table of field cases through every place that applies register bit rules: uiokit/bits.hpp at
// compile time, typed registers over a RecordingBus, the register-map library's FieldDef and
// RegisterDef, and regtool's write merge. Expected values are written out by hand from the rules
// (docs: README "Declaring registers"), never computed by the code under test.
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>

#include <uiokit/bits.hpp>
#include <uiokit/recording_bus.hpp>
#include <uiokit/register_block.hpp>
#include <uiokit/regmap/register_map.hpp>

#include "core.hpp"  // regtool's Location and write_merge

using namespace uiokit;
using bits::Bits;

namespace {

template <class T>
struct Case {
    const char* name;
    Bits field;
    Access access;  // rw, w1c or w1s: a W1C/W1S field's value is all ones (clear(), set())
    T reset, w1c_mask, w1s_mask;
    T old;    // the register before modify()
    T value;  // the field's value
    // Expected:
    T mask;
    T prepared;   // the value in place
    T extracted;  // the field's value in `old`
    bool fits;
    T modified;   // what modify() stores over `old` (0 when the value does not fit: nothing is stored)
    T written;    // what write() stores over the reset value (ditto)
};

constexpr std::array cases32{
    Case<std::uint32_t>{.name = "rw field in the middle", .field = {.msb = 7, .lsb = 4}, .access = Access::rw,
                        .reset = 0x1234'5678, .w1c_mask = 0, .w1s_mask = 0, .old = 0xFFFF'FFFF, .value = 0xA,
                        .mask = 0xF0, .prepared = 0xA0, .extracted = 0xF, .fits = true,
                        .modified = 0xFFFF'FFAF, .written = 0x1234'56A8},
    Case<std::uint32_t>{.name = "rw field beside W1C and W1S bits: both written as 0", .field = {.msb = 7, .lsb = 4},
                        .access = Access::rw, .reset = 0x0000'0103, .w1c_mask = 0x3, .w1s_mask = 0x100,
                        .old = 0xFFFF'FFFF, .value = 0x5, .mask = 0xF0, .prepared = 0x50, .extracted = 0xF,
                        .fits = true, .modified = 0xFFFF'FE5C, .written = 0x0000'0050},
    Case<std::uint32_t>{.name = "W1C flag cleared alone: the other flag and the W1S bit written as 0",
                        .field = {.msb = 1, .lsb = 1}, .access = Access::w1c, .reset = 0x0000'0040,
                        .w1c_mask = 0x3, .w1s_mask = 0x100, .old = 0x0000'01F3, .value = 1, .mask = 0x2,
                        .prepared = 0x2, .extracted = 1, .fits = true, .modified = 0x0000'00F2, .written = 0x0000'0042},
    Case<std::uint32_t>{.name = "W1S bit set alone: pending W1C flags written as 0", .field = {.msb = 8, .lsb = 8},
                        .access = Access::w1s, .reset = 0x0000'0040, .w1c_mask = 0x3, .w1s_mask = 0x100,
                        .old = 0x0000'01F3, .value = 1, .mask = 0x100, .prepared = 0x100, .extracted = 1, .fits = true,
                        .modified = 0x0000'01F0, .written = 0x0000'0140},
    Case<std::uint32_t>{.name = "value one bit too wide does not fit", .field = {.msb = 7, .lsb = 4}, .access = Access::rw,
                        .reset = 0, .w1c_mask = 0, .w1s_mask = 0, .old = 0x0000'0030, .value = 0x1F, .mask = 0xF0,
                        .prepared = 0xF0, .extracted = 0x3, .fits = false, .modified = 0, .written = 0},
    Case<std::uint32_t>{.name = "top bit of the register", .field = {.msb = 31, .lsb = 31}, .access = Access::rw,
                        .reset = 0, .w1c_mask = 0, .w1s_mask = 0, .old = 0x7FFF'FFFF, .value = 1,
                        .mask = 0x8000'0000, .prepared = 0x8000'0000, .extracted = 0, .fits = true,
                        .modified = 0xFFFF'FFFF, .written = 0x8000'0000},
    Case<std::uint32_t>{.name = "whole register as one field", .field = {.msb = 31, .lsb = 0}, .access = Access::rw,
                        .reset = 0xDEAD'BEEF, .w1c_mask = 0, .w1s_mask = 0, .old = 0x1234'5678, .value = 0xCAFE'F00D,
                        .mask = 0xFFFF'FFFF, .prepared = 0xCAFE'F00D, .extracted = 0x1234'5678, .fits = true,
                        .modified = 0xCAFE'F00D, .written = 0xCAFE'F00D},
    Case<std::uint32_t>{.name = "zero written to a field keeps the rest but the W1C flag", .field = {.msb = 15, .lsb = 8},
                        .access = Access::rw, .reset = 0x0000'FF01, .w1c_mask = 0x1, .w1s_mask = 0,
                        .old = 0x00FF'FF01, .value = 0, .mask = 0xFF00, .prepared = 0, .extracted = 0xFF, .fits = true,
                        .modified = 0x00FF'0000, .written = 0},
};

constexpr std::array cases64{
    Case<std::uint64_t>{.name = "64-bit whole register: ones(64) without overflow", .field = {.msb = 63, .lsb = 0},
                        .access = Access::rw, .reset = 0, .w1c_mask = 0, .w1s_mask = 0,
                        .old = 0x0123'4567'89AB'CDEF, .value = 0xFFFF'FFFF'FFFF'FFFF, .mask = 0xFFFF'FFFF'FFFF'FFFF,
                        .prepared = 0xFFFF'FFFF'FFFF'FFFF, .extracted = 0x0123'4567'89AB'CDEF, .fits = true,
                        .modified = 0xFFFF'FFFF'FFFF'FFFF, .written = 0xFFFF'FFFF'FFFF'FFFF},
    Case<std::uint64_t>{.name = "64-bit high half beside W1C and W1S bits", .field = {.msb = 63, .lsb = 32},
                        .access = Access::rw, .reset = 0x3, .w1c_mask = 0x1, .w1s_mask = 0x2,
                        .old = 0xFFFF'FFFF'FFFF'FFFF, .value = 0x1234'5678, .mask = 0xFFFF'FFFF'0000'0000,
                        .prepared = 0x1234'5678'0000'0000, .extracted = 0xFFFF'FFFF, .fits = true,
                        .modified = 0x1234'5678'FFFF'FFFC, .written = 0x1234'5678'0000'0000},
    Case<std::uint64_t>{.name = "64-bit 33-bit field refuses a 34-bit value", .field = {.msb = 40, .lsb = 8},
                        .access = Access::rw, .reset = 0, .w1c_mask = 0, .w1s_mask = 0, .old = 0xFFFF'FFFF'FFFF'FFFF,
                        .value = 0x2'0000'0000, .mask = 0x0000'01FF'FFFF'FF00, .prepared = 0,
                        .extracted = 0x1'FFFF'FFFF, .fits = false, .modified = 0, .written = 0},
};

constexpr std::array cases8{
    Case<std::uint8_t>{.name = "8-bit W1C flag beside another", .field = {.msb = 7, .lsb = 7}, .access = Access::w1c,
                       .reset = 0x01, .w1c_mask = 0x81, .w1s_mask = 0, .old = 0xFF, .value = 1, .mask = 0x80,
                       .prepared = 0x80, .extracted = 1, .fits = true, .modified = 0xFE, .written = 0x80},
};

// What each path gives for one case, widened to 64 bits.
struct Outcome {
    std::uint64_t mask = 0, prepared = 0, extracted = 0;
    bool fits = false;
    std::uint64_t modified = 0, written = 0;
};

template <class T>
Outcome expected(const Case<T>& c) {
    return {c.mask, c.prepared, c.extracted, c.fits, c.modified, c.written};
}

void check_outcome(const Outcome& got, const Outcome& want) {
    CHECK(got.mask == want.mask);
    CHECK(got.prepared == want.prepared);
    CHECK(got.extracted == want.extracted);
    CHECK(got.fits == want.fits);
    CHECK(got.modified == want.modified);
    CHECK(got.written == want.written);
}

// (a) Compile time: bits.hpp itself. Returns the index of the first case that disagrees, or N.
template <class T, std::size_t N>
constexpr std::size_t first_bits_disagreement(const std::array<Case<T>, N>& table) {
    for (std::size_t i = 0; i < N; ++i) {
        const Case<T>& c = table[i];
        const bool ok = bits::mask<T>(c.field) == c.mask && bits::prepare(c.field, c.value) == c.prepared &&
                        bits::extract(c.field, c.old) == c.extracted && bits::fits(c.field, c.value) == c.fits &&
                        (!c.fits || (bits::update(c.old, c.mask, c.prepared, c.w1c_mask, c.w1s_mask) == c.modified &&
                                     bits::update(c.reset, c.mask, c.prepared, c.w1c_mask, c.w1s_mask) == c.written));
        if (!ok) return i;
    }
    return N;
}
static_assert(first_bits_disagreement(cases32) == cases32.size());
static_assert(first_bits_disagreement(cases64) == cases64.size());
static_assert(first_bits_disagreement(cases8) == cases8.size());

static_assert(bits::ones(0) == 0);
static_assert(bits::ones(1) == 1);
static_assert(bits::ones(63) == 0x7FFF'FFFF'FFFF'FFFF);
static_assert(bits::ones(64) == 0xFFFF'FFFF'FFFF'FFFF);
static_assert(bits::ones(65) == 0xFFFF'FFFF'FFFF'FFFF);
static_assert(bits::ones<std::uint8_t>(8) == 0xFF);
static_assert(bits::ones<std::uint16_t>(12) == 0x0FFF);
static_assert(Bits{.msb = 7, .lsb = 4}.width() == 4);
static_assert(bits::mask(Bits{.msb = 0, .lsb = 0}) == 1);
// update() keeps W1C/W1S bits that are inside the mask: they are what is being cleared or set.
static_assert(bits::update<std::uint32_t>(0, 0x3, 0x1, 0x3, 0) == 0x1);
static_assert(bits::update<std::uint32_t>(0xFF, 0, 0xFF, 0x0F, 0xF0) == 0);  // value outside mask: dropped

// (a) Compile time, typed: a register and field per case, over a RecordingBus.
template <const auto& Table, std::size_t I>
struct Typed {
    static constexpr auto c = Table[I];
    using T = std::remove_cv_t<decltype(c.old)>;
    struct Layout {
        static constexpr std::size_t size = 8;
    };
    struct R : Register<Layout, RegisterSpec<T>{.offset = 0, .reset = c.reset, .w1c_mask = c.w1c_mask,
                                                .w1s_mask = c.w1s_mask}> {};
    using F = Field<R, c.field, c.access>;

    static constexpr FieldSet<typename R::register_type> fields() {
        if constexpr (c.access == Access::w1c) return F::clear();
        else if constexpr (c.access == Access::w1s) return F::set();
        else return F::val(c.value);  // throws RangeError when it does not fit
    }
    static_assert(F::mask == c.mask);
    static_assert(F::get(c.old) == c.extracted);
    static_assert(!c.fits || fields().bits == c.prepared);

    static Outcome run() {
        RecordingBus bus(Layout::size);
        RegisterBlock<Layout, RecordingBus&> block(bus);
        bus.poke<T>(0, c.old);
        Outcome out{.mask = F::mask, .prepared = 0, .extracted = block.read(F{}), .fits = c.fits};
        bus.clear_log();
        if (!c.fits) {
            REQUIRE_THROWS_AS(fields(), RangeError);
            CHECK(bus.log().empty());
            out.prepared = bits::prepare(c.field, c.value);  // fields() gives nothing to compare: the table's rule
            return out;
        }
        out.prepared = fields().bits;
        block.modify(fields());
        REQUIRE(bus.log().size() == 2);
        CHECK(bus.log()[0] == RecordingBus::Access{RecordingBus::Access::Kind::read, 0, sizeof(T), c.old});
        CHECK(bus.log()[1].kind == RecordingBus::Access::Kind::write);
        CHECK(bus.log()[1].width == sizeof(T));
        out.modified = bus.log()[1].value;
        bus.clear_log();
        block.write(fields());
        REQUIRE(bus.log().size() == 1);
        CHECK(bus.log()[0].kind == RecordingBus::Access::Kind::write);
        CHECK(bus.log()[0].width == sizeof(T));
        out.written = bus.log()[0].value;
        return out;
    }
};

template <const auto& Table>
std::array<Outcome, Table.size()> typed_outcomes() {
    return []<std::size_t... I>(std::index_sequence<I...>) {
        return std::array<Outcome, Table.size()>{Typed<Table, I>::run()...};
    }(std::make_index_sequence<Table.size()>{});
}

// (b) Run time: the register map's FieldDef/RegisterDef (W1C/W1S masks from its fields, one per
// bit) and regtool's write merge, as `regtool write REG.FIELD=VALUE` plans it.
template <class T>
Outcome runtime_outcome(const Case<T>& c) {
    regmap::RegisterDef reg;
    reg.name = "R";
    reg.width_bits = sizeof(T) * 8;
    reg.reset = c.reset;
    regmap::FieldDef field{.name = "F", .msb = c.field.msb, .lsb = c.field.lsb, .access = c.access};
    reg.fields.push_back(field);
    for (unsigned bit = 0; bit < reg.width_bits; ++bit) {
        const std::uint64_t one = std::uint64_t{1} << bit;
        if ((field.mask() & one) != 0) continue;
        if ((c.w1c_mask & one) != 0) reg.fields.push_back({.name = "C" + std::to_string(bit), .msb = bit, .lsb = bit, .access = Access::w1c});
        if ((c.w1s_mask & one) != 0) reg.fields.push_back({.name = "S" + std::to_string(bit), .msb = bit, .lsb = bit, .access = Access::w1s});
    }
    CHECK(reg.w1c_mask() == c.w1c_mask);
    CHECK(reg.w1s_mask() == c.w1s_mask);

    const regmap::FieldDef& f = reg.fields.front();
    Outcome out{.mask = f.mask(), .prepared = f.prepare(c.value), .extracted = f.extract(c.old), .fits = f.fits(c.value)};
    if (!out.fits) return out;  // regtool refuses the write before planning it
    regtool::Location loc;
    loc.reg = &reg;
    loc.field = &f;
    loc.width_bits = reg.width_bits;
    loc.has_bits = true;
    loc.msb = f.msb;
    loc.lsb = f.lsb;
    const regtool::WriteMerge merge = regtool::write_merge(loc, c.value);
    CHECK(merge.mask == c.mask);
    CHECK(merge.bits == c.prepared);
    out.modified = merge.written(c.old);     // read-modify-write
    out.written = merge.written(c.reset);    // write-only register: the other bits at reset
    return out;
}

template <class T, std::size_t N>
void check_table(const std::array<Case<T>, N>& table, const std::array<Outcome, N>& typed) {
    for (std::size_t i = 0; i < N; ++i) {
        const Case<T>& c = table[i];
        INFO(sizeof(T) * 8 << "-bit case: " << c.name);
        const Outcome runtime = runtime_outcome(c);
        {
            INFO("typed register");
            check_outcome(typed[i], expected(c));
        }
        {
            INFO("regmap and regtool");
            check_outcome(runtime, expected(c));
        }
        {
            INFO("typed against run time");
            check_outcome(runtime, typed[i]);
        }
    }
}

}  // namespace

TEST_CASE("bits table: typed registers and regmap with regtool agree on 32-bit registers", "[bits]") {
    check_table(cases32, typed_outcomes<cases32>());
}

TEST_CASE("bits table: typed registers and regmap with regtool agree on 64-bit registers", "[bits]") {
    check_table(cases64, typed_outcomes<cases64>());
}

TEST_CASE("bits table: typed registers and regmap with regtool agree on 8-bit registers", "[bits]") {
    check_table(cases8, typed_outcomes<cases8>());
}

TEST_CASE("regtool writes a whole register as given whatever its W1C bits", "[bits]") {
    regmap::RegisterDef reg;
    reg.width_bits = 32;
    reg.reset = 0xFFFF'FFFF;
    reg.fields.push_back({.name = "DONE", .msb = 0, .lsb = 0, .access = Access::w1c});
    regtool::Location loc;
    loc.reg = &reg;
    loc.width_bits = 32;
    const regtool::WriteMerge merge = regtool::write_merge(loc, 0x8000'0001);
    CHECK(merge.mask == 0xFFFF'FFFF);
    CHECK(merge.written(0x1234'5678) == 0x8000'0001);
}
