// Typed registers and fields. A register is a tag object of a type tied to its block (a layout tag
// with a size); a field is a tag object tied to its register. Mistakes are compile errors: writing a
// read-only field, reading a write-only one, a constant too wide for its field, mixing fields of two
// registers in one write, clearing a field that is not write-1-to-clear or one bit wide.
//
//   struct Pl031 { static constexpr std::size_t size = 0x1000, alignment = 4; };
//   inline constexpr struct CR : uiokit::Register<Pl031, uiokit::Reg32{.offset = 0x0C}> {
//       static constexpr struct START : uiokit::Field<register_type, uiokit::Bits{.msb = 0, .lsb = 0},
//                                                     uiokit::Access::rw, bool> {} START{};
//   } CR{};
//   rtc.modify(CR::START::set());      // one load, one store
//   bool running = rtc.read(CR::START);
//
// `inline constexpr struct X : ... {} X{};` declares the type and its tag object under one name: X in
// an expression is the object (block.read(X)), X:: names the type's members (X::START::set()).
// Inside the register, register_type (its Register<> base) names the register, which is complete
// there; a field or FieldSet of register_type is one of X.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <type_traits>

#include <uiokit/bits.hpp>
#include <uiokit/error.hpp>
#include <uiokit/mmio.hpp>

namespace uiokit {

using bits::Bits;  // a field's bits: Bits{.msb = 5, .lsb = 4}

enum class Access {
    ro,   // read-only: writes are ignored by the device
    wo,   // write-only: reads return nothing meaningful
    rw,   // read-write
    w1c,  // write 1 to clear (status flags): writing 0 does nothing
    w1s,  // write 1 to set: writing 0 does nothing
};

[[nodiscard]] constexpr bool readable(Access a) noexcept { return a != Access::wo; }
[[nodiscard]] constexpr bool writable(Access a) noexcept { return a != Access::ro; }

// What a register is, written with designated initializers; its type gives the width:
//   Register<Pl031, Reg32{.offset = 0x1C, .access = Access::wo}>
template <mmio::Word T>
struct RegisterSpec {
    using value_type = T;
    std::size_t offset = 0;
    T reset = 0;                      // what a write() puts in bits it is not told about
    T w1c_mask = 0;                   // write-1-to-clear bits: never written back as 1 by modify()
    T w1s_mask = 0;                   // write-1-to-set bits: never written back as 1 by modify()
    Access access = Access::rw;       // ro, wo or rw for the register as a whole
    bool read_has_side_effects = false;  // e.g. clear-on-read: tools skip it in dumps
};

using Reg8 = RegisterSpec<std::uint8_t>;
using Reg16 = RegisterSpec<std::uint16_t>;
using Reg32 = RegisterSpec<std::uint32_t>;
using Reg64 = RegisterSpec<std::uint64_t>;

// A register is its block and its spec: types derived from the same Register<> are one register.
template <class Block, RegisterSpec Spec>
struct Register {
    using register_type = Register;
    using block_type = Block;
    using value_type = typename decltype(Spec)::value_type;
    static constexpr std::size_t offset = Spec.offset;
    static constexpr std::size_t width_bytes = sizeof(value_type);
    static constexpr value_type reset = Spec.reset;
    static constexpr value_type w1c_mask = Spec.w1c_mask;
    static constexpr value_type w1s_mask = Spec.w1s_mask;
    static constexpr Access access = Spec.access;
    static constexpr bool read_has_side_effects = Spec.read_has_side_effects;

