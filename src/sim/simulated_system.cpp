#include <uiokit/sim/simulated_system.hpp>

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

#include <uiokit/discovery.hpp>
#include <uiokit/error.hpp>

#include "../sysfs.hpp"

namespace fs = std::filesystem;

namespace uiokit::sim {
namespace {

std::uint64_t page_size() { return static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE)); }

void write_file(const fs::path& file, const std::string& text) {
    std::ofstream out(file, std::ios::trunc);
    out << text;
    if (!out) throw Error(errno, "simulator: write " + file.string());
}

// Hex digits without "0x": unit addresses in node and platform device names.
std::string hex_digits(std::uint64_t value) { return sysfs::hex(value).substr(2); }

// The kernel's %pa: 0x and the address zero-padded to the width of phys_addr_t (64-bit here).
std::string format_pa(std::uint64_t value) {
    std::array<char, 24> text{};  // "0x" + 16 digits + "\n" + NUL
    (void)std::snprintf(text.data(), text.size(), "0x%016" PRIx64 "\n", value);  // always fits
    return text.data();
}

// The kernel's 0x%llx.
std::string format_llx(std::uint64_t value) { return sysfs::hex(value) + "\n"; }

struct SimMap {
    UniqueFd memfd;
    void* test_mapping = nullptr;
    std::size_t file_size = 0;
    std::uint64_t addr = 0, size = 0, offset = 0;
};

// One open of the device node. The library's descriptor is the master side of a pseudo-terminal
// in raw mode and the simulator holds the slave side: bytes pass unchanged both ways, and closing
// the slave makes the master's blocked and later reads fail with EIO, as reads of /dev/uioN do
// once the driver is unbound.
struct Listener {
    UniqueFd device_end;   // the simulator's side (the pty slave), non-blocking; closed by remove()
    UniqueFd library_end;  // a duplicate of the library's descriptor, to flush an unread count
    std::array<unsigned char, 4> partial{};  // bytes received so far of the next 4-byte write
    std::size_t partial_size = 0;
};

void make_raw(int fd, const char* what) {
    termios mode{};
    if (::tcgetattr(fd, &mode) < 0) throw Error(errno, std::string("simulator: tcgetattr ") + what);
    ::cfmakeraw(&mode);  // no echo, no line editing, no signals, no CR/LF translation, VMIN 1
    if (::tcsetattr(fd, TCSANOW, &mode) < 0) throw Error(errno, std::string("simulator: tcsetattr ") + what);
}

// A new pseudo-terminal: its master, and the path of its slave.
std::pair<UniqueFd, std::string> open_pty() {
    UniqueFd master(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!master || ::grantpt(master.get()) < 0 || ::unlockpt(master.get()) < 0)
        throw Error(errno, "simulator: posix_openpt");
    char name[64];
    if (::ptsname_r(master.get(), name, sizeof name) != 0) throw Error(errno, "simulator: ptsname_r");
    return {std::move(master), name};
}

}  // namespace

struct SimulatedSystem::Impl {
    fs::path root;
    std::mutex mutex;
    std::vector<std::unique_ptr<SimulatedDevice>> devices;
    UniqueFd epoll;
    UniqueFd wake;
    std::thread service;
    std::atomic<bool> stopping{false};

    void serve();
    DeviceFiles open(const DeviceInfo& info, OpenMode mode);
};

struct SimulatedDevice::State {
    SimulatedSystem::Impl* system = nullptr;
    unsigned index = 0;
    DeviceSpec spec;
    fs::path event_file;
    // Kept open and rewritten in place: truncating and rewriting a file through a new stream made
    // ext4 flush it on close (auto_da_alloc), 100 times slower than the interrupt path it serves.
    UniqueFd event_fd;
    std::vector<SimMap> maps;
    std::vector<std::unique_ptr<Listener>> listeners;

