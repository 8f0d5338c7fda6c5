// Typed registers over a RecordingBus: exactly which accesses each operation makes.
#include <catch2/catch.hpp>

#include <uiokit/recording_bus.hpp>
#include <uiokit/register_block.hpp>

using namespace uiokit;
using Kind = RecordingBus::Access::Kind;

namespace {

struct Ctrl {
    static constexpr std::size_t size = 0x20;
};

enum class Mode : std::uint8_t { off = 0, slow = 1, fast = 2, turbo = 3 };

// A control register with a reset value; a status register with W1C flags and a W1S bit;
// a write-only command register.
struct CR : Register<Ctrl, Reg32{.offset = 0x00, .reset = 0x0000'0100}> {
    using EN = Field<CR, 0, 1, Access::rw, bool>;
    using MODE = Field<CR, 4, 2, Access::rw, Mode>;
    using DIV = Field<CR, 8, 8, Access::rw>;
    using VERSION = Field<CR, 28, 4, Access::ro>;
};
struct SR : Register<Ctrl, Reg32{.offset = 0x04, .w1c_mask = 0x3, .w1s_mask = 0x100}> {
    using DONE = Field<SR, 0, 1, Access::w1c>;
    using ERR = Field<SR, 1, 1, Access::w1c>;
    using IE = Field<SR, 4, 1, Access::rw>;
    using SOFT_IRQ = Field<SR, 8, 1, Access::w1s>;
};
struct CMD : Register<Ctrl, Reg16{.offset = 0x08, .access = Access::wo}> {
    using OP = Field<CMD, 0, 8, Access::wo>;
};
struct COUNT : Register<Ctrl, Reg64{.offset = 0x10, .access = Access::ro, .read_has_side_effects = true}> {};

using Block = RegisterBlock<Ctrl, RecordingBus&>;

}  // namespace

