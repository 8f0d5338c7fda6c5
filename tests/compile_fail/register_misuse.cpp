// Each CASE_* must fail to compile with the diagnostic named in CMakeLists.txt; with no CASE_*
// defined (the control) everything here must compile, and the control uses every construct the
// cases use: each kind of register and field, signed, bool and enum value types, W1C and W1S
// fields, inline Register<>/Field<> types, a block over a mapped window and a read-only mapping.
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
struct CR : Register<Blk, Reg32{.offset = 0x0}> {
    using EN = Field<CR, 0, 1, Access::rw>;
    using DIV = Field<CR, 8, 8, Access::rw>;
    using TRIM = Field<CR, 16, 4, Access::rw, std::int8_t>;  // signed: -8..7
    using MODE = Field<CR, 20, 2, Access::rw, Mode>;
    using LOCK = Field<CR, 22, 1, Access::rw, bool>;
    using VERSION = Field<CR, 28, 4, Access::ro>;
};
struct SR : Register<Blk, Reg32{.offset = 0x4, .w1c_mask = 0x1, .w1s_mask = 0x2}> {
    using DONE = Field<SR, 0, 1, Access::w1c>;
    using KICK = Field<SR, 1, 1, Access::w1s>;
    using IE = Field<SR, 4, 1, Access::rw>;
};
struct CMD : Register<Blk, Reg32{.offset = 0x8, .access = Access::wo}> {
    using OP = Field<CMD, 0, 8, Access::wo>;
};
struct ID : Register<Blk, Reg32{.offset = 0xC, .access = Access::ro}> {};
struct CNT : Register<Blk, Reg64{.offset = 0x10}> {
    using LOW = Field<CNT, 0, 8, Access::rw, std::uint8_t>;
    using OFFSET = Field<CNT, 32, 16, Access::rw, std::int16_t>;
};
struct TAG : Register<Blk, Reg16{.offset = 0x18}> {};
struct FOREIGN : Register<Other, Reg32{.offset = 0x0}> {};

