#include <uiokit/regmap/numbers.hpp>

#include <limits>

#include <uiokit/regmap/utf8.hpp>

namespace uiokit::regmap {
namespace {

int digit_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return 99;
}

}  // namespace

std::uint64_t parse_unsigned(std::string_view text) {
    const std::string quoted = "'" + std::string(text) + "'";
    if (text.empty()) throw NumberError("empty where a number was expected");
    if (text.front() == '-' || text.front() == '+')
        throw NumberError(quoted + " is not an unsigned number: no sign allowed");
    unsigned base = 10;
    const char* base_name = "decimal";
    std::string_view digits = text;
    if (text.size() > 1 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        base = 16, base_name = "hex", digits.remove_prefix(2);
    } else if (text.size() > 1 && text[0] == '0' && (text[1] == 'b' || text[1] == 'B')) {
        base = 2, base_name = "binary", digits.remove_prefix(2);
    }
    if (digits.empty()) throw NumberError(quoted + " has no digits after its prefix");
    if (digits.front() == '_' || digits.back() == '_')
        throw NumberError(quoted + " is not a number: '_' may only separate digits");

    constexpr std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t value = 0;
    char previous = 0;
    for (std::size_t at = 0; at < digits.size(); ++at) {
        const char c = digits[at];
        if (c == '_') {
            if (previous == '_') throw NumberError(quoted + " is not a number: doubled '_'");
            previous = c;
            continue;
        }
        previous = c;
        const int d = digit_value(c);
        if (d >= static_cast<int>(base))
            // The whole character, not a lone byte of it: '٤' (U+0664) is two bytes.
            throw NumberError(quoted + " is not a number: '" + std::string(utf8::character_at(digits, at)) + "' is not a " +
                              base_name + " digit");
        const auto digit = static_cast<std::uint64_t>(d);
        if (value > (max - digit) / base) throw NumberError(quoted + " is larger than 64 bits");
        value = value * base + digit;
    }
    return value;
}

std::string hex(std::uint64_t value) {
    static constexpr char digits[] = "0123456789abcdef";
    char buffer[16];
    int n = 0;
    do {
        buffer[n++] = digits[value & 0xF];
        value >>= 4;
    } while (value != 0);
    std::string text = "0x";
    while (n > 0) text += buffer[--n];
    return text;
}

std::string hex_padded(std::uint64_t value, unsigned width_bits) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string text = "0x";
    for (int shift = static_cast<int>(width_bits) - 4; shift >= 0; shift -= 4)
        text += digits[(value >> shift) & 0xF];
    return text;
}

}  // namespace uiokit::regmap