    static_assert(Spec.offset % sizeof(value_type) == 0, "register offset must be aligned to its width");
    static_assert(Spec.offset <= Block::size && sizeof(value_type) <= Block::size - Spec.offset,
                  "register lies outside its block");
    static_assert((Spec.w1c_mask & Spec.w1s_mask) == 0, "a bit cannot be both W1C and W1S");
    static_assert(Spec.access == Access::ro || Spec.access == Access::wo || Spec.access == Access::rw,
                  "a register's access is ro, wo or rw; W1C/W1S belong to fields and masks");
};

template <class R>
concept RegisterType = requires {
    typename R::register_type;
    typename R::block_type;
    typename R::value_type;
    { R::offset } -> std::convertible_to<std::size_t>;
    { R::w1c_mask } -> std::convertible_to<typename R::value_type>;
};

// One bus write's worth of field values for register R: which bits are given, and their values.
template <RegisterType R>
struct FieldSet {
    using register_type = R;
    typename R::value_type mask = 0;
    typename R::value_type bits = 0;
};

// Fields of the same register combine; fields of different registers do not compile.
template <RegisterType R1, RegisterType R2>
[[nodiscard]] constexpr FieldSet<R1> operator|(FieldSet<R1> a, FieldSet<R2> b) noexcept {
    static_assert(std::is_same_v<R1, R2>, "fields of different registers cannot be combined in one write");
    return {static_cast<typename R1::value_type>(a.mask | b.mask),
            static_cast<typename R1::value_type>(a.bits | b.bits)};
}

namespace detail {
template <class V>
constexpr auto to_raw(V v) noexcept {
    if constexpr (std::is_enum_v<V>)
        return static_cast<std::make_unsigned_t<std::underlying_type_t<V>>>(v);
    else if constexpr (std::is_same_v<V, bool>)
        return static_cast<unsigned>(v);
    else
        return static_cast<std::make_unsigned_t<V>>(v);
}
// The bits a field's value type holds: every field value must be representable.
template <class V>
constexpr unsigned value_bits() noexcept {
    if constexpr (std::is_same_v<V, bool>)
        return 1;
    else if constexpr (std::is_enum_v<V>)
        return std::numeric_limits<std::make_unsigned_t<std::underlying_type_t<V>>>::digits;
    else if constexpr (std::is_integral_v<V>)
        return std::numeric_limits<std::make_unsigned_t<V>>::digits;
    else
        return 0;  // not a value type: the Field's own static_assert says so
}
// A signed integer value type makes a two's-complement field: sign-extended on read.
template <class V>
inline constexpr bool is_signed_value = std::is_integral_v<V> && std::is_signed_v<V>;
[[noreturn]] UIOKIT_EXPORT void throw_field_overflow(std::size_t register_offset, unsigned lsb, unsigned width,
                                                     unsigned long long value);
[[noreturn]] UIOKIT_EXPORT void throw_signed_field_overflow(std::size_t register_offset, unsigned lsb, unsigned width,
                                                            long long value);
}  // namespace detail

// A field of register Reg: bits B (Bits{.msb = high, .lsb = low}, datasheet order), with an access and
// a value type V (an integer, bool or an enum). An enum field lists its values in the derived field
// type (static constexpr std::array values{...}): a read gives std::optional<V>, empty for a bit
// pattern that is none of them.
template <RegisterType Reg, bits::Bits B, Access A, class V = typename Reg::value_type>
struct Field {
    using register_type = typename Reg::register_type;
    using value_type = V;
    using raw_type = typename register_type::value_type;
    static constexpr bits::Bits bit_range = B;
    static constexpr unsigned lsb = B.lsb;
    static constexpr unsigned width = B.msb >= B.lsb ? B.width() : 1;
    static constexpr Access access = A;

private:
    using R = register_type;

public:
    static_assert(B.msb >= B.lsb, "a field's bits are Bits{.msb = high bit, .lsb = low bit}: msb is below lsb");
    static_assert(std::is_integral_v<V> || std::is_enum_v<V>, "a field's value type is an integer, bool or enum");
    static_assert(width <= detail::value_bits<V>(), "the field's value type is narrower than the field");
    static_assert(lsb + width <= std::numeric_limits<raw_type>::digits,
                  "field bits lie beyond the register's width");
    static constexpr raw_type mask = bits::mask<raw_type>(bits::Bits{.msb = lsb + width - 1, .lsb = lsb});
    static_assert(A != Access::w1c || (mask & ~R::w1c_mask) == 0,
                  "a W1C field must lie inside its register's w1c_mask");
    static_assert(A != Access::w1s || (mask & ~R::w1s_mask) == 0,
                  "a W1S field must lie inside its register's w1s_mask");
    static_assert(A == Access::w1c || A == Access::w1s || (mask & (R::w1c_mask | R::w1s_mask)) == 0,
                  "only W1C/W1S fields may overlap the register's w1c_mask/w1s_mask");

    // A constant value: checked at compile time.
    template <V Value>
    [[nodiscard]] static constexpr FieldSet<R> val() noexcept {
        static_assert(A == Access::rw || A == Access::wo,
                      "field is not writable with a value (read-only, or use clear()/set() for W1C/W1S)");
        static_assert(writable(R::access), "register is read-only");
        static_assert(fits(Value), "constant does not fit in the field");
        return {mask, bits_of(Value)};
    }

    // A run-time value: throws RangeError when it does not fit (never truncates).
    [[nodiscard]] static constexpr FieldSet<R> val(V value) {
        static_assert(A == Access::rw || A == Access::wo,
                      "field is not writable with a value (read-only, or use clear()/set() for W1C/W1S)");
        static_assert(writable(R::access), "register is read-only");
        if (!fits(value)) {
            if constexpr (detail::is_signed_value<V>)
                detail::throw_signed_field_overflow(R::offset, lsb, width, static_cast<long long>(value));
            else
                detail::throw_field_overflow(R::offset, lsb, width, static_cast<unsigned long long>(detail::to_raw(value)));
        }
        return {mask, bits_of(value)};
    }

    // Clears the field: writes 0 to a one-bit field, or 1 to the bits of a write-1-to-clear field.
    [[nodiscard]] static constexpr FieldSet<R> clear() noexcept {
        static_assert(A == Access::w1c || ((A == Access::rw || A == Access::wo) && width == 1),
                      "clear() is for one-bit fields and write-1-to-clear fields");
        static_assert(writable(R::access), "register is read-only");
        return {mask, A == Access::w1c ? mask : raw_type{0}};
    }

