// A temporary directory for a test, removed with its contents when the test ends.
#pragma once

#include <filesystem>
#include <string>

class TempDir {
public:
    // A fresh directory under $TMPDIR (else /tmp); throws std::system_error naming the pattern.
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
    [[nodiscard]] std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
    // Writes `text` to <dir>/<name> (replacing it) and returns that path.
    std::filesystem::path write(const std::string& name, const std::string& text) const;

private:
    std::filesystem::path path_;
};
