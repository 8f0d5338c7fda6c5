#include "sysfs.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <iterator>

#include <uiokit/error.hpp>
#include <uiokit/unique_fd.hpp>

namespace uiokit::sysfs {

std::string read_attribute(const std::string& file) {
    UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) throw Error(errno, "read " + file);
    // sysfs attributes are at most one page; read one byte more to detect anything larger.
    std::string text(4097, '\0');
    std::size_t used = 0;
    for (;;) {
        const ssize_t n = ::read(fd.get(), text.data() + used, text.size() - used);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw Error(errno, "read " + file);
        }
        if (n == 0) break;
        used += static_cast<std::size_t>(n);
        if (used == text.size()) throw ParseError(file + ": attribute is longer than 4096 bytes");
    }
    text.resize(used);
    if (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
}

std::uint64_t parse_hex(std::string_view text, const std::string& file) {
    const auto bad = [&](const char* why) {
        return ParseError(file + ": '" + std::string(text) + "' is not a hex number (" + why + ")");
    };
    if (text.size() < 3 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X')) throw bad("expected 0x...");
    const std::string_view digits = text.substr(2);
    if (digits.size() > 16) throw bad("more than 64 bits");
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, 16);
    if (ec != std::errc{} || end != digits.data() + digits.size()) throw bad("bad digit");
    return value;
}

std::uint32_t parse_u32(std::string_view text, const std::string& file) {
    std::uint32_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 10);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
        throw ParseError(file + ": '" + std::string(text) + "' is not a decimal count 0..4294967295");
    return value;
}

std::optional<unsigned> parse_uio_index(std::string_view entry) {
    if (!entry.starts_with("uio")) return std::nullopt;
    const std::string_view digits = entry.substr(3);
    if (digits.empty() || (digits.size() > 1 && digits[0] == '0')) return std::nullopt;
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, 10);
    if (ec != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
    return value;
}

std::string hex(std::uint64_t value) {
    char digits[16];
    const auto result = std::to_chars(std::begin(digits), std::end(digits), value, 16);
    return "0x" + std::string(std::begin(digits), result.ptr);
}

}  // namespace uiokit::sysfs
