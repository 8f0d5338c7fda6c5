// Typed registers and fields. A register is a type tied to its block (a layout tag with a size);
// a field is a type tied to its register. Mistakes are compile errors: writing a read-only field,
// reading a write-only one, a constant too wide for its field, mixing fields of two registers in
// one write, clearing a field that is not write-1-to-clear.
//
//   struct Pl031 { static constexpr std::size_t size = 0x1000, alignment = 4; };
//   struct CR : uiokit::Register<Pl031, uiokit::Reg32{.offset = 0x0C}> {
//       using START = uiokit::Field<CR, 0, 1, uiokit::Access::rw>;
//   };
//   rtc.modify(CR::START::val<1>());   // one load, one store
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include <uiokit/bits.hpp>
#include <uiokit/error.hpp>
#include <uiokit/mmio.hpp>

namespace uiokit {

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

template <class Block, RegisterSpec Spec>
struct Register {
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
template <RegisterType R>
[[nodiscard]] constexpr FieldSet<R> operator|(FieldSet<R> a, FieldSet<R> b) noexcept {
    return {static_cast<typename R::value_type>(a.mask | b.mask),
            static_cast<typename R::value_type>(a.bits | b.bits)};
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

// A field of register R: bits [Lsb, Lsb + Width), with an access and a value type V (an integer, bool
// or an enum).
template <RegisterType R, unsigned Lsb, unsigned Width, Access A, class V = typename R::value_type>
struct Field {
    using register_type = R;
    using value_type = V;
    using raw_type = typename R::value_type;
    static constexpr unsigned lsb = Lsb;
    static constexpr unsigned width = Width;
    static constexpr Access access = A;
    static constexpr bits::Bits bit_range{.msb = Lsb + Width - 1, .lsb = Lsb};

    static_assert(Width >= 1, "a field has at least one bit");
    static_assert(std::is_integral_v<V> || std::is_enum_v<V>, "a field's value type is an integer, bool or enum");
    static_assert(Width <= detail::value_bits<V>(), "the field's value type is narrower than the field");
    static_assert(Lsb + Width <= std::numeric_limits<raw_type>::digits,
                  "field bits lie beyond the register's width");
    static constexpr raw_type mask = bits::mask<raw_type>(bit_range);
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
                detail::throw_signed_field_overflow(R::offset, Lsb, Width, static_cast<long long>(value));
            else
                detail::throw_field_overflow(R::offset, Lsb, Width, static_cast<unsigned long long>(detail::to_raw(value)));
        }
        return {mask, bits_of(value)};
    }

    // Write 1 to the bits of a W1C field, clearing them.
    [[nodiscard]] static constexpr FieldSet<R> clear() noexcept {
        static_assert(A == Access::w1c, "clear() is only for write-1-to-clear fields");
        static_assert(writable(R::access), "register is read-only");
        return {mask, mask};
    }

    // Write 1 to the bits of a W1S field, setting them.
    [[nodiscard]] static constexpr FieldSet<R> set() noexcept {
        static_assert(A == Access::w1s, "set() is only for write-1-to-set fields");
        static_assert(writable(R::access), "register is read-only");
        return {mask, mask};
    }

    // The field's value in a raw register value.
    [[nodiscard]] static constexpr V get(raw_type raw) noexcept {
        static_assert(readable(A), "field is write-only");
        static_assert(readable(R::access), "register is write-only");
        const raw_type field_bits = bits::extract(bit_range, raw);
        if constexpr (detail::is_signed_value<V>) {
            using U = std::make_unsigned_t<V>;
            auto value = static_cast<U>(field_bits);
            if (Width < detail::value_bits<V>() && ((value >> (Width - 1)) & 1U) != 0)
                value = static_cast<U>(value | static_cast<U>(~bits::ones<U>(Width)));
            return static_cast<V>(value);  // two's complement (C++20)
        } else {
            return static_cast<V>(field_bits);
        }
    }

private:
    // Unsigned, bool and enum values: 0 .. 2^Width - 1. Signed: -2^(Width-1) .. 2^(Width-1) - 1.
    static constexpr bool fits(V value) noexcept {
        if constexpr (detail::is_signed_value<V>) {
            if constexpr (Width >= detail::value_bits<V>()) return true;
            else {
                const auto limit = static_cast<long long>(1) << (Width - 1);
                return value >= -limit && value < limit;
            }
        } else {
            return bits::fits(bit_range, detail::to_raw(value));
        }
    }
    // The value's bits in bit_range: a negative value keeps only its low Width bits.
    static constexpr raw_type bits_of(V value) noexcept {
        return bits::prepare(bit_range, static_cast<raw_type>(detail::to_raw(value)));
    }
};

template <class F>
concept FieldType = RegisterType<typename F::register_type> && requires {
    { F::mask } -> std::convertible_to<typename F::raw_type>;
    { F::lsb } -> std::convertible_to<unsigned>;
};

}  // namespace uiokit
