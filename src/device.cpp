#include <uiokit/device.hpp>

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <limits>

#include <uiokit/error.hpp>

#include "interrupt_state.hpp"
#include "sysfs.hpp"
#include "uio_protocol.hpp"

namespace uiokit {
namespace {

detail::DeviceFiles open_node(const DeviceInfo& info, const OpenOptions& options) {
    const int flags = (options.writable ? O_RDWR : O_RDONLY) | O_CLOEXEC;
    detail::DeviceFiles files;
    files.node = UniqueFd(::open(info.dev_node.c_str(), flags));
    if (!files.node) {
        const int err = errno;
        throw Error(err, "open " + info.dev_node.string() + " ('" + info.name + "')" +
                             (err == EACCES ? " (install the udev rule for group access, or run as root)" : ""));
    }
    return files;
}

// Whether the device has an interrupt. A writable open asked to enable it does so: the kernel
// protocol's write of 1 right after open (an interrupt before open left the line disabled); EIO
// means no interrupt. Other opens must not change the device, so they only poll: POLLERR means no
// interrupt.
bool probe_interrupt(int fd, const OpenOptions& options, const std::string& path) {
    if (options.writable && options.interrupt == InterruptAtOpen::enable) {
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

struct UIOKIT_INTERNAL Device::Impl {
    struct Mapping {
        void* address = nullptr;
        std::size_t length = 0;
    };

    Impl(DeviceInfo device, const OpenOptions& how, detail::DeviceFiles opened, std::uint32_t count_at_open)
        : info(std::move(device)), options(how), files(std::move(opened)), mappings(info.maps.size()),
          interrupt(std::make_unique<Interrupt::State>(
              files.node.get(), info.dev_node.string(), count_at_open,
              probe_interrupt(files.node.get(), options, info.dev_node.string()), options.writable)) {}
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;
    ~Impl() { unmap_all(); }

    void unmap_all() noexcept;
    Region map(unsigned index, bool whole_pages);

    DeviceInfo info;
    OpenOptions options;
    detail::DeviceFiles files;
    std::vector<Mapping> mappings;  // one per map, in info.maps' order; null until mapped
    Interrupt interrupt;
};

Device Device::open(const Selector& selector, const OpenOptions& options, const Host& host) {
    return open(find(selector, host), options, host);
}

Device Device::open(DeviceInfo info, const OpenOptions& options, const Host& host) {
    // The count before open: an interrupt between this read and open() shows up as missed, which
    // it was. Reading it after open could instead make the first wait report a count we already had.
    const std::uint32_t count_at_open =
        sysfs::parse_u32(sysfs::read_attribute(info.sysfs_dir / "event"), info.sysfs_dir / "event");
    detail::DeviceFiles files = host.opener ? host.opener(info, options) : open_node(info, options);
    if (!files.node) throw Error(EBADF, "open " + info.dev_node.string() + ": opener returned no file");
    return Device(std::make_unique<Impl>(std::move(info), options, std::move(files), count_at_open));
}

Device::Device(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
Device::Device(Device&&) noexcept = default;
Device& Device::operator=(Device&&) noexcept = default;
Device::~Device() = default;

const DeviceInfo& Device::info() const noexcept { return impl_->info; }
const OpenOptions& Device::options() const noexcept { return impl_->options; }
int Device::fd() const noexcept { return impl_->files.node.get(); }
Interrupt& Device::interrupt() noexcept { return impl_->interrupt; }

void Device::Impl::unmap_all() noexcept {
    for (Mapping& m : mappings)
        if (m.address) ::munmap(m.address, m.length);
    mappings.clear();
}

Region Device::map(unsigned index) { return impl_->map(index, false); }
Region Device::map_whole_pages(unsigned index) { return impl_->map(index, true); }

Region Device::Impl::map(unsigned index, bool whole_pages) {
    std::size_t slot = info.maps.size();
    for (std::size_t i = 0; i < info.maps.size(); ++i)
        if (info.maps[i].index == index) slot = i;
    if (slot == info.maps.size()) (void)info.map(index);  // throws RangeError naming the device
    const MapInfo& map = info.maps[slot];
    const std::string description = "map" + std::to_string(index) + " '" + map.name + "' of " + info.dev_node.string() +
                                    (whole_pages && map.bound() < map.window_size() ? " (whole pages)" : "");
    const bool map_writable = options.writable;

    Mapping& mapping = mappings[slot];
    if (!mapping.address) {
        if (map.size > std::numeric_limits<std::size_t>::max())
            throw RangeError("mmap " + description + ": size " + sysfs::hex(map.size) + " does not fit in memory");
        const int fd = files.node.get();
        const long page_size = ::sysconf(_SC_PAGESIZE);
        const off_t selector = static_cast<off_t>(index) * page_size;  // the kernel picks map N by offset N pages
        const int prot = PROT_READ | (map_writable ? PROT_WRITE : 0);
        void* address = ::mmap(nullptr, static_cast<std::size_t>(map.size), prot, MAP_SHARED, fd, selector);
        if (address == MAP_FAILED)
            throw Error(errno, "mmap " + description + " (size " + sysfs::hex(map.size) + ")");
        mapping = {address, static_cast<std::size_t>(map.size)};
    }
    auto* base = static_cast<volatile std::byte*>(mapping.address) + map.offset;
    // The page's rest, past the device's `reg`, may be another device's registers: only on request.
    const std::uint64_t length = whole_pages ? map.window_size() : map.bound();
    return Region(base, static_cast<std::size_t>(length), map_writable, description);
}

Region Device::map(std::string_view name) {
    const DeviceInfo& info = impl_->info;
    std::string names;
    std::vector<unsigned> matches;
    for (const MapInfo& m : info.maps) {
        if (m.name == name) matches.push_back(m.index);
        names += (names.empty() ? "" : ", ") + ("'" + m.name + "'");
    }
    // Without reg-names the kernel names every map of a node after the node: then only an index says
    // which one.
    if (matches.size() > 1) {
        std::string indices;
        for (unsigned index : matches) indices += (indices.empty() ? "map" : ", map") + std::to_string(index);
        throw RangeError(info.dev_node.string() + " ('" + info.name + "'): " + indices + " are all named '" +
                         std::string(name) + "'; select the map by index");
    }
    if (matches.size() == 1) return map(matches.front());
    throw RangeError(info.dev_node.string() + " ('" + info.name + "') has no map named '" + std::string(name) +
                     "'; its maps: " + (names.empty() ? "none" : names));
}

}  // namespace uiokit
