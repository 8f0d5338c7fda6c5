// Reading sysfs attributes and parsing the kernel's number formats (internal).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace uiokit::sysfs {

// The attribute's text without the trailing newline. Throws Error naming the file (missing,
// unreadable) or ParseError (larger than a page, which no UIO attribute is).
[[nodiscard]] std::string read_attribute(const std::string& file);

// "0x" followed by 1..16 hex digits, as printed by %pa and 0x%llx. Throws ParseError naming `file`.
[[nodiscard]] std::uint64_t parse_hex(std::string_view text, const std::string& file);
// Decimal 0..2^32-1, as printed by %u. Throws ParseError naming `file`.
[[nodiscard]] std::uint32_t parse_u32(std::string_view text, const std::string& file);

// "uio12" -> 12; anything else (uio, uio1a, uio01, uio1/...) -> nothing.
[[nodiscard]] std::optional<unsigned> parse_uio_index(std::string_view entry);

[[nodiscard]] std::string hex(std::uint64_t value);  // "0x9010000"

}  // namespace uiokit::sysfs
