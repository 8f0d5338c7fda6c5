// The access widths a window of device memory takes. Most memory takes every width; some blocks
// take only some (an SRAM behind a 32-bit bus bridge that faults on byte or 64-bit accesses). A
// Region carries its allowed widths (Region::restricted_to), its checked accesses refuse the others,
// and its bulk operations (copy_in, copy_out, fill, compare, copy_from) use only allowed widths.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace uiokit {

class AccessWidths {
public:
    // Every width: 8, 16, 32 and 64 bits.
    [[nodiscard]] static constexpr AccessWidths all() noexcept { return AccessWidths(0xF); }
    // One width, in bytes (1, 2, 4 or 8); any other value allows nothing.
    [[nodiscard]] static constexpr AccessWidths only(std::size_t bytes) noexcept { return AccessWidths(bit(bytes)); }
    // Every width up to `bytes` (1, 2, 4 or 8): a bus of that width that also takes narrower accesses.
    [[nodiscard]] static constexpr AccessWidths up_to(std::size_t bytes) noexcept {
        return AccessWidths(bit(bytes) == 0 ? 0 : static_cast<std::uint8_t>((bit(bytes) << 1) - 1));
    }
    [[nodiscard]] static constexpr AccessWidths none() noexcept { return AccessWidths(0); }

    [[nodiscard]] constexpr bool allows(std::size_t bytes) const noexcept { return (mask_ & bit(bytes)) != 0; }
    [[nodiscard]] constexpr bool empty() const noexcept { return mask_ == 0; }
    // In bytes; 0 when empty.
    [[nodiscard]] constexpr std::size_t narrowest() const noexcept { return mask_ & (0u - mask_); }
    [[nodiscard]] constexpr std::size_t widest() const noexcept {
        return (mask_ & 8) ? 8 : (mask_ & 4) ? 4 : (mask_ & 2) ? 2 : mask_;
    }

    [[nodiscard]] constexpr AccessWidths operator|(AccessWidths other) const noexcept { return AccessWidths(mask_ | other.mask_); }
    [[nodiscard]] constexpr AccessWidths operator&(AccessWidths other) const noexcept { return AccessWidths(mask_ & other.mask_); }
    [[nodiscard]] constexpr bool operator==(const AccessWidths&) const noexcept = default;

    // "8/16/32/64-bit", "32-bit", "no" (for error messages).
    [[nodiscard]] std::string describe() const {
        std::string out;
        for (std::size_t bytes = 1; bytes <= 8; bytes *= 2)
            if (allows(bytes)) out += (out.empty() ? "" : "/") + std::to_string(bytes * 8);
        return out.empty() ? "no" : out + "-bit";
    }

private:
    constexpr explicit AccessWidths(unsigned mask) noexcept : mask_(static_cast<std::uint8_t>(mask)) {}
    // The bit of a width is its byte count, so a width's check is one AND.
    static constexpr unsigned bit(std::size_t bytes) noexcept {
        return (bytes == 1 || bytes == 2 || bytes == 4 || bytes == 8) ? static_cast<unsigned>(bytes) : 0;
    }
    std::uint8_t mask_;
};

}  // namespace uiokit