TEST_CASE("read of a field is one load of its register") {
    RecordingBus bus(Ctrl::size);
    bus.poke<std::uint32_t>(0x00, 0x3000'0A21);
    Block block(bus);
    CHECK(block.read<CR::EN>() == true);
    CHECK(block.read<CR::MODE>() == Mode::fast);
    CHECK(block.read<CR::DIV>() == 0x0A);
    CHECK(block.read<CR::VERSION>() == 3);
    CHECK(block.read<CR>() == 0x3000'0A21);
    REQUIRE(bus.log().size() == 5);
    for (const auto& access : bus.log()) {
        CHECK(access.kind == Kind::read);
        CHECK(access.offset == 0);
        CHECK(access.width == 4);
    }
    CHECK(block.read<COUNT>() == 0);
    CHECK(bus.log().back().width == 8);
}

TEST_CASE("write is one store: given fields, reset value elsewhere, W1C/W1S bits 0") {
    RecordingBus bus(Ctrl::size);
    Block block(bus);
    block.write(CR::EN::val<true>() | CR::MODE::val<Mode::slow>());
    REQUIRE(bus.log().size() == 1);
    CHECK(bus.log()[0] == RecordingBus::Access{Kind::write, 0x00, 4, 0x0000'0111});  // DIV kept its reset 0x01

    bus.clear_log();
    block.write(SR::IE::val(1));
    CHECK(bus.log() == std::vector<RecordingBus::Access>{{Kind::write, 0x04, 4, 0x10}});

    bus.clear_log();
    block.write(CMD::OP::val<0x5A>());
    CHECK(bus.log() == std::vector<RecordingBus::Access>{{Kind::write, 0x08, 2, 0x5A}});
}

TEST_CASE("modify is one load and one store, and never acknowledges a pending W1C flag") {
    RecordingBus bus(Ctrl::size);
    Block block(bus);
    bus.poke<std::uint32_t>(0x04, 0x0000'0113);  // DONE and ERR pending, IE clear, SOFT_IRQ reads 1

    block.modify(SR::IE::val(1));
    REQUIRE(bus.log().size() == 2);
    CHECK(bus.log()[0] == RecordingBus::Access{Kind::read, 0x04, 4, 0x113});
    // W1C flags and the W1S bit are written as 0: nothing cleared, nothing set by accident.
    CHECK(bus.log()[1] == RecordingBus::Access{Kind::write, 0x04, 4, 0x10});

    bus.clear_log();
    bus.poke<std::uint32_t>(0x04, 0x0000'0013);
    block.modify(SR::DONE::clear() | SR::IE::val(0));  // clear only DONE
    CHECK(bus.log()[1] == RecordingBus::Access{Kind::write, 0x04, 4, 0x01});

    bus.clear_log();
    block.modify(SR::SOFT_IRQ::set());
    CHECK(bus.log()[1].value == 0x100);
}

TEST_CASE("modify keeps other fields and always stores, even when nothing changes") {
    RecordingBus bus(Ctrl::size);
    Block block(bus);
    bus.poke<std::uint32_t>(0x00, 0x3000'0A21);
    block.modify(CR::DIV::val(0x7F));
    CHECK(bus.peek<std::uint32_t>(0x00) == 0x3000'7F21);
    bus.clear_log();
    block.modify(CR::DIV::val(0x7F));
    CHECK(bus.log().size() == 2);
    CHECK(bus.log()[1].kind == Kind::write);
}

TEST_CASE("a run-time value too wide for its field throws and writes nothing") {
    RecordingBus bus(Ctrl::size);
    Block block(bus);
    CHECK_THROWS_WITH(block.modify(CR::DIV::val(0x100)),
                      Catch::Contains("0x100") && Catch::Contains("8-bit field at bits 15:8"));
    CHECK(bus.log().empty());
    CHECK_THROWS_AS(CR::MODE::val(static_cast<Mode>(7)), RangeError);
}

TEST_CASE("a signed field is two's complement: sign-extended on read, range-checked on write") {
    // A 4-bit trim at bits 15:12 and a full 32-bit signed register, beside the ordinary fields.
    using TRIM = Field<CR, 12, 4, Access::rw, std::int8_t>;
    using WHOLE = Field<CR, 0, 32, Access::rw, std::int32_t>;
    RecordingBus bus(Ctrl::size);
    Block block(bus);
    bus.poke<std::uint32_t>(0x00, 0x0000'F100);
    CHECK(block.read<TRIM>() == -1);
    bus.poke<std::uint32_t>(0x00, 0x0000'8100);
    CHECK(block.read<TRIM>() == -8);
    bus.poke<std::uint32_t>(0x00, 0x0000'7100);
    CHECK(block.read<TRIM>() == 7);

    block.modify(TRIM::val(-3));  // 0b1101, the other bits kept
    CHECK(bus.peek<std::uint32_t>(0x00) == 0x0000'D100);
    STATIC_REQUIRE(TRIM::val<-8>().bits == 0x8000u);
    STATIC_REQUIRE(TRIM::val<7>().bits == 0x7000u);
    bus.clear_log();
    CHECK_THROWS_AS(TRIM::val(8), RangeError);
    CHECK_THROWS_WITH(TRIM::val(-9), Catch::Contains("value -9 does not fit in the 4-bit signed field") &&
                                         Catch::Contains("(-8 to 7)"));
    CHECK(bus.log().empty());

    bus.poke<std::uint32_t>(0x00, 0xFFFF'FFFE);
    CHECK(block.read<WHOLE>() == -2);
    block.write(WHOLE::val(std::numeric_limits<std::int32_t>::min()));
    CHECK(bus.peek<std::uint32_t>(0x00) == 0x8000'0000u);
}

TEST_CASE("field masks and compile-time values") {
    STATIC_REQUIRE(CR::DIV::mask == 0xFF00u);
    STATIC_REQUIRE(CR::MODE::mask == 0x30u);
    STATIC_REQUIRE(CR::VERSION::mask == 0xF000'0000u);
    STATIC_REQUIRE(CR::MODE::val<Mode::turbo>().bits == 0x30u);
    STATIC_REQUIRE((CR::EN::val<true>() | CR::DIV::val<2>()).mask == 0xFF01u);
    STATIC_REQUIRE(Field<COUNT, 0, 64, Access::ro>::mask == ~std::uint64_t{0});
    STATIC_REQUIRE(COUNT::read_has_side_effects);
}
