// Each CASE_* must fail to compile with the diagnostic named in CMakeLists.txt; with no CASE_*
// defined (the control) everything here must compile, and the control uses every construct the
// cases use: each kind of register and field, signed, bool and enum value types, W1C and W1S
// fields, inline Register<>/Field<> types, snapshots, a block over a mapped window and a read-only
// mapping.
#include <array>

#include <uiokit/register_block.hpp>

using namespace uiokit;

struct Blk {
    static constexpr std::size_t size = 0x20;
    static constexpr std::size_t alignment = 8;
};
struct Other {
    static constexpr std::size_t size = 0x10;
};
#if defined(CASE_ALIGNMENT_NOT_POWER_OF_TWO)
struct Odd {
    static constexpr std::size_t size = 0x10;
    static constexpr std::size_t alignment = 3;
};
#endif
enum class Mode : std::uint32_t { off = 0, slow = 1, fast = 2 };
constexpr struct CR : Register<Blk, Reg32{.offset = 0x0}> {
    static constexpr struct EN : Field<register_type, Bits{.msb = 0, .lsb = 0}, Access::rw> {} EN{};
    static constexpr struct DIV : Field<register_type, Bits{.msb = 15, .lsb = 8}, Access::rw> {} DIV{};
    static constexpr struct TRIM : Field<register_type, Bits{.msb = 19, .lsb = 16}, Access::rw, std::int8_t> {} TRIM{};  // -8..7
    static constexpr struct MODE : Field<register_type, Bits{.msb = 21, .lsb = 20}, Access::rw, Mode> {
        static constexpr std::array values{Mode::off, Mode::slow, Mode::fast};
        static constexpr auto fast = val<Mode::fast>();
    } MODE{};
    static constexpr struct LOCK : Field<register_type, Bits{.msb = 22, .lsb = 22}, Access::rw, bool> {} LOCK{};
    static constexpr struct VERSION : Field<register_type, Bits{.msb = 31, .lsb = 28}, Access::ro> {} VERSION{};
} CR{};
constexpr struct SR : Register<Blk, Reg32{.offset = 0x4, .w1c_mask = 0x1, .w1s_mask = 0x2}> {
    static constexpr struct DONE : Field<register_type, Bits{.msb = 0, .lsb = 0}, Access::w1c> {} DONE{};
    static constexpr struct KICK : Field<register_type, Bits{.msb = 1, .lsb = 1}, Access::w1s> {} KICK{};
    static constexpr struct IE : Field<register_type, Bits{.msb = 4, .lsb = 4}, Access::rw> {} IE{};
} SR{};
constexpr struct CMD : Register<Blk, Reg32{.offset = 0x8, .access = Access::wo}> {
    static constexpr struct OP : Field<register_type, Bits{.msb = 7, .lsb = 0}, Access::wo> {} OP{};
} CMD{};
constexpr struct ID : Register<Blk, Reg32{.offset = 0xC, .access = Access::ro}> {} ID{};
constexpr struct CNT : Register<Blk, Reg64{.offset = 0x10}> {
    static constexpr struct LOW : Field<register_type, Bits{.msb = 7, .lsb = 0}, Access::rw, std::uint8_t> {} LOW{};
    static constexpr struct OFFSET : Field<register_type, Bits{.msb = 47, .lsb = 32}, Access::rw, std::int16_t> {} OFFSET{};
} CNT{};
constexpr struct TAG : Register<Blk, Reg16{.offset = 0x18}> {} TAG{};
constexpr struct FOREIGN : Register<Other, Reg32{.offset = 0x0}> {} FOREIGN{};
#if defined(CASE_ENUM_FIELD_WITHOUT_VALUES)
using UNLISTED = Field<decltype(CR), Bits{.msb = 21, .lsb = 20}, Access::rw, Mode>;
#endif

