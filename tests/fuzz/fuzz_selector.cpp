// Fuzzes the command-line device selector syntax (Selector::parse).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <uiokit/error.hpp>
#include <uiokit/selector.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const uiokit::Selector selector = uiokit::Selector::parse(text);
        if (selector.describe().empty()) __builtin_trap();
    } catch (const uiokit::Error&) {
    }
    return 0;
}
