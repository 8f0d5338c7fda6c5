// Fuzzes the register-map parser (YAML through yaml-cpp, then every check) and, for maps it
// accepts, the header generator. A bad map must be a MapError, never a crash or another exception.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <uiokit/regmap/header_generator.hpp>
#include <uiokit/regmap/register_map.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const auto map = uiokit::regmap::parse_map(text, "fuzz.yaml");
        uiokit::regmap::HeaderOptions options;
        options.namespace_name = "fuzz";
        if (uiokit::regmap::generate_header(map, options).empty()) __builtin_trap();
    } catch (const uiokit::regmap::MapError&) {
    }
    return 0;
}