void use(const Region& region, RegisterBlock<Blk> block, RegisterBlock<Blk, ReadOnlyMmioBus> inspect) {
#if defined(CASE_WRITE_READ_ONLY_FIELD)
    block.modify(CR::VERSION::val<1>());
#elif defined(CASE_READ_WRITE_ONLY_FIELD)
    (void)block.read<CMD::OP>();
#elif defined(CASE_READ_WRITE_ONLY_REGISTER)
    (void)block.read<CMD>();
#elif defined(CASE_CONSTANT_TOO_WIDE)
    block.modify(CR::DIV::val<0x100>());
#elif defined(CASE_NEGATIVE_CONSTANT)
    block.modify(CR::DIV::val<-1>());
#elif defined(CASE_MIX_REGISTERS)
    block.modify(CR::EN::val<1>() | SR::IE::val<1>());
#elif defined(CASE_CLEAR_NON_W1C)
    block.modify(CR::EN::clear());
#elif defined(CASE_SET_NON_W1S)
    block.modify(CR::EN::set());
#elif defined(CASE_VALUE_INTO_W1C)
    block.modify(SR::DONE::val<1>());
#elif defined(CASE_VALUE_INTO_W1S)
    block.modify(SR::KICK::val<1>());
#elif defined(CASE_MODIFY_WRITE_ONLY_REGISTER)
    block.modify(CMD::OP::val<1>());
#elif defined(CASE_WRITE_READ_ONLY_REGISTER)
    block.write<ID>(1u);
#elif defined(CASE_REGISTER_OF_OTHER_BLOCK)
    (void)block.read<FOREIGN>();
#elif defined(CASE_FIELD_BEYOND_WIDTH)
    (void)block.read<Field<CR, 30, 4, Access::rw>>();
#elif defined(CASE_W1C_FIELD_OUTSIDE_MASK)
    block.modify(Field<SR, 8, 1, Access::w1c>::clear());
#elif defined(CASE_W1S_FIELD_OUTSIDE_MASK)
    block.modify(Field<SR, 8, 1, Access::w1s>::set());
#elif defined(CASE_W1C_W1S_OVERLAP)
    (void)block.read<Register<Blk, Reg32{.offset = 0x4, .w1c_mask = 0x3, .w1s_mask = 0x2}>>();
#elif defined(CASE_RW_FIELD_IN_W1C_MASK)
    (void)block.read<Field<SR, 0, 1, Access::rw>>();
#elif defined(CASE_RW_FIELD_IN_W1S_MASK)
    (void)block.read<Field<SR, 1, 1, Access::rw>>();
#elif defined(CASE_REGISTER_ACCESS_W1C)
    (void)block.read<Register<Blk, Reg32{.offset = 0x4, .access = Access::w1c}>>();
#elif defined(CASE_ZERO_WIDTH_FIELD)
    (void)block.read<Field<CR, 4, 0, Access::rw>>();
#elif defined(CASE_NON_INTEGRAL_VALUE_TYPE)
    (void)block.read<Field<CR, 4, 1, Access::rw, float>>();
#elif defined(CASE_REGISTER_MISALIGNED)
    (void)block.read<Register<Blk, Reg32{.offset = 0x2}>>();
#elif defined(CASE_REGISTER_OUTSIDE_BLOCK)
    (void)block.read<Register<Blk, Reg64{.offset = 0x20}>>();
#elif defined(CASE_VALUE_TYPE_NARROWER_THAN_FIELD)
    (void)block.read<Field<CR, 8, 12, Access::rw, std::uint8_t>>();
#elif defined(CASE_SIGNED_CONSTANT_TOO_WIDE)
    block.modify(Field<CR, 8, 4, Access::rw, std::int8_t>::val<8>());
#elif defined(CASE_WRITE_THROUGH_READ_ONLY_MAPPING)
    inspect.write(CR::EN::val<1>());
#elif defined(CASE_ALIGNMENT_NOT_POWER_OF_TWO)
    RegisterBlock<Odd> odd(region);
    (void)odd;
#else
    // The control: every legal operation, on every construct the cases use.
    RegisterBlock<Blk> mapped(region);                   // a block over a window (alignment 8)
    RegisterBlock<Blk, ReadOnlyMmioBus> read_only(region);
    (void)mapped.read<CR>();
    (void)read_only.read<CNT::OFFSET>();
    (void)block.read<CR::EN>();
    (void)block.read<CR::TRIM>();
    (void)block.read<CR::MODE>();
    (void)block.read<CR::LOCK>();
    (void)block.read<CR::VERSION>();
    (void)block.read<ID>();
    (void)block.read<SR::DONE>();
    (void)block.read<SR::KICK>();
    (void)block.read<CNT>();
    (void)block.read<TAG>();
    (void)inspect.read<CR::DIV>();
    (void)inspect.read<SR>();
    // Inline types, as the cases write them, legal here.
    (void)block.read<Register<Blk, Reg32{.offset = 0x4}>>();
    (void)block.read<Register<Blk, Reg64{.offset = 0x18}>>();
    (void)block.read<Field<CR, 28, 4, Access::rw>>();
    (void)block.read<Field<CR, 8, 8, Access::rw, std::uint8_t>>();
    (void)block.read<Field<CR, 8, 4, Access::rw, std::int8_t>>();
    (void)block.read<Field<CR, 4, 1, Access::rw, bool>>();
    (void)block.read<Register<Blk, Reg32{.offset = 0x4, .w1c_mask = 0x1, .w1s_mask = 0x2}>>();
    block.modify(Field<SR, 0, 1, Access::w1c>::clear());
    block.modify(Field<SR, 1, 1, Access::w1s>::set());
    block.modify(Field<CR, 8, 4, Access::rw, std::int8_t>::val<7>());
    block.modify(Field<CR, 8, 4, Access::rw, std::int8_t>::val<-8>());
    // Values: constants and run-time values, unsigned, signed, enum and bool.
    block.write(CR::EN::val<1>() | CR::DIV::val<0xFF>() | CR::TRIM::val<-8>() | CR::MODE::val<Mode::fast>() |
                CR::LOCK::val<true>());
    block.modify(CR::TRIM::val(std::int8_t{-1}) | CR::MODE::val(Mode::slow) | CR::LOCK::val(false) |
                 CR::DIV::val(0x12u));
    block.modify(SR::DONE::clear() | SR::KICK::set() | SR::IE::val(1u));
    block.write(SR::KICK::set());
    block.modify(CNT::LOW::val<0xFF>() | CNT::OFFSET::val<-32768>());
    block.write(CMD::OP::val<0x12>());
    block.write<CR>(0x1234u);
    block.write<CNT>(0x1122334455667788u);
    block.write<TAG>(std::uint16_t{0xBEEF});
    mapped.modify(CR::EN::val<0>());
#endif
}
