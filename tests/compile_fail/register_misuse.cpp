// Each CASE_* must fail to compile with the diagnostic named in CMakeLists.txt; with no CASE_*
// defined (the control) everything here must compile.
#include <uiokit/register_block.hpp>

using namespace uiokit;

struct Blk {
    static constexpr std::size_t size = 0x10;
};
struct Other {
    static constexpr std::size_t size = 0x10;
};
struct CR : Register<Blk, Reg32{.offset = 0x0}> {
    using EN = Field<CR, 0, 1, Access::rw>;
    using DIV = Field<CR, 8, 8, Access::rw>;
    using VERSION = Field<CR, 28, 4, Access::ro>;
};
struct SR : Register<Blk, Reg32{.offset = 0x4, .w1c_mask = 0x1}> {
    using DONE = Field<SR, 0, 1, Access::w1c>;
    using IE = Field<SR, 4, 1, Access::rw>;
};
struct CMD : Register<Blk, Reg32{.offset = 0x8, .access = Access::wo}> {
    using OP = Field<CMD, 0, 8, Access::wo>;
};
struct ID : Register<Blk, Reg32{.offset = 0xC, .access = Access::ro}> {};
struct FOREIGN : Register<Other, Reg32{.offset = 0x0}> {};

void use(RegisterBlock<Blk> block, RegisterBlock<Blk, ReadOnlyMmioBus> inspect) {
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
#elif defined(CASE_VALUE_INTO_W1C)
    block.modify(SR::DONE::val<1>());
#elif defined(CASE_MODIFY_WRITE_ONLY_REGISTER)
    block.modify(CMD::OP::val<1>());
#elif defined(CASE_WRITE_READ_ONLY_REGISTER)
    block.write<ID>(1u);
#elif defined(CASE_REGISTER_OF_OTHER_BLOCK)
    (void)block.read<FOREIGN>();
#elif defined(CASE_FIELD_BEYOND_WIDTH)
    (void)block.read<Field<CR, 30, 4, Access::rw>>();
#elif defined(CASE_W1C_FIELD_OUTSIDE_MASK)
    block.modify(Field<SR, 1, 1, Access::w1c>::clear());
#elif defined(CASE_REGISTER_MISALIGNED)
    (void)block.read<Register<Blk, Reg32{.offset = 0x2}>>();
#elif defined(CASE_REGISTER_OUTSIDE_BLOCK)
    (void)block.read<Register<Blk, Reg64{.offset = 0x10}>>();
#elif defined(CASE_VALUE_TYPE_NARROWER_THAN_FIELD)
    (void)block.read<Field<CR, 8, 12, Access::rw, std::uint8_t>>();
#elif defined(CASE_SIGNED_CONSTANT_TOO_WIDE)
    block.modify(Field<CR, 8, 4, Access::rw, std::int8_t>::val<8>());
#elif defined(CASE_WRITE_THROUGH_READ_ONLY_MAPPING)
    inspect.write(CR::EN::val<1>());
#else
    // The control: every legal operation.
    (void)block.read<CR::EN>();
    (void)block.read<ID>();
    (void)inspect.read<CR::DIV>();
    block.write(CR::EN::val<1>() | CR::DIV::val<0xFF>());
    block.modify(SR::DONE::clear() | SR::IE::val(1u));
    block.write(CMD::OP::val<0x12>());
    block.write<CR>(0x1234u);
#endif
}
