// Fuzzes regtool's command-line syntax: addresses (offsets, bit ranges, REG, REG.FIELD), values,
// widths and options. Each input line is one argument after `read`, `write` or `dump` (chosen by
// the first line: read, write or dump) on a scratch file with the scratch register map. Every outcome must be an exit
// status with a message; nothing may crash, hang, or touch anything but the scratch file.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <regtool/regtool.hpp>

namespace fs = std::filesystem;

namespace {
const fs::path& scratch_dir() {
    static const fs::path dir = [] {
        fs::path d = fs::temp_directory_path() / ("uiokit-fuzz-regtool-" + std::to_string(::getpid()));
        fs::create_directories(d / "class");
        std::ofstream(d / "regs.bin", std::ios::binary) << std::string(4096, '\0');
        std::ofstream(d / "devmem.bin", std::ios::binary) << std::string(4096, '\0');
        return d;
    }();
    return dir;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::vector<std::string> lines;
    std::string line;
    for (std::size_t i = 0; i < size; ++i) {
        const char c = static_cast<char>(data[i]);
        if (c == '\n') {
            lines.push_back(line);
            line.clear();
        } else {
            line += c;
        }
    }
    lines.push_back(line);

    static const char* const commands[] = {"read", "write", "dump"};
    std::string command = lines.front();
    if (command != "read" && command != "write" && command != "dump") command = commands[command.size() % 3];
    std::vector<std::string> args = {command, "--file", (scratch_dir() / "regs.bin").string(), "--map",
                                      UIOKIT_FUZZ_SCRATCH_MAP};
    args.insert(args.end(), lines.begin() + 1, lines.end());

    regtool::Context context;
    context.host.class_dir = scratch_dir() / "class";
    context.host.dev_dir = scratch_dir();
    context.use_builtin_maps = false;
    context.devmem_path = scratch_dir() / "devmem.bin";
    std::ostringstream out, err;
    const int status = regtool::run(args, out, err, context);
    if (status != 0 && err.str().empty()) __builtin_trap();  // every failure says why
    return 0;
}
