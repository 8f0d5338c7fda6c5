#include <uiokit/regmap/utf8.hpp>

namespace uiokit::regmap::utf8 {

std::size_t sequence_length(std::string_view text, std::size_t at) noexcept {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[at + i]); };
    const std::size_t left = text.size() - at;
    const unsigned char lead = byte(0);
    if (lead < 0x80) return 1;
    std::size_t length = 0;
    unsigned char low = 0x80;  // the range of the second byte: it excludes overlongs, surrogates, > U+10FFFF
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0) low = 0xA0;
        if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0) low = 0x90;
        if (lead == 0xF4) high = 0x8F;
    } else {
        return 0;  // a continuation byte, C0/C1 (overlong) or F5..FF
    }
    if (left < length) return 0;
    if (byte(1) < low || byte(1) > high) return 0;
    for (std::size_t i = 2; i < length; ++i)
        if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
    return length;
}

std::size_t first_invalid(std::string_view text) noexcept {
    for (std::size_t at = 0; at < text.size();) {
        const std::size_t n = sequence_length(text, at);
        if (n == 0) return at;
        at += n;
    }
    return std::string_view::npos;
}

std::string_view character_at(std::string_view text, std::size_t at) noexcept {
    if (at >= text.size()) return {};
    const std::size_t n = sequence_length(text, at);
    return text.substr(at, n == 0 ? 1 : n);
}

std::string escape_invalid(std::string_view text) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(text.size());
    for (std::size_t at = 0; at < text.size();) {
        const std::size_t n = sequence_length(text, at);
        if (n == 0) {
            const auto b = static_cast<unsigned char>(text[at]);
            out += "\\x";
            out += digits[b >> 4U];
            out += digits[b & 0xFU];
            ++at;
        } else {
            out.append(text.substr(at, n));
            at += n;
        }
    }
    return out;
}

}  // namespace uiokit::regmap::utf8
