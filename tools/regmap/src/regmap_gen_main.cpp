// uiokit-regmap-gen: a register map (YAML) to a C++ header of uiokit typed registers.
//   uiokit-regmap-gen [--namespace NS] [--output FILE] MAP.yaml
// Exit status: 0 done, 1 the map is bad or the output cannot be written, 2 usage error.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>

#include <uiokit/regmap/header_generator.hpp>

namespace {

constexpr const char* usage =
    "usage: uiokit-regmap-gen [--namespace NS] [--output FILE] MAP.yaml\n"
    "Writes a C++ header of uiokit typed registers for the register map (to stdout without --output).\n";

}  // namespace

int main(int argc, char** argv) {
    try {
        std::string input;
        std::string output;
        std::string ns;
        for (int i = 1; i < argc; ++i) {
            const std::string_view arg = argv[i];
            // The option's value, the next argument; false (after saying so) when there is none.
            auto value = [&](const char* option, std::string& into) {
                if (i + 1 >= argc) {
                    std::cerr << "uiokit-regmap-gen: " << option << " needs a value\n" << usage;
                    return false;
                }
                into = argv[++i];
                return true;
            };
            if (arg == "--help" || arg == "-h") {
                std::cout << usage;
                return 0;
            } else if (arg == "--namespace") {
                if (!value("--namespace", ns)) return 2;
            } else if (arg == "--output" || arg == "-o") {
                if (!value("--output", output)) return 2;
            } else if (arg.starts_with("-") || !input.empty()) {
                std::cerr << "uiokit-regmap-gen: unexpected argument '" << arg << "'\n" << usage;
                return 2;
            } else {
                input = arg;
            }
        }
        if (input.empty()) {
            std::cerr << "uiokit-regmap-gen: no register map given\n" << usage;
            return 2;
        }
        const auto map = uiokit::regmap::load_map(input);
        const std::string header = uiokit::regmap::generate_header(
            map, {.namespace_name = ns, .source_name = std::filesystem::path(input).filename().string()});
        if (output.empty()) {
            std::cout << header;
            return std::cout.flush() ? 0 : 1;
        }
        // Written beside the target and renamed: a failed run never leaves half a header.
        const std::string temporary = output + ".tmp";
        {
            std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
            out << header;
            if (!out.flush()) {
                std::cerr << "uiokit-regmap-gen: cannot write " << temporary << '\n';
                return 1;
            }
        }
        std::filesystem::rename(temporary, output);
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "uiokit-regmap-gen: " << e.what() << '\n';
        return 1;
    }
}
