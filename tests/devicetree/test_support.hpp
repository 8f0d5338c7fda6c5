// Helpers for the device-tree tests: temporary directories, running dtc / fdtoverlay / fdtget and
// the generator, and building DTBs from source at test time.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "temp_dir.hpp"

namespace dttest {

// Paths of the tools and files the build gave us (compile definitions, see CMakeLists.txt).
std::string dtc();
std::string fdtoverlay();
std::string fdtget();
std::filesystem::path data_dir();             // tests/devicetree/data
std::filesystem::path overlay_source_dir();   // dts-overlays/
std::filesystem::path overlay_build_dir();    // where the build compiled them
std::filesystem::path udev_rules_file();      // data/udev/70-uiokit.rules

using ::TempDir;  // tests/common/temp_dir.hpp

struct RunResult {
    int exit_code = -1;  // -1: killed by a signal or could not be started
    std::string output;  // stdout and stderr, interleaved
};
// Runs argv[0] (searched in PATH) without a shell.
RunResult run(const std::vector<std::string>& argv);

std::vector<std::byte> read_bytes(const std::filesystem::path& file);
void write_text(const std::filesystem::path& file, const std::string& text);
void write_bytes(const std::filesystem::path& file, const std::vector<std::byte>& bytes);

// dtc -I dts -O dtb [-@] of `source`, written as <dir>/<stem>.dts; returns <dir>/<stem>.dtb.
// Fails the test (REQUIRE) when dtc fails.
std::filesystem::path compile_dts(const std::filesystem::path& dir, const std::string& stem, const std::string& source,
                                  bool with_symbols = true);
// The same for a file: tests/devicetree/data/<name>.dts.
std::filesystem::path compile_data_dts(const std::filesystem::path& dir, const std::string& name,
                                       bool with_symbols = true);
// fdtoverlay -i base -o <dir>/<stem>.dtb overlays...; REQUIREs success.
std::filesystem::path apply_overlays(const std::filesystem::path& dir, const std::string& stem,
                                     const std::filesystem::path& base,
                                     const std::vector<std::filesystem::path>& overlays);
// fdtget -t <type> file node property, trimmed; REQUIREs success.
std::string fdtget_value(const std::filesystem::path& dtb, const std::string& node, const std::string& property,
                         const std::string& type = "s");

}  // namespace dttest
