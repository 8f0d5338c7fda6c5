// Helpers shared by the unit tests.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>

#include "temp_dir.hpp"
#include "timing.hpp"

inline void overwrite(const std::filesystem::path& file, const std::string& text) {
    std::ofstream out(file, std::ios::trunc);
    out << text;
}

inline std::string uiokit_test_read(const std::filesystem::path& file) {
    std::ifstream in(file);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