    // Guarded by system->mutex.
    std::uint32_t count = 0;
    bool enabled = true;   // uio_pdrv_genirq enables the line at probe
    bool pending = false;  // an interrupt came while the line was disabled
    bool level = false;    // a level-triggered source is asserting the line (set_irq_line)
    bool removed = false;  // remove() was called: opens fail, reads fail with EIO
    std::vector<std::uint32_t> control_writes;
    mutable std::condition_variable control_changed;

    // The kernel's uio_event_notify: bump the count, wake every listener with the newest count.
    void fire_locked() {
        ++count;
        if (spec.handler_disables_irq) enabled = false;  // uio_pdrv_genirq's handler: disable_irq_nosync
        pending = false;
        write_event_file_locked();
        for (auto& listener : listeners) deliver_locked(*listener);
    }

    void write_event_file_locked() const {
        const std::string text = std::to_string(count) + "\n";
        if (::pwrite(event_fd.get(), text.data(), text.size(), 0) != static_cast<ssize_t>(text.size()) ||
            ::ftruncate(event_fd.get(), static_cast<off_t>(text.size())) != 0)
            throw Error(errno, "simulator: write " + event_file.string());
    }

    void deliver_locked(Listener& listener) const {
        if (!listener.device_end) return;  // removed
        // A read returns the count at the time of the read: drop an unread older count first.
        (void)::tcflush(listener.library_end.get(), TCIFLUSH);
        const std::uint32_t value = count;
        (void)::write(listener.device_end.get(), &value, sizeof value);
    }

    void control_write_locked(std::uint32_t value) {
        control_writes.push_back(value);
        if (value == 1) {
            enabled = true;
            // enable_irq on a level line that is still asserted takes the interrupt at once.
            if (pending || level) fire_locked();
        } else if (value == 0) {
            enabled = false;
        }
        control_changed.notify_all();
    }
};

SimulatedDevice::SimulatedDevice(std::unique_ptr<State> state) : state_(std::move(state)) {}

SimulatedDevice::~SimulatedDevice() {
    for (SimMap& map : state_->maps)
        if (map.test_mapping) ::munmap(map.test_mapping, map.file_size);
}

unsigned SimulatedDevice::index() const noexcept { return state_->index; }
const DeviceSpec& SimulatedDevice::spec() const noexcept { return state_->spec; }

void SimulatedDevice::remove() {
    std::lock_guard lock(state_->system->mutex);
    state_->removed = true;
    // Closing the pty slaves makes every blocked and later read on the library's descriptors fail
    // with EIO and every poll report POLLHUP, as the kernel's uio_read does after unbind. A count
    // not read yet is dropped first: the kernel does not return it either.
    for (auto& listener : state_->listeners) {
        if (!listener->device_end) continue;
        (void)::tcflush(listener->library_end.get(), TCIFLUSH);
        (void)::epoll_ctl(state_->system->epoll.get(), EPOLL_CTL_DEL, listener->device_end.get(), nullptr);
        listener->device_end = UniqueFd();
    }
    std::error_code ec;
    const fs::path root = state_->system->root;
    const std::string uio = "uio" + std::to_string(state_->index);
    fs::remove(root / "sys/class/uio" / uio, ec);
    fs::remove(root / "dev" / uio, ec);
}

Region SimulatedDevice::memory(unsigned map) const {
    if (map >= state_->maps.size())
        throw RangeError("simulated uio" + std::to_string(state_->index) + " has no map" + std::to_string(map));
    const SimMap& m = state_->maps[map];
    auto* base = static_cast<volatile std::byte*>(m.test_mapping) + map * page_size() + m.offset;
    return Region(base, static_cast<std::size_t>(m.size - m.offset), true,
                  "simulated map" + std::to_string(map) + " of uio" + std::to_string(state_->index));
}

void SimulatedDevice::require_interrupt() const {
    if (!state_->spec.has_interrupt)
        throw std::logic_error("simulated uio" + std::to_string(state_->index) + " has no interrupt");
}