    // Sets the field: writes 1 to a one-bit field, or to the bits of a write-1-to-set field.
    [[nodiscard]] static constexpr FieldSet<R> set() noexcept {
        static_assert(A == Access::w1s || ((A == Access::rw || A == Access::wo) && width == 1),
                      "set() is for one-bit fields and write-1-to-set fields");
        static_assert(writable(R::access), "register is read-only");
        return {mask, mask};
    }

    // The field's bits in a raw register value, as V: an enum field's pattern unchecked (the
    // register block's and LocalRegisterCopy's read() check it against the field's values).
    [[nodiscard]] static constexpr V get(raw_type raw) noexcept {
        static_assert(readable(A), "field is write-only");
        static_assert(readable(R::access), "register is write-only");
        const raw_type field_bits = bits::extract(bit_range, raw);
        if constexpr (detail::is_signed_value<V>) {
            using U = std::make_unsigned_t<V>;
            auto value = static_cast<U>(field_bits);
            if (width < detail::value_bits<V>() && ((value >> (width - 1)) & 1U) != 0)
                value = static_cast<U>(value | static_cast<U>(~bits::ones<U>(width)));
            return static_cast<V>(value);  // two's complement (C++20)
        } else {
            return static_cast<V>(field_bits);
        }
    }

private:
    // Unsigned, bool and enum values: 0 .. 2^width - 1. Signed: -2^(width-1) .. 2^(width-1) - 1.
    static constexpr bool fits(V value) noexcept {
        if constexpr (detail::is_signed_value<V>) {
            if constexpr (width >= detail::value_bits<V>()) return true;
            else {
                const auto limit = static_cast<long long>(1) << (width - 1);
                return value >= -limit && value < limit;
            }
        } else {
            return bits::fits(bit_range, detail::to_raw(value));
        }
    }
    // The value's bits in bit_range: a negative value keeps only its low width bits.
    static constexpr raw_type bits_of(V value) noexcept {
        return bits::prepare(bit_range, static_cast<raw_type>(detail::to_raw(value)));
    }
};

template <class F>
concept FieldType = RegisterType<typename F::register_type> && requires {
    { F::mask } -> std::convertible_to<typename F::raw_type>;
    { F::lsb } -> std::convertible_to<unsigned>;
    { F::bit_range } -> std::convertible_to<bits::Bits>;
};

namespace detail {
// A field's value in a raw register value, as read() returns it: an enum field's bit pattern is
// checked against the values the field lists (std::nullopt for any other), never cast blindly.
template <FieldType F>
[[nodiscard]] constexpr auto field_value(typename F::raw_type raw) noexcept {
    using V = typename F::value_type;
    if constexpr (std::is_enum_v<V>) {
        static_assert(requires { F::values; },
                      "an enum field lists its values: static constexpr std::array values{...} in the field type");
        const V value = F::get(raw);
        for (const V listed : F::values)
            if (listed == value) return std::optional<V>{value};
        return std::optional<V>{};
    } else {
        return F::get(raw);
    }
}
}  // namespace detail

// One register's value, read once and then queried field by field, or changed locally and written
// back with one store (tock-registers' LocalRegisterCopy).
template <RegisterType Reg>
class LocalRegisterCopy {
public:
    using register_type = typename Reg::register_type;
    using value_type = typename register_type::value_type;

    constexpr LocalRegisterCopy() noexcept = default;
    constexpr explicit LocalRegisterCopy(value_type raw) noexcept : raw_(raw) {}

    [[nodiscard]] constexpr value_type raw() const noexcept { return raw_; }

    template <FieldType F>
    [[nodiscard]] constexpr auto read(F /*field*/) const noexcept {
        check_field<F>();
        return detail::field_value<F>(raw_);
    }
    // Whether any bit of the field is 1.
    template <FieldType F>
    [[nodiscard]] constexpr bool is_set(F /*field*/) const noexcept {
        check_field<F>();
        return (raw_ & F::mask) != 0;
    }
    // Whether every given field holds the given value.
    [[nodiscard]] constexpr bool matches_all(FieldSet<register_type> fields) const noexcept {
        return (raw_ & fields.mask) == fields.bits;
    }
    // This value with the given fields changed, by modify()'s rules (W1C/W1S bits not given are 0).
    [[nodiscard]] constexpr LocalRegisterCopy modified(FieldSet<register_type> fields) const noexcept {
        return LocalRegisterCopy{bits::update<value_type>(raw_, fields.mask, fields.bits, register_type::w1c_mask,
                                                           register_type::w1s_mask)};
    }

    friend constexpr bool operator==(LocalRegisterCopy, LocalRegisterCopy) noexcept = default;

private:
    template <class F>
    static constexpr void check_field() noexcept {
        static_assert(std::is_same_v<typename F::register_type, register_type>, "field belongs to a different register");
    }
    value_type raw_ = 0;
};

}  // namespace uiokit
