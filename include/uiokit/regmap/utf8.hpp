// UTF-8 as the command line and register maps carry it: validating, finding whole characters for
// messages, and making any byte string safe to print or to put in JSON.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace uiokit::regmap::utf8 {

// The length (1 to 4) of the well-formed UTF-8 character starting at text[at], or 0 when the bytes
// there are not one (a stray continuation byte, a truncated sequence, an overlong form, a surrogate
// or a code point above U+10FFFF: RFC 3629).
[[nodiscard]] std::size_t sequence_length(std::string_view text, std::size_t at) noexcept;

// The offset of the first byte that does not start a well-formed character, or npos.
[[nodiscard]] std::size_t first_invalid(std::string_view text) noexcept;

// The whole character at text[at] (one byte when it is not well-formed), so a message quotes '٤',
// never a lone byte of it.
[[nodiscard]] std::string_view character_at(std::string_view text, std::size_t at) noexcept;

// `text` with every byte that is not part of a well-formed character written as the four
// characters \xNN (for messages on stderr: the byte stays identifiable, the output stays UTF-8).
[[nodiscard]] std::string escape_invalid(std::string_view text);

}  // namespace uiokit::regmap::utf8
