// Typed registers over a RecordingBus: exactly which accesses each operation makes.
#include <catch2/catch.hpp>

#include <array>
#include <optional>

#include <uiokit/recording_bus.hpp>
#include <uiokit/register_block.hpp>

using namespace uiokit;
using Kind = RecordingBus::Access::Kind;

namespace {

struct Ctrl {
    static constexpr std::size_t size = 0x20;
};

enum class Mode : std::uint8_t { off = 0, slow = 1, fast = 2 };

// A control register with a reset value; a status register with W1C flags and a W1S bit;
// a write-only command register. Declared as the generator declares them: a type and its tag
// object under one name.
constexpr struct CR : Register<Ctrl, Reg32{.offset = 0x00, .reset = 0x0000'0100}> {
    static constexpr struct EN : Field<register_type, Bits{.msb = 0, .lsb = 0}, Access::rw, bool> {} EN{};
    // Three of the four patterns are modes; 0b11 is none of them.
    static constexpr struct MODE : Field<register_type, Bits{.msb = 5, .lsb = 4}, Access::rw, Mode> {
        static constexpr std::array values{Mode::off, Mode::slow, Mode::fast};
        static constexpr auto fast = val<Mode::fast>();
    } MODE{};
    static constexpr struct DIV : Field<register_type, Bits{.msb = 15, .lsb = 8}, Access::rw> {} DIV{};
    static constexpr struct VERSION : Field<register_type, Bits{.msb = 31, .lsb = 28}, Access::ro> {} VERSION{};
} CR{};
constexpr struct SR : Register<Ctrl, Reg32{.offset = 0x04, .w1c_mask = 0x3, .w1s_mask = 0x100}> {
    static constexpr struct DONE : Field<register_type, Bits{.msb = 0, .lsb = 0}, Access::w1c> {} DONE{};
    static constexpr struct ERR : Field<register_type, Bits{.msb = 1, .lsb = 1}, Access::w1c> {} ERR{};
    static constexpr struct IE : Field<register_type, Bits{.msb = 4, .lsb = 4}, Access::rw> {} IE{};
    static constexpr struct SOFT_IRQ : Field<register_type, Bits{.msb = 8, .lsb = 8}, Access::w1s> {} SOFT_IRQ{};
} SR{};
constexpr struct CMD : Register<Ctrl, Reg16{.offset = 0x08, .access = Access::wo}> {
    static constexpr struct OP : Field<register_type, Bits{.msb = 7, .lsb = 0}, Access::wo> {} OP{};
} CMD{};
constexpr struct COUNT : Register<Ctrl, Reg64{.offset = 0x10, .access = Access::ro, .read_has_side_effects = true}> {
} COUNT{};

using Block = RegisterBlock<Ctrl, RecordingBus&>;

}  // namespace

