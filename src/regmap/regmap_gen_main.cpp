// uiokit-regmap-gen: a register map (YAML) to a C++ header of uiokit typed registers.
//   uiokit-regmap-gen [--namespace NS] [--output FILE] MAP.yaml
// Exit status: 0 done, 1 the map is bad or the output cannot be written, 2 usage error.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
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

// Writes all of `text` to `fd` and closes it; on failure, the reason.
std::optional<std::string> write_and_close(int fd, const std::string& text) {
    int error = 0;
    for (std::size_t done = 0; done < text.size() && error == 0;) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n > 0) done += static_cast<std::size_t>(n);
        else if (n == 0) error = EIO;
        else if (errno != EINTR) error = errno;
    }
    if (::close(fd) != 0 && error == 0) error = errno;  // a full disk may show only here
    if (error != 0) return std::generic_category().message(error);
    return std::nullopt;
}

// A regular file (through a symlink, even a dangling one: its target) is written to a new file
// beside it and renamed over, so a failed run never leaves half a header for the build to compile.
// Anything else (/dev/stdout, a FIFO) is written to directly: renaming over it would replace the
// device node or the pipe.
std::optional<std::string> write_header(const fs::path& output, const std::string& header) {
    std::error_code ec;
    const fs::file_status status = fs::status(output, ec);  // not found: a new file
    if (fs::is_directory(status)) return std::generic_category().message(EISDIR);
    if (fs::exists(status) && !fs::is_regular_file(status)) {
        const int fd = ::open(output.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
        if (fd < 0) return std::generic_category().message(errno);
        return write_and_close(fd, header);
    }
    fs::path target = output;
    for (int links = 0; fs::is_symlink(fs::symlink_status(target, ec)); ++links) {
        if (links == 40) return std::generic_category().message(ELOOP);
        const fs::path next = fs::read_symlink(target, ec);
        if (ec) return ec.message();
        target = (target.parent_path() / next).lexically_normal();
    }
    // A fresh name that no other run and no planted link can share; created 0600, given the
    // permissions a new file gets.
    std::string temporary = target.string() + ".XXXXXX";
    const int fd = ::mkstemp(temporary.data());
    if (fd < 0) return std::generic_category().message(errno);
    const mode_t mask = ::umask(0);
    ::umask(mask);
    if (::fchmod(fd, 0666 & ~mask) != 0) {
        const int error = errno;
        ::close(fd);
        fs::remove(temporary, ec);
        return std::generic_category().message(error);
    }
    if (auto reason = write_and_close(fd, header)) {
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

bool is_namespace_name(std::string_view ns) {
    for (;;) {
        const std::size_t end = ns.find("::");
        const std::string_view part = ns.substr(0, end);
        const auto word_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; };
        if (part.empty() || std::isdigit(static_cast<unsigned char>(part[0])) != 0 ||
            !std::all_of(part.begin(), part.end(), word_char))
            return false;
        if (end == std::string_view::npos) return true;
        ns.remove_prefix(end + 2);
    }
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
                // An empty --output wrote to stdout, an empty --namespace used the map's name.
                if (into.empty()) {
                    std::cerr << "uiokit-regmap-gen: " << option << " was given an empty value\n" << usage;
                    return false;
                }
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
            } else if (arg.empty()) {
                std::cerr << "uiokit-regmap-gen: the register map's path is empty\n" << usage;
                return 2;
            } else {
                input = arg;
            }
        }
        if (input.empty()) {
            std::cerr << "uiokit-regmap-gen: no register map given\n" << usage;
            return 2;
        }
        // The namespace is written into the header as it is: only names, or it would not compile
        // (or compile into something else).
        if (!ns.empty() && !is_namespace_name(ns)) {
            std::cerr << "uiokit-regmap-gen: --namespace '" << ns
                      << "' is not a C++ namespace name (identifiers joined by ::, e.g. board::regs)\n";
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