void SimulatedDevice::raise_interrupt() {
    require_interrupt();
    std::lock_guard lock(state_->system->mutex);
    if (state_->enabled)
        state_->fire_locked();
    else
        state_->pending = true;
}

void SimulatedDevice::set_irq_line(bool asserted) {
    require_interrupt();
    std::lock_guard lock(state_->system->mutex);
    state_->level = asserted;
    if (asserted && state_->enabled) state_->fire_locked();
}

std::uint32_t SimulatedDevice::event_count() const {
    std::lock_guard lock(state_->system->mutex);
    return state_->count;
}

bool SimulatedDevice::interrupt_enabled() const {
    std::lock_guard lock(state_->system->mutex);
    return state_->enabled;
}

bool SimulatedDevice::interrupt_pending() const {
    std::lock_guard lock(state_->system->mutex);
    return state_->pending;
}

std::vector<std::uint32_t> SimulatedDevice::control_writes() const {
    std::lock_guard lock(state_->system->mutex);
    return state_->control_writes;
}

bool SimulatedDevice::wait_for_control_writes(std::size_t n, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(state_->system->mutex);
    return state_->control_changed.wait_for(lock, timeout, [&] { return state_->control_writes.size() >= n; });
}

void SimulatedDevice::set_event_count(std::uint32_t count) {
    std::lock_guard lock(state_->system->mutex);
    state_->count = count;
    state_->write_event_file_locked();
}

SimulatedSystem::SimulatedSystem() : impl_(std::make_unique<Impl>()) {
    std::string pattern = (fs::temp_directory_path() / "uiokit-sim-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw Error(errno, "simulator: mkdtemp " + pattern);
    impl_->root = pattern;
    for (const char* dir : {"sys/class/uio", "sys/devices/platform", "sys/firmware/devicetree/base", "dev"})
        fs::create_directories(impl_->root / dir);

    impl_->epoll = UniqueFd(::epoll_create1(EPOLL_CLOEXEC));
    impl_->wake = UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!impl_->epoll || !impl_->wake) throw Error(errno, "simulator: epoll/eventfd");
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = nullptr;
    if (::epoll_ctl(impl_->epoll.get(), EPOLL_CTL_ADD, impl_->wake.get(), &ev) < 0)
        throw Error(errno, "simulator: epoll_ctl");
    impl_->service = std::thread([impl = impl_.get()] { impl->serve(); });
}

SimulatedSystem::~SimulatedSystem() {
    impl_->stopping = true;
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(impl_->wake.get(), &one, sizeof one);
    impl_->service.join();
    impl_->devices.clear();
    std::error_code ec;
    fs::remove_all(impl_->root, ec);
}

// Reads the library's 4-byte enable/disable writes, as the kernel's uio_write would.
void SimulatedSystem::Impl::serve() {
    epoll_event events[16];
    while (!stopping) {
        const int n = ::epoll_wait(epoll.get(), events, 16, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            return;
        }
        for (int i = 0; i < n; ++i) {
            auto* device = static_cast<SimulatedDevice::State*>(events[i].data.ptr);
            if (!device) continue;  // the wake eventfd: `stopping` is checked by the loop
            // Find which of the device's listeners is readable by draining them all.
            std::lock_guard lock(mutex);
            for (auto& listener : device->listeners) {
                if (!listener->device_end) continue;
                // The pty is a byte stream: reassemble the library's 4-byte writes.
                unsigned char bytes[64];
                ssize_t got;
                while ((got = ::read(listener->device_end.get(), bytes, sizeof bytes)) > 0) {
                    for (ssize_t b = 0; b < got; ++b) {
                        listener->partial[listener->partial_size++] = bytes[b];
                        if (listener->partial_size < listener->partial.size()) continue;
                        std::uint32_t value = 0;
                        std::memcpy(&value, listener->partial.data(), sizeof value);
                        device->control_write_locked(value);
                        listener->partial_size = 0;
                    }
                }
            }
        }
    }
}

