// uiokit-regmap-gen: a register map (YAML) to a C++ header of uiokit typed registers.
//   uiokit-regmap-gen [--namespace NS] [--output FILE] MAP.yaml
// Exit status: 0 done, 1 the map is bad or the output cannot be written, 2 usage error.
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include <uiokit/regmap/header_generator.hpp>

namespace {

constexpr const char* usage =
    "usage: uiokit-regmap-gen [--namespace NS] [--output FILE] MAP.yaml\n"
    "Writes a C++ header of uiokit typed registers for the register map (to stdout without --output).\n";

namespace fs = std::filesystem;

// Writes `text` to `path` (created or truncated); on failure, the reason.
std::optional<std::string> write_all(const fs::path& path, const std::string& text) {
    std::FILE* file = std::fopen(path.c_str(), "wb");
    if (!file) return std::generic_category().message(errno);
    int error = 0;
    if (std::fwrite(text.data(), 1, text.size(), file) != text.size()) error = errno != 0 ? errno : EIO;
    if (std::fclose(file) != 0 && error == 0) error = errno;  // a full disk may show only here
    if (error != 0) return std::generic_category().message(error);
    return std::nullopt;
}

// A regular file (through a symlink: its target) is written beside itself and renamed over, so a
// failed run never leaves half a header for the build to compile. Anything else (/dev/stdout, a
// FIFO) is written to directly: renaming over it would replace the device node or the pipe.
std::optional<std::string> write_header(const fs::path& output, const std::string& header) {
    std::error_code ec;
    const fs::file_status status = fs::status(output, ec);  // not found: a new file
    if (fs::is_directory(status)) return std::generic_category().message(EISDIR);
    if (fs::exists(status) && !fs::is_regular_file(status)) return write_all(output, header);
    fs::path target = output;
    if (fs::exists(status) && fs::is_symlink(fs::symlink_status(output, ec))) {
        target = fs::canonical(output, ec);
        if (ec) return ec.message();
    }
    fs::path temporary = target;
    temporary += ".tmp";
    if (auto reason = write_all(temporary, header)) {
        fs::remove(temporary, ec);
        return reason;
    }
    fs::rename(temporary, target, ec);
    if (ec) {
        std::error_code ignored;
        fs::remove(temporary, ignored);
        return ec.message();
    }
    return std::nullopt;
}

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
        if (auto reason = write_header(output, header)) {
            std::cerr << "uiokit-regmap-gen: cannot write " << output << ": " << *reason << '\n';
            return 1;
        }
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "uiokit-regmap-gen: " << e.what() << '\n';
        return 1;
    }
}
