// Owned mmap of a window of a file or of /dev/mem.
#include <uiokit/file_mapping.hpp>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <limits>
#include <string>
#include <utility>

#include <uiokit/error.hpp>
#include <uiokit/unique_fd.hpp>

#include "sysfs.hpp"

namespace uiokit {

FileMapping::FileMapping(FileMapping&& other) noexcept
    : address_(std::exchange(other.address_, nullptr)),
      length_(std::exchange(other.length_, 0)),
      region_(std::exchange(other.region_, Region())),
      path_(std::move(other.path_)),
      offset_(other.offset_) {}

FileMapping& FileMapping::operator=(FileMapping&& other) noexcept {
    if (this != &other) {
        unmap();
        address_ = std::exchange(other.address_, nullptr);
        length_ = std::exchange(other.length_, 0);
        region_ = std::exchange(other.region_, Region());
        path_ = std::move(other.path_);
        offset_ = other.offset_;
    }
    return *this;
}

FileMapping::~FileMapping() { unmap(); }

void FileMapping::unmap() noexcept {
    if (address_) ::munmap(address_, length_);
    address_ = nullptr;
    length_ = 0;
    region_ = Region();
}

namespace {

const char* unmappable_type(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISBLK(mode)) return "a block device";
    return "neither a regular file nor a character device";
}

// "0x100 bytes at 0x80", or "0x100 bytes" at offset 0: the window, for messages.
std::string window_text(std::uint64_t size, std::uint64_t offset) {
    return sysfs::hex(size) + " bytes" + (offset ? " at " + sysfs::hex(offset) : std::string());
}

// What map_window mapped, for FileMapping's constructor (which only map_file and map_physical reach).
struct Mapped {
    void* address = nullptr;
    std::size_t length = 0;
    Region region;
};

Mapped map_window(const std::filesystem::path& path, std::uint64_t offset, std::optional<std::uint64_t> size,
                       MapAccess access, int extra_open_flags, std::string description) {
    const std::string name = path.string();
    const bool writable = access == MapAccess::read_write;
    // O_NONBLOCK: a FIFO would otherwise block in open() until a writer comes, before any check.
    // The descriptor is closed once mapped (the mapping keeps the file), so the flag never matters
    // for an access.
    const UniqueFd fd(::open(name.c_str(),
                             (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | extra_open_flags));
    if (!fd) {
        const int err = errno;
        if (err == EISDIR)
            throw UnmappableError(ENODEV, name, "it is a directory; only a regular file or a character device can be mapped");
        throw Error(err, "open " + name + (writable ? " for writing" : " for reading"));
    }

    struct stat st {};
    if (::fstat(fd.get(), &st) < 0) throw Error(errno, "stat " + name);
    const bool regular = S_ISREG(st.st_mode);
    if (!regular && !S_ISCHR(st.st_mode))
        throw UnmappableError(ENODEV, name, std::string("it is ") + unmappable_type(st.st_mode) +
                                                "; only a regular file or a character device can be mapped");
    const auto file_size = static_cast<std::uint64_t>(st.st_size);
    std::uint64_t window = 0;
    if (size) {
        window = *size;
        if (window == 0) throw UnmappableError(EINVAL, name, "the window is empty (size 0 at " + sysfs::hex(offset) + ")");
    } else {
        if (!regular) throw UnmappableError(EINVAL, name, "it is a character device, whose size is unknown: give the window's size");
        if (file_size == 0) throw UnmappableError(EINVAL, name, "it is empty (0 bytes): nothing to map", file_size);
        if (offset >= file_size)
            throw UnmappableError(ERANGE, name, "offset " + sysfs::hex(offset) + " is at or beyond its end, at " +
                                                    sysfs::hex(file_size) + " (" + std::to_string(file_size) + " bytes)",
                                  file_size);
        window = file_size - offset;
    }
    // mmap maps past the end of a regular file, and touching a page beyond it is SIGBUS. (A device
    // such as /dev/mem has no size to check against.)
    if (regular && (offset > file_size || window > file_size - offset))
        throw UnmappableError(ERANGE, name,
                              window_text(window, offset) + " reach beyond its end: it is " + sysfs::hex(file_size) +
                                  " (" + std::to_string(file_size) + ") bytes",
                              file_size);

    // mmap needs a page-aligned file offset: the mapping starts at the page below, the window inside it.
    const auto page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
    const std::uint64_t page_base = offset & ~(page - 1);
    const std::uint64_t in_page = offset - page_base;
    if (window > std::numeric_limits<std::size_t>::max() - in_page ||
        page_base > static_cast<std::uint64_t>(std::numeric_limits<off_t>::max()))
        throw UnmappableError(EOVERFLOW, name, window_text(window, offset) + " do not fit in this process's address space");
    const auto length = static_cast<std::size_t>(in_page + window);
    void* address = ::mmap(nullptr, length, PROT_READ | (writable ? PROT_WRITE : 0), MAP_SHARED, fd.get(),
                           static_cast<off_t>(page_base));
    if (address == MAP_FAILED)
        throw Error(errno, "mmap " + name + ": " + window_text(window, offset) + " (" + sysfs::hex(length) +
                               " bytes from the page at " + sysfs::hex(page_base) + ")" +
                               (writable ? " for writing" : " for reading"));

    return {address, length,
            Region(static_cast<volatile std::byte*>(address) + in_page, static_cast<std::size_t>(window), writable,
                   std::move(description))};
}

}  // namespace

FileMapping map_file(const std::filesystem::path& path, std::uint64_t offset, std::optional<std::uint64_t> size,
                     MapAccess access) {
    Mapped mapped = map_window(path, offset, size, access, 0, path.string());
    return FileMapping(mapped.address, mapped.length, std::move(mapped.region), path, offset);
}

FileMapping map_physical(std::uint64_t phys, std::uint64_t size, MapAccess access, const std::filesystem::path& devmem) {
    Mapped mapped = map_window(devmem, phys, size, access, O_SYNC, devmem.string() + " at " + sysfs::hex(phys));
    return FileMapping(mapped.address, mapped.length, std::move(mapped.region), devmem, phys);
}

}  // namespace uiokit