DeviceFiles SimulatedSystem::Impl::open(const DeviceInfo& info, OpenMode mode) {
    SimulatedDevice::State* device = nullptr;
    const auto removed = [&] {
        return Error(ENODEV, "open " + info.dev_node.string() + " (simulated): the device was removed");
    };
    {
        std::lock_guard lock(mutex);
        for (auto& d : devices)
            if (d->index() == info.index) device = d->state_.get();
        if (device && device->removed) throw removed();
    }
    if (!device) throw Error(ENOENT, "open " + info.dev_node.string() + " (simulated): no such device");

    DeviceFiles files;
    if (device->spec.has_interrupt) {
        auto [master, name] = open_pty();
        auto listener = std::make_unique<Listener>();
        listener->device_end = UniqueFd(::open(name.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK));
        if (!listener->device_end) throw Error(errno, "simulator: open " + name);
        make_raw(master.get(), "pty master");
        make_raw(listener->device_end.get(), name.c_str());
        listener->library_end = UniqueFd(::fcntl(master.get(), F_DUPFD_CLOEXEC, 0));
        if (!listener->library_end) throw Error(errno, "simulator: dup");
        files.node = std::move(master);
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.ptr = device;
        std::lock_guard lock(mutex);
        if (device->removed) throw removed();  // removed while this open was under way
        if (::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, listener->device_end.get(), &ev) < 0)
            throw Error(errno, "simulator: epoll_ctl");
        device->listeners.push_back(std::move(listener));
    } else {
        // No interrupt: a pseudo-terminal whose other side is closed fails writes with EIO and
        // polls POLLERR, as /dev/uioN of a device without an interrupt does.
        const auto [master, name] = open_pty();
        files.node = UniqueFd(::open(name.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC));
        if (!files.node) throw Error(errno, "simulator: open pty");
    }
    const int flags = (writable(mode) ? O_RDWR : O_RDONLY) | O_CLOEXEC;
    for (const SimMap& map : device->maps) {
        const std::string proc = "/proc/self/fd/" + std::to_string(map.memfd.get());
        UniqueFd fd(::open(proc.c_str(), flags));
        if (!fd) throw Error(errno, "simulator: reopen " + proc);
        files.map_files.push_back(std::move(fd));
    }
    return files;
}