TEST_CASE("read of a field is one load of its register") {
    RecordingBus bus(Ctrl::size);
    bus.poke<std::uint32_t>(0x00, 0x3000'0A21);
    Block block(bus);
    CHECK(block.read(CR::EN) == true);
    CHECK(block.read(CR::MODE) == Mode::fast);
    CHECK(block.read(CR::DIV) == 0x0A);
    CHECK(block.read(CR::VERSION) == 3);
    CHECK(block.read(CR) == 0x3000'0A21);
    REQUIRE(bus.log().size() == 5);
    for (const auto& access : bus.log()) {
        CHECK(access.kind == Kind::read);
        CHECK(access.offset == 0);
        CHECK(access.width == 4);
    }
    CHECK(block.read(COUNT) == 0);
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
    using TRIM = Field<decltype(CR), Bits{.msb = 15, .lsb = 12}, Access::rw, std::int8_t>;
    using WHOLE = Field<decltype(CR), Bits{.msb = 31, .lsb = 0}, Access::rw, std::int32_t>;
    RecordingBus bus(Ctrl::size);
    Block block(bus);
    bus.poke<std::uint32_t>(0x00, 0x0000'F100);
    CHECK(block.read(TRIM{}) == -1);
    bus.poke<std::uint32_t>(0x00, 0x0000'8100);
    CHECK(block.read(TRIM{}) == -8);
    bus.poke<std::uint32_t>(0x00, 0x0000'7100);
    CHECK(block.read(TRIM{}) == 7);

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
    CHECK(block.read(WHOLE{}) == -2);
    block.write(WHOLE::val(std::numeric_limits<std::int32_t>::min()));
    CHECK(bus.peek<std::uint32_t>(0x00) == 0x8000'0000u);
}

TEST_CASE("field masks and compile-time values") {
    STATIC_REQUIRE(CR::DIV::mask == 0xFF00u);
    STATIC_REQUIRE(CR::MODE::mask == 0x30u);
    STATIC_REQUIRE(CR::VERSION::mask == 0xF000'0000u);
    STATIC_REQUIRE(CR::MODE::val<Mode::fast>().bits == 0x20u);
    STATIC_REQUIRE(CR::MODE::fast.bits == 0x20u && CR::MODE::fast.mask == 0x30u);
    STATIC_REQUIRE(CR::MODE::bit_range == Bits{.msb = 5, .lsb = 4});
    STATIC_REQUIRE(CR::MODE::lsb == 4 && CR::MODE::width == 2);
    STATIC_REQUIRE((CR::EN::val<true>() | CR::DIV::val<2>()).mask == 0xFF01u);
    STATIC_REQUIRE(Field<decltype(COUNT), Bits{.msb = 63, .lsb = 0}, Access::ro>::mask == ~std::uint64_t{0});
    STATIC_REQUIRE(COUNT::read_has_side_effects);
}

TEST_CASE("one-bit fields are set and cleared by name, as W1C and W1S fields are") {
    RecordingBus bus(Ctrl::size);
    Block block(bus);
    bus.poke<std::uint32_t>(0x00, 0x0000'0A20);
    block.modify(CR::EN::set());
    CHECK(bus.peek<std::uint32_t>(0x00) == 0x0000'0A21);
    block.modify(CR::EN::clear());
    CHECK(bus.peek<std::uint32_t>(0x00) == 0x0000'0A20);
    STATIC_REQUIRE(SR::IE::set().bits == 0x10u && SR::IE::clear().bits == 0 && SR::IE::clear().mask == 0x10u);
    // W1C clear() writes 1, W1S set() writes 1: the bit's meaning, not its value.
    STATIC_REQUIRE(SR::DONE::clear().bits == 0x1u && SR::SOFT_IRQ::set().bits == 0x100u);
}

TEST_CASE("an enum field reads as one of its values or as std::nullopt, never a cast of any pattern") {
    RecordingBus bus(Ctrl::size);
    Block block(bus);
    STATIC_REQUIRE(std::is_same_v<decltype(block.read(CR::MODE)), std::optional<Mode>>);
    bus.poke<std::uint32_t>(0x00, 0x10);
    CHECK(block.read(CR::MODE) == Mode::slow);
    bus.poke<std::uint32_t>(0x00, 0x30);  // 0b11: no Mode
    CHECK_FALSE(block.read(CR::MODE).has_value());
    block.write(CR::MODE::fast);
    CHECK(bus.peek<std::uint32_t>(0x00) == 0x0000'0120);  // DIV at its reset 0x01
}

TEST_CASE("a snapshot is one load, then any number of field queries and one store back") {
    RecordingBus bus(Ctrl::size);
    Block block(bus);
    bus.poke<std::uint32_t>(0x04, 0x0000'0112);  // ERR pending, IE set, SOFT_IRQ reads 1
    const LocalRegisterCopy status = block.snapshot(SR);
    CHECK(bus.log().size() == 1);
    CHECK(status.raw() == 0x112u);
    CHECK(status.is_set(SR::ERR));
    CHECK_FALSE(status.is_set(SR::DONE));
    CHECK(status.read(SR::IE) == 1);
    CHECK(status.matches_all(SR::IE::set()));
    CHECK_FALSE(status.matches_all(SR::IE::clear()));
    CHECK(bus.log().size() == 1);  // the queries touch the copy, not the device

    // Changed locally by modify()'s rules: the pending ERR and the W1S bit go back as 0.
    block.write(status.modified(SR::IE::clear()));
    REQUIRE(bus.log().size() == 2);
    CHECK(bus.log()[1] == RecordingBus::Access{Kind::write, 0x04, 4, 0x0});

    bus.poke<std::uint32_t>(0x00, 0x30);
    CHECK_FALSE(block.snapshot(CR).read(CR::MODE).has_value());
}
