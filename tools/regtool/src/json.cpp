#include "json.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <string_view>

#include <uiokit/regmap/utf8.hpp>

namespace regtool {

void JsonWriter::before_value() {
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (!first_.empty()) {
        if (!first_.back()) out_ << ',';
        first_.back() = false;
    }
}

JsonWriter& JsonWriter::begin_object() {
    before_value();
    out_ << '{';
    first_.push_back(true);
    return *this;
}

JsonWriter& JsonWriter::end_object() {
    out_ << '}';
    first_.pop_back();
    return *this;
}

JsonWriter& JsonWriter::begin_array() {
    before_value();
    out_ << '[';
    first_.push_back(true);
    return *this;
}

JsonWriter& JsonWriter::end_array() {
    out_ << ']';
    first_.pop_back();
    return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
    value(name);
    out_ << ':';
    after_key_ = true;
    return *this;
}

// JSON text is Unicode: a byte that is not part of a well-formed UTF-8 character (a device name,
// a path or an argument in another encoding) is written as \ufffd, the replacement character,
// one per byte. Well-formed characters are copied as they are.
JsonWriter& JsonWriter::value(std::string_view text) {
    before_value();
    out_ << '"';
    for (std::size_t at = 0; at < text.size();) {
        const char c = text[at];
        const std::size_t length = uiokit::regmap::utf8::sequence_length(text, at);
        if (length == 0) {
            out_ << "\\ufffd";
            ++at;
            continue;
        }
        if (length > 1) {
            out_ << text.substr(at, length);
            at += length;
            continue;
        }
        ++at;
        switch (c) {
            case '"': out_ << "\\\""; break;
            case '\\': out_ << "\\\\"; break;
            case '\n': out_ << "\\n"; break;
            case '\r': out_ << "\\r"; break;
            case '\t': out_ << "\\t"; break;
            default:
                if (const auto byte = static_cast<unsigned char>(c); byte < 0x20) {
                    constexpr std::string_view hex_digits = "0123456789abcdef";
                    out_ << "\\u00" << hex_digits[byte >> 4U] << hex_digits[byte & 0xfU];
                } else {
                    out_ << c;
                }
        }
    }
    out_ << '"';
    return *this;
}

JsonWriter& JsonWriter::value(std::uint64_t number) {
    before_value();
    out_ << number;
    return *this;
}

JsonWriter& JsonWriter::value(int number) {
    before_value();
    out_ << number;
    return *this;
}

JsonWriter& JsonWriter::value(double number) {
    before_value();
    if (!std::isfinite(number)) {
        out_ << "null";
        return *this;
    }
    // As printf's "%.6f". Cannot fail: the largest finite double has 309 digits before the point.
    std::array<char, 330> buffer{};
    const std::to_chars_result end =
        std::to_chars(buffer.data(), buffer.data() + buffer.size(), number, std::chars_format::fixed, 6);
    out_ << std::string_view(buffer.data(), static_cast<std::size_t>(end.ptr - buffer.data()));
    return *this;
}

JsonWriter& JsonWriter::value(bool flag) {
    before_value();
    out_ << (flag ? "true" : "false");
    return *this;
}

JsonWriter& JsonWriter::null() {
    before_value();
    out_ << "null";
    return *this;
}

void JsonWriter::end_document() { out_ << '\n' << std::flush; }

}  // namespace regtool
