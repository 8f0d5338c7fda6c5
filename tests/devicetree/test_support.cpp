#include "test_support.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include <catch2/catch.hpp>

namespace fs = std::filesystem;

namespace dttest {

std::string dtc() { return UIOKIT_TEST_DTC; }
std::string fdtoverlay() { return UIOKIT_TEST_FDTOVERLAY; }
std::string fdtget() { return UIOKIT_TEST_FDTGET; }
fs::path data_dir() { return UIOKIT_TEST_DATA_DIR; }
fs::path overlay_source_dir() { return UIOKIT_TEST_OVERLAY_SOURCE_DIR; }
fs::path overlay_build_dir() { return UIOKIT_TEST_OVERLAY_BUILD_DIR; }
fs::path udev_rules_file() { return UIOKIT_TEST_UDEV_RULES; }

RunResult run(const std::vector<std::string>& argv) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) < 0) return {};
    const pid_t pid = ::fork();
    if (pid < 0) return {};
    if (pid == 0) {
        ::dup2(pipe_fds[1], STDOUT_FILENO);
        ::dup2(pipe_fds[1], STDERR_FILENO);
        std::vector<char*> args;
        for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    ::close(pipe_fds[1]);
    RunResult result;
    char buffer[4096];
    ssize_t got;
    while ((got = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0 || (got < 0 && errno == EINTR))
        if (got > 0) result.output.append(buffer, static_cast<std::size_t>(got));
    ::close(pipe_fds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

std::vector<std::byte> read_bytes(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + file.string());
    std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::byte> bytes(chars.size());
    std::memcpy(bytes.data(), chars.data(), chars.size());
    return bytes;
}

void write_text(const fs::path& file, const std::string& text) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + file.string());
}

void write_bytes(const fs::path& file, const std::vector<std::byte>& bytes) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("cannot write " + file.string());
}

namespace {
fs::path compile(const fs::path& source, const fs::path& output, bool with_symbols) {
    std::vector<std::string> argv{dtc()};
    if (with_symbols) argv.push_back("-@");
    for (const char* a : {"-I", "dts", "-O", "dtb", "-o"}) argv.push_back(a);
    argv.push_back(output.string());
    argv.push_back(source.string());
    const RunResult r = run(argv);
    INFO("dtc " << source << ":\n" << r.output);
    REQUIRE(r.exit_code == 0);
    return output;
}
}  // namespace

fs::path compile_dts(const fs::path& dir, const std::string& stem, const std::string& source, bool with_symbols) {
    const fs::path dts = dir / (stem + ".dts");
    write_text(dts, source);
    return compile(dts, dir / (stem + ".dtb"), with_symbols);
}

fs::path compile_data_dts(const fs::path& dir, const std::string& name, bool with_symbols) {
    return compile(data_dir() / (name + ".dts"), dir / (name + ".dtb"), with_symbols);
}

fs::path apply_overlays(const fs::path& dir, const std::string& stem, const fs::path& base,
                        const std::vector<fs::path>& overlays) {
    const fs::path output = dir / (stem + ".dtb");
    std::vector<std::string> argv{fdtoverlay(), "-i", base.string(), "-o", output.string()};
    for (const fs::path& o : overlays) argv.push_back(o.string());
    const RunResult r = run(argv);
    INFO("fdtoverlay onto " << base << ":\n" << r.output);
    REQUIRE(r.exit_code == 0);
    return output;
}

std::string fdtget_value(const fs::path& dtb, const std::string& node, const std::string& property,
                         const std::string& type) {
    const RunResult r = run({fdtget(), "-t", type, dtb.string(), node, property});
    INFO("fdtget " << node << " " << property << ":\n" << r.output);
    REQUIRE(r.exit_code == 0);
    std::string value = r.output;
    while (!value.empty() && (value.back() == '\n' || value.back() == ' ')) value.pop_back();
    return value;
}

}  // namespace dttest
