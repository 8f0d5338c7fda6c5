// map_file and map_physical: owned mmap of a window of a file, with the page rounding below the
// window, and each refusal naming the file, the window and the reason.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include <uiokit/error.hpp>
#include <uiokit/file_mapping.hpp>

#include "test_support.hpp"

using namespace uiokit;
namespace fs = std::filesystem;
using Catch::Contains;

namespace {

std::size_t page_size() { return static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)); }

// A file of `size` bytes whose 32-bit word at byte offset i (i a multiple of 4) is 0xA0000000 + i.
fs::path make_image(const fs::path& path, std::size_t size) {
    std::vector<std::uint32_t> words(size / 4);
    for (std::size_t i = 0; i < words.size(); ++i) words[i] = 0xA0000000U + static_cast<std::uint32_t>(i * 4);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(words.data()), static_cast<std::streamsize>(size));
    return path;
}

std::uint32_t file_word(const fs::path& path, std::size_t offset) {
    std::uint32_t value = 0;
    std::ifstream in(path, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(offset));
    in.read(reinterpret_cast<char*>(&value), sizeof value);
    return value;
}

// How many of this process's mappings are of `path` (/proc/self/maps names the file).
int mappings_of(const fs::path& path) {
    std::ifstream maps("/proc/self/maps");
    int count = 0;
    for (std::string line; std::getline(maps, line);)
        if (line.ends_with(" " + path.string())) ++count;
    return count;
}

}  // namespace

TEST_CASE("map_file maps the window asked for: offset inside a page and size kept") {
    const TempDir dir;
    const std::size_t page = page_size();
    const fs::path image = make_image(dir.path() / "image.bin", 3 * page);
    const std::uint64_t offset = page + 0x10;

    const FileMapping mapping = map_file(image, offset, 0x20, MapAccess::read_only);
    const Region& region = mapping.region();
    CHECK(region.size() == 0x20);
    CHECK(region.description() == image.string());
    CHECK(mapping.path() == image);
    CHECK(mapping.offset() == offset);
    // mmap maps from the page below: the region starts 0x10 into a page.
    CHECK(reinterpret_cast<std::uintptr_t>(region.base()) % page == 0x10);
    CHECK(region.read<std::uint32_t>(0x0) == 0xA0000000U + offset);
    CHECK(region.read<std::uint32_t>(0x1c) == 0xA0000000U + offset + 0x1c);
    CHECK_THROWS_AS(region.read<std::uint32_t>(0x20), RangeError);  // the window, not the page, is the limit
    CHECK_FALSE(region.writable());
    CHECK_THROWS_AS(region.write<std::uint32_t>(0x0, 1), RangeError);
}

TEST_CASE("map_file without a size maps to the end of the file") {
    const TempDir dir;
    const std::size_t page = page_size();
    const fs::path image = make_image(dir.path() / "image.bin", 2 * page);
    const FileMapping whole = map_file(image, 0, std::nullopt, MapAccess::read_only);
    CHECK(whole.region().size() == 2 * page);
    const FileMapping tail = map_file(image, 0x104, std::nullopt, MapAccess::read_only);
    CHECK(tail.region().size() == 2 * page - 0x104);
    CHECK(tail.region().read<std::uint32_t>(0) == 0xA0000104U);
    CHECK(tail.region().read<std::uint32_t>(2 * page - 0x108) == 0xA0000000U + 2 * page - 4);  // the last word
}

TEST_CASE("a read-write mapping writes through to the file") {
    const TempDir dir;
    const fs::path image = make_image(dir.path() / "image.bin", page_size());
    {
        const FileMapping mapping = map_file(image, 0x40, 0x10, MapAccess::read_write);
        REQUIRE(mapping.region().writable());
        mapping.region().write<std::uint32_t>(0x4, 0x12345678);
    }
    CHECK(file_word(image, 0x44) == 0x12345678);
    CHECK(file_word(image, 0x40) == 0xA0000040U);  // its neighbours untouched
    CHECK(file_word(image, 0x48) == 0xA0000048U);
}

TEST_CASE("a FileMapping owns its mapping: moved it stays and destroyed it is unmapped") {
    const TempDir dir;
    const fs::path first = make_image(dir.path() / "first.bin", page_size());
    const fs::path second = make_image(dir.path() / "second.bin", page_size());
    {
        FileMapping mapping = map_file(first, 0, std::nullopt, MapAccess::read_only);
        CHECK(mappings_of(first) == 1);
        FileMapping moved(std::move(mapping));
        CHECK(mappings_of(first) == 1);
        CHECK(moved.region().read<std::uint32_t>(0x8) == 0xA0000008U);
        CHECK(mapping.region().size() == 0);  // NOLINT(bugprone-use-after-move): the moved-from state is the point
        CHECK(mapping.region().base() == nullptr);  // NOLINT(bugprone-use-after-move)

        moved = map_file(second, 0, std::nullopt, MapAccess::read_only);  // the first is unmapped
        CHECK(mappings_of(first) == 0);
        CHECK(mappings_of(second) == 1);
        CHECK(moved.path() == second);
    }
    CHECK(mappings_of(second) == 0);
}

TEST_CASE("map_physical maps through the device file at the physical address") {
    const TempDir dir;
    const std::size_t page = page_size();
    const fs::path devmem = make_image(dir.path() / "mem", 2 * page);  // stands in for /dev/mem
    const FileMapping mapping = map_physical(page + 0x20, 0x10, MapAccess::read_only, devmem);
    CHECK(mapping.region().size() == 0x10);
    CHECK(mapping.region().read<std::uint32_t>(0x4) == 0xA0000000U + page + 0x24);
    CHECK(mapping.offset() == page + 0x20);
    CHECK_THAT(mapping.region().description(), Contains(devmem.string() + " at 0x"));
    CHECK_THROWS_WITH(map_physical(page, 0x10, MapAccess::read_only, dir.path() / "no-mem"),
                      Contains("open " + (dir.path() / "no-mem").string() + " for reading"));
}

