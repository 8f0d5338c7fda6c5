// A register block binds a layout's typed registers to a bus: a mapped window (MmioBus, the default)
// or, in tests, a RecordingBus that keeps every access. Each operation is the fewest bus accesses it
// can be: read = one load, write = one store, modify = one load and one store.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <uiokit/bits.hpp>
#include <uiokit/error.hpp>
#include <uiokit/mmio.hpp>
#include <uiokit/region.hpp>
#include <uiokit/register.hpp>

namespace uiokit {

// The bus behind a mapped window: just the base address, so a block passed by value lives in a
// register and an access is a single instruction.
struct MmioBus {
    volatile std::byte* base = nullptr;

    template <mmio::Word T>
    [[nodiscard]] T read(std::size_t offset) const noexcept {
        return mmio::load<T>(base + offset);
    }
    template <mmio::Word T>
    void write(std::size_t offset, T value) const noexcept {
        mmio::store<T>(base + offset, value);
    }
};

// The bus behind a window mapped read-only (OpenOptions::writable false): writes do not compile.
struct ReadOnlyMmioBus {
    const volatile std::byte* base = nullptr;

    template <mmio::Word T>
    [[nodiscard]] T read(std::size_t offset) const noexcept {
        return mmio::load<T>(base + offset);
    }
};

template <class Bus>
concept MappedBus = std::same_as<Bus, MmioBus> || std::same_as<Bus, ReadOnlyMmioBus>;

namespace detail {
[[noreturn]] UIOKIT_EXPORT void throw_block_too_small(const Region& region, std::size_t needed);
[[noreturn]] UIOKIT_EXPORT void throw_block_read_only(const Region& region);
[[noreturn]] UIOKIT_EXPORT void throw_block_misaligned(const Region& region, std::size_t alignment);

// The address alignment a layout's registers need, checked once over a mapped window: what
// Layout::alignment says (uiokit-regmap-gen writes its widest register's width), else none.
template <class Layout>
constexpr std::size_t block_alignment() noexcept {
    if constexpr (requires { Layout::alignment; })
        return Layout::alignment;
    else
        return 1;
}
}  // namespace detail

// Layout: a tag type with `static constexpr std::size_t size`, the extent of the block's registers,
// and optionally `static constexpr std::size_t alignment`, the widest register's width in bytes.
template <class Layout, class Bus = MmioBus>
class RegisterBlock {
public:
    using layout_type = Layout;

    // Over a mapped window: checks once that the window holds the whole layout at an aligned address
    // (and, for MmioBus, that it is writable), so the accesses below need no checks.
    explicit RegisterBlock(const Region& region)
        requires MappedBus<Bus>
        : bus_{region.base()} {
        static_assert(std::has_single_bit(detail::block_alignment<Layout>()), "a layout's alignment is a power of two");
        if (region.size() < Layout::size) detail::throw_block_too_small(region, Layout::size);
        if (reinterpret_cast<std::uintptr_t>(region.base()) % detail::block_alignment<Layout>() != 0)
            detail::throw_block_misaligned(region, detail::block_alignment<Layout>());
        if (std::same_as<Bus, MmioBus> && !region.writable()) detail::throw_block_read_only(region);
    }

    // Over any other bus (e.g. RecordingBus&), which is trusted to be large enough.
    explicit RegisterBlock(Bus bus)
        requires(!MappedBus<Bus>)
        : bus_(static_cast<Bus>(bus)) {}

    // The whole register, raw: one load.
    template <RegisterType R>
    [[nodiscard]] typename R::value_type read(R /*reg*/) const {
        check_block<R>();
        static_assert(readable(R::access), "register is write-only");
        return bus_.template read<typename R::value_type>(R::offset);
    }

    // One field: one load of its register. An enum field gives std::optional (empty for a bit
    // pattern that is none of the field's values).
    template <FieldType F>
    [[nodiscard]] auto read(F /*field*/) const {
        using R = typename F::register_type;
        check_block<R>();
        static_assert(readable(F::access), "field is write-only");
        static_assert(readable(R::access), "register is write-only");
        return detail::field_value<F>(bus_.template read<typename R::value_type>(R::offset));
    }

    // The whole register, read once (one load) to query several fields.
    template <RegisterType R>
    [[nodiscard]] LocalRegisterCopy<R> snapshot(R reg) const {
        return LocalRegisterCopy<R>{read(reg)};
    }

    // One store of a raw value.
    template <RegisterType R>
    void write(R /*reg*/, typename R::value_type raw) {
        check_block<R>();
        static_assert(writable(R::access), "register is read-only");
        static_assert(!std::same_as<Bus, ReadOnlyMmioBus>, "register block is mapped read-only");
        bus_.template write<typename R::value_type>(R::offset, raw);
    }

    // One store of a local copy's value (e.g. snapshot(R).modified(...)).
    template <RegisterType R>
    void write(LocalRegisterCopy<R> value) {
        write(typename LocalRegisterCopy<R>::register_type{}, value.raw());
    }

    // One store: the given fields, every other bit at its reset value, except W1C/W1S bits, which
    // are 0 unless cleared or set here.
    template <RegisterType R>
    void write(FieldSet<R> fields) {
        check_block<R>();
        static_assert(writable(R::access), "register is read-only");
        static_assert(!std::same_as<Bus, ReadOnlyMmioBus>, "register block is mapped read-only");
        using T = typename R::value_type;
        bus_.template write<T>(R::offset, bits::update<T>(R::reset, fields.mask, fields.bits, R::w1c_mask, R::w1s_mask));
    }

    // One load and one store. Bits outside the given fields keep their value, except W1C/W1S bits,
    // which are written as 0 unless cleared or set here: a pending status flag is never
    // acknowledged by accident. Always stores, even when nothing changes (a W1C clear must reach
    // the device). Not atomic: another writer between the load and the store is overwritten.
    template <RegisterType R>
    void modify(FieldSet<R> fields) {
        check_block<R>();
        static_assert(readable(R::access), "modify() reads the register, which is write-only: use write()");
        static_assert(writable(R::access), "register is read-only");
        static_assert(!std::same_as<Bus, ReadOnlyMmioBus>, "register block is mapped read-only");
        using T = typename R::value_type;
        const T old = bus_.template read<T>(R::offset);
        bus_.template write<T>(R::offset, bits::update<T>(old, fields.mask, fields.bits, R::w1c_mask, R::w1s_mask));
    }

    [[nodiscard]] const Bus& bus() const noexcept { return bus_; }

private:
    template <RegisterType R>
    static constexpr void check_block() {
        static_assert(std::is_same_v<typename R::block_type, Layout>,
                      "register belongs to a different register block");
    }
    Bus bus_;
};

}  // namespace uiokit