SimulatedDevice& SimulatedSystem::add_device(const DeviceSpec& spec, std::optional<unsigned> wanted_index) {
    unsigned index = 0;
    if (wanted_index) {
        index = *wanted_index;
    } else {
        for (const auto& d : impl_->devices) index = std::max(index, d->index() + 1);
    }
    for (const auto& d : impl_->devices)
        if (d->index() == index) throw std::logic_error("simulated uio" + std::to_string(index) + " exists");
    if (spec.maps.size() > 5) throw std::logic_error("UIO devices have at most 5 maps (MAX_UIO_MAPS)");

    auto state = std::make_unique<SimulatedDevice::State>();
    state->system = impl_.get();
    state->index = index;
    state->spec = spec;
    const std::string uio = "uio" + std::to_string(index);
    const std::uint64_t page = page_size();

    std::string of_node = spec.of_node;
    if (of_node.empty())
        of_node = "/" + spec.name + (spec.maps.empty() ? "" : "@" + hex_digits(spec.maps.front().phys));
    const std::string node_name = of_node.substr(of_node.rfind('/') + 1);
    const std::string node_base = node_name.substr(0, node_name.find('@'));
    // The platform device is named "<unit address>.<node name>", as of_device_make_bus_id() does.
    std::string platform_name = (spec.maps.empty() ? "" : hex_digits(spec.maps.front().phys) + ".") + node_base;
    if (fs::exists(impl_->root / "sys/devices/platform" / platform_name)) platform_name += "." + uio;
    const fs::path platform_dir = impl_->root / "sys/devices/platform" / platform_name;
    const fs::path dir = platform_dir / "uio" / uio;
    fs::create_directories(dir / "maps");

    write_file(dir / "name", spec.name + "\n");
    write_file(dir / "version", spec.version + "\n");
    write_file(dir / "event", "0\n");
    write_file(dir / "dev", "243:" + std::to_string(index) + "\n");
    state->event_file = dir / "event";
    state->event_fd = UniqueFd(::open(state->event_file.c_str(), O_WRONLY | O_CLOEXEC));
    if (!state->event_fd) throw Error(errno, "simulator: open " + state->event_file.string());

    for (std::size_t i = 0; i < spec.maps.size(); ++i) {
        const MapSpec& m = spec.maps[i];
        if (m.length == 0) throw std::logic_error("simulated map of length 0");
        SimMap map;
        map.addr = m.phys & ~(page - 1);
        map.offset = m.phys & (page - 1);
        map.size = (map.offset + m.length + page - 1) & ~(page - 1);  // uio_pdrv_genirq's rounding
        const fs::path map_dir = dir / "maps" / ("map" + std::to_string(i));
        fs::create_directories(map_dir);
        write_file(map_dir / "name", (m.name.empty() ? node_name : m.name) + "\n");
        write_file(map_dir / "addr", format_pa(map.addr));
        write_file(map_dir / "size", format_pa(map.size));
        write_file(map_dir / "offset", format_llx(map.offset));

        map.memfd = UniqueFd(::memfd_create(("uiokit-sim-" + uio + "-map" + std::to_string(i)).c_str(), MFD_CLOEXEC));
        if (!map.memfd) throw Error(errno, "simulator: memfd_create");
        map.file_size = static_cast<std::size_t>(i * page + map.size);  // map N lives at offset N pages
        if (::ftruncate(map.memfd.get(), static_cast<off_t>(map.file_size)) < 0)
            throw Error(errno, "simulator: ftruncate");
        map.test_mapping = ::mmap(nullptr, map.file_size, PROT_READ | PROT_WRITE, MAP_SHARED, map.memfd.get(), 0);
        if (map.test_mapping == MAP_FAILED) throw Error(errno, "simulator: mmap");
        state->maps.push_back(std::move(map));
    }

    if (spec.has_of_node) {
        const fs::path node_dir = impl_->root / "sys/firmware/devicetree/base" / of_node.substr(1);
        fs::create_directories(node_dir);
        write_file(node_dir / "name", node_base + std::string(1, '\0'));
        fs::create_symlink(fs::relative(node_dir, platform_dir), platform_dir / "of_node");
    }
    fs::create_directory_symlink(fs::relative(platform_dir, dir), dir / "device");
    fs::create_directory_symlink(fs::relative(dir, impl_->root / "sys/class/uio"), impl_->root / "sys/class/uio" / uio);
    write_file(impl_->root / "dev" / uio, "");  // the node itself is served by the opener

    std::lock_guard lock(impl_->mutex);
    impl_->devices.push_back(std::unique_ptr<SimulatedDevice>(new SimulatedDevice(std::move(state))));
    return *impl_->devices.back();
}

Host SimulatedSystem::host() const {
    Host host;
    host.class_dir = impl_->root / "sys/class/uio";
    host.dev_dir = impl_->root / "dev";
    host.fdt = impl_->root / "sys/firmware/fdt";  // absent until a test puts a DTB there
    host.opener = [impl = impl_.get()](const DeviceInfo& info, OpenMode mode) { return impl->open(info, mode); };
    return host;
}

const fs::path& SimulatedSystem::root() const noexcept { return impl_->root; }
fs::path SimulatedSystem::sysfs_root() const { return impl_->root / "sys"; }
fs::path SimulatedSystem::device_dir(unsigned index) const {
    return impl_->root / "sys/class/uio" / ("uio" + std::to_string(index));
}

}  // namespace uiokit::sim
