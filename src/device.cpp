#include <uiokit/device.hpp>

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <limits>

#include <uiokit/error.hpp>

#include "sysfs.hpp"
#include "uio_protocol.hpp"

namespace uiokit {
namespace {

DeviceFiles open_node(const DeviceInfo& info, OpenMode mode) {
    const int flags = (writable(mode) ? O_RDWR : O_RDONLY) | O_CLOEXEC;
    DeviceFiles files;
    files.node = UniqueFd(::open(info.dev_node.c_str(), flags));
    if (!files.node) {
        const int err = errno;
        throw Error(err, "open " + info.dev_node.string() + " ('" + info.name + "')" +
                             (err == EACCES ? " (install the udev rule for group access, or run as root)" : ""));
    }
    return files;
}

// Whether the device has an interrupt. read_write also enables it: the kernel protocol's write of 1
// right after open (an interrupt before open left the line disabled); EIO means no interrupt. The
// other modes must not change the device, so they only poll: POLLERR means no interrupt.
bool probe_interrupt(int fd, OpenMode mode, const std::string& path) {
    if (mode == OpenMode::read_write) {
        switch (const int err = uio_protocol::write_control(fd, 1)) {
            case 0: return true;
            case EIO: return false;
            case ENOSYS: return true;  // an interrupt without irqcontrol: waits still work
            default: uio_protocol::throw_error(err, "enable interrupt of " + path, true);
        }
    }
    pollfd p{fd, POLLIN, 0};
    while (::poll(&p, 1, 0) < 0)
        if (errno != EINTR) throw Error(errno, "poll " + path);
    return (p.revents & POLLERR) == 0;
}

}  // namespace

Device Device::open(const Selector& selector, OpenMode mode, const Host& host) {
    return open(find(selector, host), mode, host);
}

Device Device::open(DeviceInfo info, OpenMode mode, const Host& host) {
    // The count before open: an interrupt between this read and open() shows up as missed, which
    // it was. Reading it after open could instead make the first wait report a count we already had.
    const std::uint32_t count_at_open =
        sysfs::parse_u32(sysfs::read_attribute(info.sysfs_dir / "event"), info.sysfs_dir / "event");
    DeviceFiles files = host.opener ? host.opener(info, mode) : open_node(info, mode);
    if (!files.node) throw Error(EBADF, "open " + info.dev_node.string() + ": opener returned no file");
    return Device(std::move(info), mode, std::move(files), count_at_open);
}

Device::Device(DeviceInfo info, OpenMode mode, DeviceFiles files, std::uint32_t count_at_open)
    : info_(std::move(info)), mode_(mode), files_(std::move(files)), mappings_(info_.maps.size()),
      interrupt_(files_.node.get(), info_.dev_node.string(), count_at_open,
                 probe_interrupt(files_.node.get(), mode_, info_.dev_node.string()), writable(mode_)) {}

Device::Device(Device&& other) noexcept
    : info_(std::move(other.info_)), mode_(other.mode_), files_(std::move(other.files_)),
      mappings_(std::move(other.mappings_)), interrupt_(std::move(other.interrupt_)) {
    other.mappings_.clear();
}

Device& Device::operator=(Device&& other) noexcept {
    if (this != &other) {
        unmap_all();
        info_ = std::move(other.info_);
        mode_ = other.mode_;
        files_ = std::move(other.files_);
        mappings_ = std::move(other.mappings_);
        other.mappings_.clear();
        interrupt_ = std::move(other.interrupt_);
    }
    return *this;
}

Device::~Device() { unmap_all(); }

void Device::unmap_all() noexcept {
    for (Mapping& m : mappings_)
        if (m.address) ::munmap(m.address, m.length);
    mappings_.clear();
}

Region Device::map(unsigned index) {
    std::size_t slot = info_.maps.size();
    for (std::size_t i = 0; i < info_.maps.size(); ++i)
        if (info_.maps[i].index == index) slot = i;
    if (slot == info_.maps.size()) (void)info_.map(index);  // throws RangeError naming the device
    const MapInfo& map = info_.maps[slot];
    const std::string description = "map" + std::to_string(index) + " '" + map.name + "' of " + info_.dev_node.string();
    const bool map_writable = writable(mode_);

    Mapping& mapping = mappings_[slot];
    if (!mapping.address) {
        if (map.size > std::numeric_limits<std::size_t>::max())
            throw RangeError("mmap " + description + ": size " + sysfs::hex(map.size) + " does not fit in memory");
        const int fd = files_.node.get();
        const long page_size = ::sysconf(_SC_PAGESIZE);
        const off_t selector = static_cast<off_t>(index) * page_size;  // the kernel picks map N by offset N pages
        const int prot = PROT_READ | (map_writable ? PROT_WRITE : 0);
        void* address = ::mmap(nullptr, static_cast<std::size_t>(map.size), prot, MAP_SHARED, fd, selector);
        if (address == MAP_FAILED)
            throw Error(errno, "mmap " + description + " (size " + sysfs::hex(map.size) + ")");
        mapping = {address, static_cast<std::size_t>(map.size)};
    }
    auto* base = static_cast<volatile std::byte*>(mapping.address) + map.offset;
    return Region(base, static_cast<std::size_t>(map.size - map.offset), map_writable, description);
}

Region Device::map(std::string_view name) {
    std::string names;
    std::vector<unsigned> matches;
    for (const MapInfo& m : info_.maps) {
        if (m.name == name) matches.push_back(m.index);
        names += (names.empty() ? "" : ", ") + ("'" + m.name + "'");
    }
    // Without reg-names the kernel names every map of a node after the node: then only an index says
    // which one.
    if (matches.size() > 1) {
        std::string indices;
        for (unsigned index : matches) indices += (indices.empty() ? "map" : ", map") + std::to_string(index);
        throw RangeError(info_.dev_node.string() + " ('" + info_.name + "'): " + indices + " are all named '" +
                         std::string(name) + "'; select the map by index");
    }
    if (matches.size() == 1) return map(matches.front());
    throw RangeError(info_.dev_node.string() + " ('" + info_.name + "') has no map named '" + std::string(name) +
                     "'; its maps: " + (names.empty() ? "none" : names));
}

}  // namespace uiokit
