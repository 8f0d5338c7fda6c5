// Register bit rules, defined once: field masks, placing and extracting field values, and the
// write-1-to-clear/set-safe merge of a read-modify-write (Linux's FIELD_PREP/FIELD_GET and
// regmap_update_bits()). Typed registers (register.hpp, register_block.hpp), the register-map
// library and regtool all use these, so a field means the same bits everywhere.
//
//   constexpr uiokit::bits::Bits mode{.msb = 5, .lsb = 4};   // datasheet order: high bit first
//   uiokit::bits::prepare(mode, 2u)      == 0x20
//   uiokit::bits::extract(mode, 0x2Fu)   == 2
#pragma once

#include <concepts>
#include <cstdint>
#include <limits>

namespace uiokit::bits {

// Bits msb down to lsb, inclusive. Named members, so msb and lsb cannot be swapped unseen.
struct Bits {
    unsigned msb = 0;
    unsigned lsb = 0;

    [[nodiscard]] constexpr unsigned width() const noexcept { return msb - lsb + 1; }
    friend constexpr bool operator==(Bits, Bits) noexcept = default;
};

// The low `width` bits set; all of T at width >= T's digits (a plain shift by 64 is undefined).
template <std::unsigned_integral T = std::uint64_t>
[[nodiscard]] constexpr T ones(unsigned width) noexcept {
    return width >= std::numeric_limits<T>::digits ? std::numeric_limits<T>::max()
                                                    : static_cast<T>((T{1} << width) - 1);
}

// The field's bits in register position. Needs lsb <= msb < T's digits (a constant expression
// that breaks this does not compile).
template <std::unsigned_integral T = std::uint64_t>
[[nodiscard]] constexpr T mask(Bits field) noexcept {
    return static_cast<T>(ones<T>(field.width()) << field.lsb);
}

// Whether a value fits in the field without losing bits.
template <std::unsigned_integral T>
[[nodiscard]] constexpr bool fits(Bits field, T value) noexcept {
    return value <= ones<T>(field.width());
}

// The value shifted into the field's place; bits beyond the field's width are dropped (check
// fits() first where that must be an error).
template <std::unsigned_integral T>
[[nodiscard]] constexpr T prepare(Bits field, T value) noexcept {
    return static_cast<T>(static_cast<T>(value & ones<T>(field.width())) << field.lsb);
}

// The field's value in a raw register value.
template <std::unsigned_integral T>
[[nodiscard]] constexpr T extract(Bits field, T raw) noexcept {
    return static_cast<T>((raw & mask<T>(field)) >> field.lsb);
}

// The value to write to change the `mask` bits of a register holding `old` to `value` (in register
// position): other bits keep their value, except W1C and W1S bits outside `mask`, written as 0 so
// that a pending flag is not acknowledged, nor an action triggered, by accident. For a write
// without a read, `old` is the register's reset value.
template <std::unsigned_integral T>
[[nodiscard]] constexpr T update(T old, T mask, T value, T w1c_mask = 0, T w1s_mask = 0) noexcept {
    return static_cast<T>((old & static_cast<T>(~(mask | w1c_mask | w1s_mask))) | (value & mask));
}

}  // namespace uiokit::bits
