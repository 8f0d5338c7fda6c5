// Runs regtool in-process against a simulated board: a PL031 RTC (with interrupt), a window device
// with two maps that do not start on a page boundary (no interrupt), and a "scratch" block whose
// register map (maps/scratch.yaml) has every width and field kind.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <uiokit/sim/simulated_system.hpp>

#include <regtool/regtool.hpp>

#include "pl031_identification.hpp"

namespace regtool_test {

struct Result {
    int status = -1;
    std::string out;
    std::string err;
    [[nodiscard]] nlohmann::json json() const { return nlohmann::json::parse(out); }
};

inline constexpr std::uint64_t pl031_phys = 0x0901'0000;

struct Board {
    uiokit::sim::SimulatedSystem system;
    uiokit::sim::SimulatedDevice& rtc;
    uiokit::sim::SimulatedDevice& window;
    uiokit::sim::SimulatedDevice& scratch;
    regtool::Context context;

    Board()
        : rtc(system.add_device({.name = "pl031", .maps = {{.phys = pl031_phys, .length = 0x1000}}})),
          window(system.add_device({.name = "idwindow",
                                    .maps = {{.phys = 0x0903'0fe0, .length = 0x20, .name = "pl061-id"},
                                             {.phys = 0x0a00'3e00, .length = 0x10, .name = "virtio-mmio-31"}},
                                    .has_interrupt = false})),
          scratch(system.add_device({.name = "scratch", .maps = {{.phys = 0x4000'0000, .length = 0x100}}})) {
        context.host = system.host();
        context.regmap_path = UIOKIT_TEST_MAP_DIR;  // scratch.yaml; pl031 and pl061-id are built in
        // PL031 as QEMU has it: a running counter and the PrimeCell ID registers.
        pl031::write_identification(rtc.memory());
        rtc32(0x00, 1000);  // DR
        rtc32(0x0C, 1);     // CR.START
        const std::uint32_t pl061_ids[] = {0x61, 0x10, 0x04, 0x00, 0x0D, 0xF0, 0x05, 0xB1};
        for (std::size_t i = 0; i < 8; ++i) window.memory(0).write<std::uint32_t>(4 * i, pl061_ids[i]);
        window.memory(1).write<std::uint32_t>(0, 0x74726976);  // virtio-mmio MagicValue "virt"
    }

    void rtc32(std::size_t offset, std::uint32_t value) const { rtc.memory().write<std::uint32_t>(offset, value); }
    std::uint32_t rtc32(std::size_t offset) const { return rtc.memory().read<std::uint32_t>(offset); }
    void scratch32(std::size_t offset, std::uint32_t value) const { scratch.memory().write<std::uint32_t>(offset, value); }
    std::uint32_t scratch32(std::size_t offset) const { return scratch.memory().read<std::uint32_t>(offset); }
    std::string dev_node(unsigned index) const { return (system.root() / "dev" / ("uio" + std::to_string(index))).string(); }

    Result run(std::vector<std::string> args) const { return run_with(context, std::move(args)); }

    static Result run_with(const regtool::Context& context, std::vector<std::string> args) {
        std::ostringstream out, err;
        Result r;
        r.status = regtool::run(args, out, err, context);
        r.out = out.str();
        r.err = err.str();
        return r;
    }
};

// A temporary regular file of `size` bytes, for --file and --devmem.
struct TempFile {
    std::filesystem::path path;
    explicit TempFile(std::size_t size, std::uint8_t fill = 0) {
        char pattern[] = "/tmp/regtool-test-XXXXXX";
        const int fd = ::mkstemp(pattern);
        ::close(fd);
        path = pattern;
        std::ofstream(path, std::ios::binary) << std::string(size, static_cast<char>(fill));
    }
    ~TempFile() { std::filesystem::remove(path); }
    std::uint32_t read32(std::size_t offset) const {
        std::ifstream in(path, std::ios::binary);
        in.seekg(static_cast<std::streamoff>(offset));
        unsigned char b[4] = {};
        in.read(reinterpret_cast<char*>(b), 4);
        return std::uint32_t{b[0]} | std::uint32_t{b[1]} << 8 | std::uint32_t{b[2]} << 16 | std::uint32_t{b[3]} << 24;
    }
    void write32(std::size_t offset, std::uint32_t v) const {
        std::fstream io(path, std::ios::binary | std::ios::in | std::ios::out);
        io.seekp(static_cast<std::streamoff>(offset));
        const char b[4] = {static_cast<char>(v), static_cast<char>(v >> 8), static_cast<char>(v >> 16), static_cast<char>(v >> 24)};
        io.write(b, 4);
    }
};

}  // namespace regtool_test