TEST_CASE("map_file errors name the file and the window and keep errno") {
    const TempDir dir;
    const fs::path image = make_image(dir.path() / "image.bin", 0x100);
    const std::string path = image.string();

    SECTION("a missing file") {
        const fs::path missing = dir.path() / "missing.bin";
        try {
            (void)map_file(missing, 0, std::nullopt, MapAccess::read_only);
            FAIL("mapped a missing file");
        } catch (const Error& e) {
            CHECK(e.code().value() == ENOENT);
            CHECK_THAT(e.what(), Contains("open " + missing.string() + " for reading") && Contains("No such file"));
        }
    }
    SECTION("a window beyond the end of a regular file") {
        try {
            (void)map_file(image, 0x80, 0x100, MapAccess::read_only);
            FAIL("mapped beyond the end");
        } catch (const UnmappableError& e) {
            CHECK(e.code().value() == ERANGE);
            CHECK(e.detail() == "0x100 bytes at 0x80 reach beyond its end: it is 0x100 (256) bytes");
            CHECK_THAT(e.what(), Contains("map " + path + ": 0x100 bytes at 0x80"));
            CHECK(e.file_size() == 0x100);
        }
        CHECK_THROWS_AS(map_file(image, 0, 0x101, MapAccess::read_only), UnmappableError);
        CHECK(map_file(image, 0x80, 0x80, MapAccess::read_only).region().size() == 0x80);  // exactly to the end
    }
    SECTION("an offset at or beyond the end without a size") {
        CHECK_THROWS_WITH(map_file(image, 0x100, std::nullopt, MapAccess::read_only),
                          Contains("map " + path + ": offset 0x100 is at or beyond its end, at 0x100 (256 bytes)"));
        CHECK_THROWS_WITH(map_file(image, 0x1000, 0x4, MapAccess::read_only), Contains("0x4 bytes at 0x1000 reach beyond its end"));
    }
    SECTION("an empty file or an empty window") {
        const fs::path empty = dir.path() / "empty.bin";
        overwrite(empty, "");
        CHECK_THROWS_WITH(map_file(empty, 0, std::nullopt, MapAccess::read_only), Contains("map " + empty.string() + ": it is empty"));
        CHECK_THROWS_WITH(map_file(image, 0x10, 0, MapAccess::read_only), Contains("the window is empty (size 0 at 0x10)"));
    }
    SECTION("a file type mmap does not serve is refused by its type and never waited on") {
        CHECK_THROWS_WITH(map_file(dir.path(), 0, 4, MapAccess::read_only), Contains(": it is a directory;"));
        const fs::path fifo = dir.path() / "fifo";
        REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
        CHECK_THROWS_WITH(map_file(fifo, 0, 4, MapAccess::read_only), Contains("map " + fifo.string() + ": it is a FIFO;"));
        CHECK_THROWS_WITH(map_file("/dev/null", 0, std::nullopt, MapAccess::read_only),
                          Contains("it is a character device, whose size is unknown"));
    }
}

TEST_CASE("a read-only file mapped read-write is refused with EACCES naming it") {
    const TempDir dir;
    const fs::path image = make_image(dir.path() / "image.bin", 0x100);
    REQUIRE(::chmod(image.c_str(), 0444) == 0);
    // Read-only access still maps it.
    CHECK(map_file(image, 0, std::nullopt, MapAccess::read_only).region().read<std::uint32_t>(0) == 0xA0000000U);

    // root may open any file for writing: as root the attempt runs in a child without privileges.
    std::string message;
    int code = 0;
    if (::geteuid() != 0) {
        try {
            (void)map_file(image, 0, std::nullopt, MapAccess::read_write);
        } catch (const Error& e) {
            message = e.what();
            code = e.code().value();
        }
    } else {
        REQUIRE(::chmod(dir.path().c_str(), 0755) == 0);  // the unprivileged child must reach the file
        int pipe_fds[2];
        REQUIRE(::pipe(pipe_fds) == 0);
        const pid_t child = ::fork();
        REQUIRE(child >= 0);
        if (child == 0) {
            ::close(pipe_fds[0]);
            std::string report = "no error";
            if (::setgid(65534) != 0 || ::setuid(65534) != 0) {
                report = "setuid failed";
            } else {
                try {
                    (void)map_file(image, 0, std::nullopt, MapAccess::read_write);
                } catch (const Error& e) {
                    report = std::to_string(e.code().value()) + " " + e.what();
                }
            }
            (void)!::write(pipe_fds[1], report.data(), report.size());
            ::_exit(0);
        }
        ::close(pipe_fds[1]);
        std::string report;
        char buffer[512];
        for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;) report.append(buffer, static_cast<std::size_t>(n));
        ::close(pipe_fds[0]);
        int status = 0;
        ::waitpid(child, &status, 0);
        INFO("the unprivileged child reported: " << report);
        const auto space = report.find(' ');
        REQUIRE((space != std::string::npos && std::isdigit(static_cast<unsigned char>(report.front()))));
        code = std::stoi(report.substr(0, space));
        message = report.substr(space + 1);
    }
    CHECK(code == EACCES);
    CHECK_THAT(message, Contains("open " + image.string() + " for writing") && Contains("Permission denied"));
}