// An inline field of CR or SR, as the cases write them.
template <unsigned Msb, unsigned Lsb, Access A, class V = std::uint32_t>
using CrField = Field<decltype(CR), Bits{.msb = Msb, .lsb = Lsb}, A, V>;
template <unsigned Msb, unsigned Lsb, Access A>
using SrField = Field<decltype(SR), Bits{.msb = Msb, .lsb = Lsb}, A>;

void use(const Region& region, RegisterBlock<Blk> block, RegisterBlock<Blk, ReadOnlyMmioBus> inspect) {
#if defined(CASE_WRITE_READ_ONLY_FIELD)
    block.modify(CR::VERSION::val<1>());
#elif defined(CASE_READ_WRITE_ONLY_FIELD)
    (void)block.read(CMD::OP);
#elif defined(CASE_READ_WRITE_ONLY_REGISTER)
    (void)block.read(CMD);
#elif defined(CASE_CONSTANT_TOO_WIDE)
    block.modify(CR::DIV::val<0x100>());
#elif defined(CASE_NEGATIVE_CONSTANT)
    block.modify(CR::DIV::val<-1>());
#elif defined(CASE_MIX_REGISTERS)
    block.modify(CR::EN::val<1>() | SR::IE::val<1>());
#elif defined(CASE_CLEAR_WIDE_NON_W1C)
    block.modify(CR::DIV::clear());
#elif defined(CASE_SET_WIDE_NON_W1S)
    block.modify(CR::DIV::set());
#elif defined(CASE_VALUE_INTO_W1C)
    block.modify(SR::DONE::val<1>());
#elif defined(CASE_VALUE_INTO_W1S)
    block.modify(SR::KICK::val<1>());
#elif defined(CASE_MODIFY_WRITE_ONLY_REGISTER)
    block.modify(CMD::OP::val<1>());
#elif defined(CASE_WRITE_READ_ONLY_REGISTER)
    block.write(ID, 1u);
#elif defined(CASE_REGISTER_OF_OTHER_BLOCK)
    (void)block.read(FOREIGN);
#elif defined(CASE_FIELD_BEYOND_WIDTH)
    (void)block.read(CrField<33, 30, Access::rw>{});
#elif defined(CASE_W1C_FIELD_OUTSIDE_MASK)
    block.modify(SrField<8, 8, Access::w1c>::clear());
#elif defined(CASE_W1S_FIELD_OUTSIDE_MASK)
    block.modify(SrField<8, 8, Access::w1s>::set());
#elif defined(CASE_W1C_W1S_OVERLAP)
    (void)block.read(Register<Blk, Reg32{.offset = 0x4, .w1c_mask = 0x3, .w1s_mask = 0x2}>{});
#elif defined(CASE_RW_FIELD_IN_W1C_MASK)
    (void)block.read(SrField<0, 0, Access::rw>{});
#elif defined(CASE_RW_FIELD_IN_W1S_MASK)
    (void)block.read(SrField<1, 1, Access::rw>{});
#elif defined(CASE_REGISTER_ACCESS_W1C)
    (void)block.read(Register<Blk, Reg32{.offset = 0x4, .access = Access::w1c}>{});
#elif defined(CASE_MSB_BELOW_LSB)
    (void)block.read(CrField<4, 5, Access::rw>{});
#elif defined(CASE_FIELD_BITS_AS_NUMBERS)
    (void)block.read(Field<decltype(CR), 4, 1, Access::rw>{});
#elif defined(CASE_ENUM_FIELD_WITHOUT_VALUES)
    (void)block.read(UNLISTED{});
#elif defined(CASE_FIELD_OF_OTHER_REGISTER_IN_SNAPSHOT)
    (void)block.snapshot(CR).is_set(SR::IE);
#elif defined(CASE_NON_INTEGRAL_VALUE_TYPE)
    (void)block.read(CrField<4, 4, Access::rw, float>{});
#elif defined(CASE_REGISTER_MISALIGNED)
    (void)block.read(Register<Blk, Reg32{.offset = 0x2}>{});
#elif defined(CASE_REGISTER_OUTSIDE_BLOCK)
    (void)block.read(Register<Blk, Reg64{.offset = 0x20}>{});
#elif defined(CASE_VALUE_TYPE_NARROWER_THAN_FIELD)
    (void)block.read(CrField<19, 8, Access::rw, std::uint8_t>{});
#elif defined(CASE_SIGNED_CONSTANT_TOO_WIDE)
    block.modify(CrField<11, 8, Access::rw, std::int8_t>::val<8>());
#elif defined(CASE_WRITE_THROUGH_READ_ONLY_MAPPING)
    inspect.write(CR::EN::val<1>());
#elif defined(CASE_ALIGNMENT_NOT_POWER_OF_TWO)
    RegisterBlock<Odd> odd(region);
    (void)odd;
#else
    // The control: every legal operation, on every construct the cases use.
    RegisterBlock<Blk> mapped(region);                   // a block over a window (alignment 8)
    RegisterBlock<Blk, ReadOnlyMmioBus> read_only(region);
    (void)mapped.read(CR);
    (void)read_only.read(CNT::OFFSET);
    (void)block.read(CR::EN);
    (void)block.read(CR::TRIM);
    (void)block.read(CR::MODE);
    (void)block.read(CR::LOCK);
    (void)block.read(CR::VERSION);
    (void)block.read(ID);
    (void)block.read(SR::DONE);
    (void)block.read(SR::KICK);
    (void)block.read(CNT);
    (void)block.read(TAG);
    (void)inspect.read(CR::DIV);
    (void)inspect.read(SR);
    (void)block.snapshot(CR).is_set(CR::EN);
    (void)block.snapshot(SR).matches_all(SR::IE::set());
    // Inline types, as the cases write them, legal here.
    (void)block.read(Register<Blk, Reg32{.offset = 0x4}>{});
    (void)block.read(Register<Blk, Reg64{.offset = 0x18}>{});
    (void)block.read(CrField<31, 28, Access::rw>{});
    (void)block.read(CrField<15, 8, Access::rw, std::uint8_t>{});
    (void)block.read(CrField<11, 8, Access::rw, std::int8_t>{});
    (void)block.read(CrField<4, 4, Access::rw, bool>{});
    (void)block.read(Register<Blk, Reg32{.offset = 0x4, .w1c_mask = 0x1, .w1s_mask = 0x2}>{});
    block.modify(SrField<0, 0, Access::w1c>::clear());
    block.modify(SrField<1, 1, Access::w1s>::set());
    block.modify(CrField<11, 8, Access::rw, std::int8_t>::val<7>());
    block.modify(CrField<11, 8, Access::rw, std::int8_t>::val<-8>());
    // Values: constants and run-time values, unsigned, signed, enum and bool; set/clear.
    block.write(CR::EN::val<1>() | CR::DIV::val<0xFF>() | CR::TRIM::val<-8>() | CR::MODE::val<Mode::fast>() |
                CR::LOCK::val<true>());
    block.modify(CR::TRIM::val(std::int8_t{-1}) | CR::MODE::val(Mode::slow) | CR::LOCK::val(false) |
                 CR::DIV::val(0x12u));
    block.modify(CR::MODE::fast | CR::EN::set() | CR::LOCK::clear());
    block.modify(SR::DONE::clear() | SR::KICK::set() | SR::IE::val(1u));
    block.write(SR::KICK::set());
    block.modify(CNT::LOW::val<0xFF>() | CNT::OFFSET::val<-32768>());
    block.write(CMD::OP::val<0x12>());
    block.write(CR, 0x1234u);
    block.write(CNT, 0x1122334455667788u);
    block.write(TAG, std::uint16_t{0xBEEF});
    block.write(block.snapshot(CR).modified(CR::EN::set()));
    mapped.modify(CR::EN::val<0>());
#endif
}
