// Errors: one hierarchy rooted in std::system_error. what() says what was being done and on which
// path, e.g. "mmap map1 'ids' of /dev/uio3 (size 0x2000): Invalid argument".
#pragma once

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <system_error>
#include <utility>

#include <uiokit/export.hpp>

namespace uiokit {

class UIOKIT_EXPORT Error : public std::system_error {
public:
    // `context` says what was being done, e.g. "open /dev/uio3".
    Error(int errno_value, const std::string& context)
        : std::system_error(errno_value, std::generic_category(), context) {}
};

// A sysfs attribute (or other input) is missing, empty or not in the kernel's format.
class UIOKIT_EXPORT ParseError : public Error {
public:
    explicit ParseError(const std::string& context) : Error(EINVAL, context) {}
};

// No device matches a selector; the message lists the devices that exist.
class UIOKIT_EXPORT DeviceNotFoundError : public Error {
public:
    explicit DeviceNotFoundError(const std::string& context) : Error(ENODEV, context) {}
};

// An offset, width or index outside what a map, register or field allows.
class UIOKIT_EXPORT RangeError : public Error {
public:
    explicit RangeError(const std::string& context) : Error(ERANGE, context) {}
};

// The device has no interrupt: its kernel driver registered it without an IRQ (the enabling write
// gives EIO, poll gives POLLERR), e.g. uio_pdrv_genirq for a device-tree node without `interrupts`.
// A driver without irqcontrol is not this: its device has an interrupt that cannot be enabled or
// disabled by writes (uiokit::Error with ENOSYS); waits work.
class UIOKIT_EXPORT NoInterruptError : public Error {
public:
    explicit NoInterruptError(const std::string& context) : Error(EIO, context) {}
};
// What is known of a device without an interrupt, for messages: "DEVICE has no interrupt (this)".
inline constexpr const char* no_interrupt_reason =
    "its kernel driver registered it without one; uio_pdrv_genirq does for a device-tree node without 'interrupts'";

// The device was unregistered (driver unbound, module removed) while it was open.
class UIOKIT_EXPORT DeviceRemovedError : public Error {
public:
    explicit DeviceRemovedError(const std::string& context) : Error(EIO, context) {}
};

// A bus error (SIGBUS) during a guarded access (Region::read_guarded/write_guarded under a
// BusErrorGuard): the mapped file shrank under the mapping, or the device refused the access.
// what() names the window and the offset.
class UIOKIT_EXPORT BusError : public Error {
public:
    BusError(const std::string& context, std::size_t offset) : Error(EFAULT, context), offset_(offset) {}
    [[nodiscard]] std::size_t offset() const noexcept { return offset_; }

private:
    std::size_t offset_;
};

// A window of a file that cannot be mapped whatever the permissions (map_file, map_physical in
// <uiokit/file_mapping.hpp>); nothing was mapped. The file's type has no such mapping (a directory,
// FIFO, socket or block device: ENODEV), the window is empty or its size unknown (EINVAL), or it
// reaches beyond the end of a regular file (ERANGE: touching that part would be SIGBUS). what() is
// "map PATH: DETAIL: ..."; detail() alone lets a caller name the file its own way (regtool: --file).
class UnmappableError : public Error {
public:
    UnmappableError(int errno_value, const std::string& path, std::string detail,
                    std::optional<std::uint64_t> file_size = std::nullopt)
        : Error(errno_value, "map " + path + ": " + detail), detail_(std::move(detail)), file_size_(file_size) {}
    [[nodiscard]] const std::string& detail() const noexcept { return detail_; }
    // The size of a regular file, when that is what the window did not fit.
    [[nodiscard]] std::optional<std::uint64_t> file_size() const noexcept { return file_size_; }

private:
    std::string detail_;
    std::optional<std::uint64_t> file_size_;
};

// A device tree that cannot be used: the DTB is absent or unreadable (errno from the read), or
// malformed (EINVAL: bad magic, truncated, offsets outside the blob), or a node's property is not in
// the format the binding requires. what() names the DTB and, where there is one, the node.
class UIOKIT_EXPORT DeviceTreeError : public Error {
public:
    explicit DeviceTreeError(const std::string& context) : Error(EINVAL, context) {}
    DeviceTreeError(int errno_value, const std::string& context) : Error(errno_value, context) {}
};

}  // namespace uiokit
