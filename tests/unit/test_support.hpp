// Helpers shared by the unit tests.
#pragma once

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

// How long a test waits for something that must happen (a wake-up, the simulator's service thread
// seeing a write). Only ever reached when something is broken, so generous: sanitizers on a loaded
// 2-core machine can be 20 times slower than a quiet one.
inline constexpr std::chrono::seconds hang_limit{10};
inline constexpr int hang_limit_ms = 10'000;  // the same, for poll(2)

// A temporary directory removed with its contents.
class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "uiokit-test-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

inline void overwrite(const std::filesystem::path& file, const std::string& text) {
    std::ofstream out(file, std::ios::trunc);
    out << text;
}

inline std::string uiokit_test_read(const std::filesystem::path& file) {
    std::ifstream in(file);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
