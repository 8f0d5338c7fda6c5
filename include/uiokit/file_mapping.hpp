// A window of a file mapped into memory and owned: a register image (a regular file), a device node,
// or physical memory through /dev/mem. What Device::map is for a UIO device, for any mappable file.
// The mapping lives as long as its FileMapping: unmapped on destruction, movable, not copyable; the
// Regions it yields must not outlive it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <utility>

#include <uiokit/region.hpp>

namespace uiokit {

enum class MapAccess {
    read_only,   // PROT_READ: the Region refuses writes
    read_write,  // the file is opened O_RDWR and mapped PROT_READ | PROT_WRITE, MAP_SHARED
};

class FileMapping {
public:
    FileMapping() = default;  // maps nothing: an empty region
    FileMapping(FileMapping&& other) noexcept;
    FileMapping& operator=(FileMapping&& other) noexcept;
    FileMapping(const FileMapping&) = delete;
    FileMapping& operator=(const FileMapping&) = delete;
    ~FileMapping();

    // The window asked for: it starts at the requested offset, whatever the page rounding below it.
    [[nodiscard]] const Region& region() const noexcept { return region_; }
    [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
    [[nodiscard]] std::uint64_t offset() const noexcept { return offset_; }

private:
    friend FileMapping map_file(const std::filesystem::path&, std::uint64_t, std::optional<std::uint64_t>, MapAccess);
    friend FileMapping map_physical(std::uint64_t, std::uint64_t, MapAccess, const std::filesystem::path&);

    FileMapping(void* address, std::size_t length, Region region, std::filesystem::path path, std::uint64_t offset)
        : address_(address), length_(length), region_(std::move(region)), path_(std::move(path)), offset_(offset) {}
    void unmap() noexcept;

    void* address_ = nullptr;   // mmap's result: the page that holds the window's start
    std::size_t length_ = 0;    // what was mapped from there: the window and the page offset before it
    Region region_;
    std::filesystem::path path_;
    std::uint64_t offset_ = 0;
};

// Maps [offset, offset + size) of `path`, a regular file or a character device. mmap maps whole pages,
// so the mapping starts at the page below `offset` and region() starts inside it. Without `size` the
// window runs to the end of a regular file (a character device has no size: give one). The file is
// opened non-blocking (a FIFO is refused by its type, never waited on) and closed once mapped.
// Throws UnmappableError when the window cannot be mapped from this file (its type, an empty window,
// beyond the end of a regular file), Error with errno when open, fstat or mmap fail; each names the
// path, and the offset and size where they matter.
[[nodiscard]] FileMapping map_file(const std::filesystem::path& path, std::uint64_t offset,
                                   std::optional<std::uint64_t> size, MapAccess access);

// Maps `size` bytes of physical memory at `phys` through `devmem` (/dev/mem, opened O_SYNC as busybox
// devmem does: the kernel then maps even a RAM range non-cacheable; device ranges are anyway). Needs CAP_SYS_RAWIO, and a kernel whose
// CONFIG_STRICT_DEVMEM lets the range through. The region's description says "/dev/mem at 0xPHYS".
[[nodiscard]] FileMapping map_physical(std::uint64_t phys, std::uint64_t size, MapAccess access,
                                       const std::filesystem::path& devmem = "/dev/mem");

}  // namespace uiokit
