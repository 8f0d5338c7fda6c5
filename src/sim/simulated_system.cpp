#include <uiokit/sim/simulated_system.hpp>

#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
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
#include <list>
#include <span>
#include <thread>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>

#include <uiokit/binding.hpp>
#include <uiokit/detail/device_opener.hpp>
#include <uiokit/device.hpp>
#include <uiokit/discovery.hpp>
#include <uiokit/error.hpp>

// The C library's calls, reached past the -Wl,--wrap options of the uiokit::sim target. ld's --wrap
// dictates the reserved names __real_X and __wrap_X.
// NOLINTBEGIN(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp)
extern "C" {
ssize_t __real_read(int fd, void* buffer, size_t size);
ssize_t __real_write(int fd, const void* buffer, size_t size);
int __real_poll(pollfd* fds, nfds_t n, int timeout);
int __real_ppoll(pollfd* fds, nfds_t n, const timespec* timeout, const sigset_t* mask);
void* __real_mmap(void* address, size_t length, int prot, int flags, int fd, off_t offset);
int __real_close(int fd);
int __real_epoll_wait(int epfd, epoll_event* events, int max_events, int timeout);
}
// NOLINTEND(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp)

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
std::string hex_digits(std::uint64_t value) {
    std::array<char, 17> text{};  // 16 digits + NUL
    (void)std::snprintf(text.data(), text.size(), "%" PRIx64, value);  // always fits
    return text.data();
}

// The kernel's %pa: 0x and the address zero-padded to the width of phys_addr_t.
std::string format_pa(std::uint64_t value, unsigned bits) {
    std::array<char, 24> text{};  // "0x" + 16 digits + "\n" + NUL
    if (bits == 32)
        (void)std::snprintf(text.data(), text.size(), "0x%08" PRIx32 "\n", static_cast<std::uint32_t>(value));
    else
        (void)std::snprintf(text.data(), text.size(), "0x%016" PRIx64 "\n", value);  // always fits
    return text.data();
}

// The kernel's 0x%llx.
std::string format_llx(std::uint64_t value) { return "0x" + hex_digits(value) + "\n"; }

struct SimMap {
    UniqueFd memfd;                  // the map's memory: `pages` whole pages from the page base
    void* test_mapping = nullptr;    // the test's own mapping of all of it
    std::size_t pages = 0;
    std::uint64_t window_offset = 0; // where the registers start in the first page
    std::uint64_t length = 0;        // bytes of registers (MapSpec::length)
};

}  // namespace

// One open of /dev/uioN: uio.c's struct uio_listener. The library's descriptor is an eventfd whose
// counter is non-zero exactly when a blocked reader must wake (a count it has not read, or the
// device removed), so a real read(2) of it sleeps and a real poll(2) waits as on the kernel's node.
struct Node {
    SimulatedSystem::Impl* system = nullptr;
    SimulatedDevice::State* device = nullptr;
    UniqueFd wake;               // the simulator's own descriptor of the same eventfd
    bool writable = false;       // opened O_RDWR
    // Guarded by system->mutex.
    std::uint32_t last_seen = 0; // uio_listener::event_count
    bool signalled = false;      // the eventfd's counter is non-zero
    bool closed = false;

    void signal_locked() {
        if (signalled || closed) return;
        (void)::eventfd_write(wake.get(), 1);  // the C library's own write: not counted, not wrapped
        signalled = true;
    }
    void unsignal_locked() {
        if (!signalled) return;
        eventfd_t value = 0;
        (void)::eventfd_read(wake.get(), &value);  // non-zero, so it does not block
        signalled = false;
    }
};

namespace {

// The descriptors served as device nodes, by number. Only the wraps and the opener touch it.
struct Registry {
    std::mutex mutex;
    std::unordered_map<int, std::shared_ptr<Node>> nodes;
    std::atomic<std::size_t> size{0};  // lets the wraps skip the lock for other descriptors
};
Registry& registry() {
    static auto* r = new Registry;  // never destroyed: wrapped calls may come during exit
    return *r;
}

std::shared_ptr<Node> find_node(int fd) {
    Registry& r = registry();
    if (r.size.load(std::memory_order_acquire) == 0) return nullptr;
    std::lock_guard lock(r.mutex);
    const auto it = r.nodes.find(fd);
    return it == r.nodes.end() ? nullptr : it->second;
}

thread_local SyscallCounts syscall_counts;

}  // namespace

SyscallCounts& this_thread_syscalls() noexcept { return syscall_counts; }

// One platform device of the bus model (see PlatformDeviceSpec).
struct SimPlatformDevice {
    PlatformDeviceSpec spec;
    fs::path dir;                           // <sys>/devices/platform/NAME
    std::optional<std::string> override;    // driver_override
    std::string driver;                     // bound driver; empty: none
    SimulatedDevice* uio = nullptr;         // registered by uio_pdrv_genirq
    unsigned probes = 0;                    // counts probes, so a delayed one that was overtaken does nothing
};

struct SimulatedSystem::Impl {
    SimulatedSystem* owner = nullptr;
    fs::path root;
    std::mutex mutex;
    std::vector<std::unique_ptr<SimulatedDevice>> devices;

    // The platform bus model. Guarded by platform_mutex (taken before `mutex`, never after).
    std::mutex platform_mutex;
    std::vector<std::string> platform_drivers;
    std::list<SimPlatformDevice> platform_devices;
    int attribute_write_error = 0;
    std::condition_variable_any probe_wake;
    std::vector<std::jthread> delayed_probes;  // joined (stopped) first when the system goes

    detail::DeviceFiles open(const DeviceInfo& info, const OpenOptions& options);
    int write_attribute(const fs::path& file, std::string_view text);

    fs::path bus_dir() const { return root / "sys/bus/platform"; }
    SimPlatformDevice* platform_device_locked(std::string_view name);
    static bool matches_locked(const SimPlatformDevice& device, const std::string& driver);
    int probe_locked(SimPlatformDevice& device, const std::string& driver);
    void bind_locked(SimPlatformDevice& device, const std::string& driver) const;
    void unbind_locked(SimPlatformDevice& device) const;
    static void write_override_file_locked(const SimPlatformDevice& device);
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

    // Guarded by system->mutex.
    std::vector<std::shared_ptr<Node>> listeners;
    std::uint32_t count = 0;
    bool enabled = true;   // uio_pdrv_genirq enables the line at probe
    bool pending = false;  // an interrupt came while the line was disabled
    bool level = false;    // a level-triggered source is asserting the line (set_irq_line)
    bool removed = false;  // remove() was called: idev->info is NULL
    std::vector<std::uint32_t> control_writes;
    mutable std::condition_variable control_changed;

    // The kernel's uio_event_notify: bump the count, wake every listener.
    void fire_locked() {
        ++count;
        if (spec.handler_disables_irq) enabled = false;  // uio_pdrv_genirq's handler: disable_irq_nosync
        pending = false;
        write_event_file_locked();
        wake_listeners_locked();
    }

    void wake_listeners_locked() {
        for (auto& node : listeners)
            if (removed || node->last_seen != count) node->signal_locked();
    }

    void write_event_file_locked() const {
        const std::string text = std::to_string(count) + "\n";
        if (::pwrite(event_fd.get(), text.data(), text.size(), 0) != static_cast<ssize_t>(text.size()) ||
            ::ftruncate(event_fd.get(), static_cast<off_t>(text.size())) != 0)
            throw Error(errno, "simulator: write " + event_file.string());
    }

    // uio_pdrv_genirq's irqcontrol: non-zero enables, 0 disables.
    void control_write_locked(std::uint32_t value) {
        control_writes.push_back(value);
        if (value != 0) {
            enabled = true;
            // enable_irq on a level line that is still asserted takes the interrupt at once.
            if (pending || level) fire_locked();
        } else {
            enabled = false;
        }
        control_changed.notify_all();
    }
};

namespace {

// uio_read.
ssize_t node_read(Node& node, int fd, void* buffer, size_t size) {
    if (size != sizeof(std::uint32_t)) {
        errno = EINVAL;
        return -1;
    }
    for (;;) {
        {
            std::lock_guard lock(node.system->mutex);
            const auto& device = *node.device;
            if (device.removed || !device.spec.has_interrupt) {
                errno = EIO;
                return -1;
            }
            if (device.count != node.last_seen) {
                node.last_seen = device.count;
                node.unsignal_locked();
                std::memcpy(buffer, &device.count, sizeof device.count);
                return sizeof device.count;
            }
        }
        // Sleep until woken. O_NONBLOCK on the descriptor makes this EAGAIN, a signal EINTR (or a
        // restart under SA_RESTART), both as in uio_read.
        eventfd_t value = 0;
        if (__real_read(fd, &value, sizeof value) < 0) return -1;
        std::lock_guard lock(node.system->mutex);
        node.signalled = false;  // this read took the counter
    }
}

// uio_write, after the VFS's check of the open mode.
ssize_t node_write(Node& node, const void* buffer, size_t size) {
    int error = 0;
    if (!node.writable) {
        error = EBADF;
    } else if (size != sizeof(std::int32_t)) {
        error = EINVAL;
    } else {
        std::uint32_t value = 0;
        std::memcpy(&value, buffer, sizeof value);
        std::lock_guard lock(node.system->mutex);
        auto& device = *node.device;
        if (device.removed)
            error = EINVAL;  // !idev->info
        else if (!device.spec.has_interrupt)
            error = EIO;
        else if (!device.spec.has_irqcontrol)
            error = ENOSYS;
        else
            device.control_write_locked(value);
    }
    if (error != 0) {
        errno = error;
        return -1;
    }
    return static_cast<ssize_t>(size);
}

// uio_poll for the served descriptors among `fds`; `call(immediate)` is the real poll or ppoll,
// with a zero timeout when `immediate`.
template <class Call>
int node_poll(pollfd* fds, nfds_t n, Call call) {
    // No heap for the few descriptors a wait polls, so a test can check that waits allocate nothing.
    constexpr nfds_t inline_fds = 4;
    std::array<std::shared_ptr<Node>, inline_fds> inline_nodes;
    std::array<short, inline_fds> inline_events{};
    std::vector<std::shared_ptr<Node>> more_nodes(n > inline_fds ? n : 0);
    std::vector<short> more_events(n > inline_fds ? n : 0);
    const std::span<std::shared_ptr<Node>> nodes(n > inline_fds ? more_nodes.data() : inline_nodes.data(), n);
    const std::span<short> events(n > inline_fds ? more_events.data() : inline_events.data(), n);
    bool any = false;
    for (nfds_t i = 0; i < n; ++i) {
        nodes[i] = find_node(fds[i].fd);
        any = any || nodes[i];
    }
    if (!any) return call(false);
    const auto failed = [&](nfds_t i) {  // uio_poll returns EPOLLERR: no IRQ, or unregistered
        std::lock_guard lock(nodes[i]->system->mutex);
        return nodes[i]->device->removed || !nodes[i]->device->spec.has_interrupt;
    };
    bool fails_now = false;
    for (nfds_t i = 0; i < n; ++i) {
        events[i] = fds[i].events;
        if (!nodes[i]) continue;
        fails_now = fails_now || failed(i);
        fds[i].events = static_cast<short>(fds[i].events & ~(POLLOUT | POLLWRNORM | POLLWRBAND));  // never writable
    }
    int ready = call(fails_now);
    const int error = errno;
    for (nfds_t i = 0; i < n; ++i) fds[i].events = events[i];
    if (ready < 0) {
        errno = error;
        return ready;
    }
    ready = 0;
    for (nfds_t i = 0; i < n; ++i) {
        if (nodes[i] && failed(i)) fds[i].revents = POLLERR;
        if (fds[i].revents != 0) ++ready;
    }
    return ready;
}

// uio_mmap and uio_mmap_physical, after mmap(2)'s own checks.
void* node_mmap(Node& node, void* address, size_t length, int prot, int flags, off_t offset) {
    const auto fail = [](int error) {
        errno = error;
        return MAP_FAILED;
    };
    const auto page = static_cast<off_t>(page_size());
    if (length == 0 || offset < 0 || offset % page != 0) return fail(EINVAL);
    if ((flags & MAP_TYPE) == MAP_SHARED && (prot & PROT_WRITE) && !node.writable) return fail(EACCES);
    int memfd = -1;
    {
        std::lock_guard lock(node.system->mutex);
        const auto& device = *node.device;
        if (device.removed) return fail(EINVAL);
        const auto index = static_cast<std::size_t>(offset / page);  // uio_find_mem_index: vm_pgoff
        if (index >= 5 || index >= device.maps.size()) return fail(EINVAL);
        const std::size_t requested_pages = (length + static_cast<std::size_t>(page) - 1) / static_cast<std::size_t>(page);
        if (requested_pages > device.maps[index].pages) return fail(EINVAL);
        memfd = device.maps[index].memfd.get();
    }
    return __real_mmap(address, length, prot, flags, memfd, 0);
}

}  // namespace
}  // namespace uiokit::sim

// The wraps (-Wl,--wrap=read,...): the served descriptors go to the simulator, the rest to libc.
// NOLINTBEGIN(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp)
extern "C" {
ssize_t __wrap_read(int fd, void* buffer, size_t size) {
    ++uiokit::sim::syscall_counts.read;
    if (auto node = uiokit::sim::find_node(fd)) return uiokit::sim::node_read(*node, fd, buffer, size);
    return __real_read(fd, buffer, size);
}
ssize_t __wrap_write(int fd, const void* buffer, size_t size) {
    ++uiokit::sim::syscall_counts.write;
    if (auto node = uiokit::sim::find_node(fd)) return uiokit::sim::node_write(*node, buffer, size);
    return __real_write(fd, buffer, size);
}
int __wrap_poll(pollfd* fds, nfds_t n, int timeout) {
    ++uiokit::sim::syscall_counts.poll;
    return uiokit::sim::node_poll(fds, n, [&](bool immediate) { return __real_poll(fds, n, immediate ? 0 : timeout); });
}
int __wrap_ppoll(pollfd* fds, nfds_t n, const timespec* timeout, const sigset_t* mask) {
    auto& counts = uiokit::sim::syscall_counts;
    ++counts.ppoll;
    uiokit::sim::SyscallCounts::Ppoll record;
    if (timeout) record.timeout = std::chrono::seconds(timeout->tv_sec) + std::chrono::nanoseconds(timeout->tv_nsec);
    const int error = errno;
    record.entered = std::chrono::steady_clock::now();
    errno = error;
    const int result = uiokit::sim::node_poll(fds, n, [&](bool immediate) {
        const timespec zero{};
        return __real_ppoll(fds, n, immediate ? &zero : timeout, mask);
    });
    const int result_error = errno;
    record.returned = std::chrono::steady_clock::now();
    record.result = result;
    counts.ppolls.push_back(record);
    errno = result_error;
    return result;
}
void* __wrap_mmap(void* address, size_t length, int prot, int flags, int fd, off_t offset) {
    ++uiokit::sim::syscall_counts.mmap;
    if (auto node = uiokit::sim::find_node(fd))
        return uiokit::sim::node_mmap(*node, address, length, prot, flags, offset);
    return __real_mmap(address, length, prot, flags, fd, offset);
}
int __wrap_close(int fd) {
    std::shared_ptr<uiokit::sim::Node> node;
    auto& r = uiokit::sim::registry();
    if (r.size.load(std::memory_order_acquire) != 0) {
        std::lock_guard lock(r.mutex);
        if (const auto it = r.nodes.find(fd); it != r.nodes.end()) {
            node = std::move(it->second);
            r.nodes.erase(it);
            r.size.store(r.nodes.size(), std::memory_order_release);
        }
    }
    if (node) {
        std::lock_guard lock(node->system->mutex);
        node->closed = true;
        auto& listeners = node->device->listeners;
        std::erase(listeners, node);
    }
    return __real_close(fd);  // `node` (and its wake descriptor) goes after the lock is released
}
int __wrap_epoll_wait(int epfd, epoll_event* events, int max_events, int timeout) {
    ++uiokit::sim::syscall_counts.epoll_wait;  // counted only: see SyscallCounts
    return __real_epoll_wait(epfd, events, max_events, timeout);
}
}
// NOLINTEND(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp)

namespace uiokit::sim {

SimulatedDevice::SimulatedDevice(std::unique_ptr<State> state) : state_(std::move(state)) {}

SimulatedDevice::~SimulatedDevice() {
    for (SimMap& map : state_->maps)
        if (map.test_mapping) ::munmap(map.test_mapping, map.pages * page_size());
}

unsigned SimulatedDevice::index() const noexcept { return state_->index; }
const DeviceSpec& SimulatedDevice::spec() const noexcept { return state_->spec; }

void SimulatedDevice::remove() {
    std::lock_guard lock(state_->system->mutex);
    state_->removed = true;
    state_->wake_listeners_locked();  // blocked reads then fail with EIO, polls report POLLERR
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
    auto* base = static_cast<volatile std::byte*>(m.test_mapping) + m.window_offset;
    return Region(base, static_cast<std::size_t>(m.pages * page_size() - m.window_offset), true,
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

std::size_t SimulatedDevice::open_count() const {
    std::lock_guard lock(state_->system->mutex);
    return state_->listeners.size();
}

void SimulatedDevice::set_event_count(std::uint32_t count) {
    std::lock_guard lock(state_->system->mutex);
    state_->count = count;
    state_->write_event_file_locked();
    state_->wake_listeners_locked();  // an open descriptor sees a count it has not read
}

SimulatedSystem::SimulatedSystem() : impl_(std::make_unique<Impl>()) {
    impl_->owner = this;
    std::string pattern = (fs::temp_directory_path() / "uiokit-sim-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw Error(errno, "simulator: mkdtemp " + pattern);
    impl_->root = pattern;
    for (const char* dir : {"sys/class/uio", "sys/devices/platform", "sys/firmware/devicetree/base", "dev"})
        fs::create_directories(impl_->root / dir);
}

SimulatedSystem::~SimulatedSystem() {
    impl_->delayed_probes.clear();  // stops and joins probes still waiting for their delay
    // Descriptors still open stop being served (they become bare eventfds).
    std::vector<std::shared_ptr<Node>> nodes;
    {
        Registry& r = registry();
        std::lock_guard lock(r.mutex);
        for (auto it = r.nodes.begin(); it != r.nodes.end();) {
            if (it->second->system == impl_.get()) {
                nodes.push_back(std::move(it->second));
                it = r.nodes.erase(it);
            } else {
                ++it;
            }
        }
        r.size.store(r.nodes.size(), std::memory_order_release);
    }
    nodes.clear();
    impl_->devices.clear();
    std::error_code ec;
    fs::remove_all(impl_->root, ec);
}

detail::DeviceFiles SimulatedSystem::Impl::open(const DeviceInfo& info, const OpenOptions& options) {
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

    detail::DeviceFiles files;
    files.node = UniqueFd(::eventfd(0, EFD_CLOEXEC));
    if (!files.node) throw Error(errno, "simulator: eventfd");
    auto node = std::make_shared<Node>();
    node->system = this;
    node->device = device;
    node->writable = options.writable;
    node->wake = UniqueFd(::fcntl(files.node.get(), F_DUPFD_CLOEXEC, 0));
    if (!node->wake) throw Error(errno, "simulator: dup");
    {
        std::lock_guard lock(mutex);
        if (device->removed) throw removed();  // removed while this open was under way
        node->last_seen = device->count;       // uio_open: listener->event_count
        device->listeners.push_back(node);
    }
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    r.nodes[files.node.get()] = std::move(node);
    r.size.store(r.nodes.size(), std::memory_order_release);
    return files;
}

namespace {

// Big-endian cells, as the live tree in sysfs shows every property.
void append_cells(std::string& out, std::uint64_t value, unsigned cells, const char* what) {
    if (cells < 2 && (value >> (32 * cells)) != 0)
        throw std::logic_error(std::string("simulated reg ") + what + " does not fit " + std::to_string(cells) + " cell(s)");
    for (unsigned c = cells; c-- > 0;) {
        const auto cell = static_cast<std::uint32_t>(c >= 2 ? 0 : value >> (32 * c));
        for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((cell >> shift) & 0xff));
    }
}

void write_reg(const fs::path& node_dir, const DeviceSpec& spec) {
    // Cells as the reader will decode them: a property left out means the DT default.
    const unsigned address_cells = spec.parent_address_cells ? spec.parent_address_cells : 2;
    const unsigned size_cells = spec.parent_size_cells ? spec.parent_size_cells : 1;
    std::string reg;
    for (const DeviceSpec::RegEntry& entry : spec.reg) {
        append_cells(reg, entry.address, address_cells, "address");
        append_cells(reg, entry.size, size_cells, "size");
    }
    write_file(node_dir / "reg", reg);
    const fs::path parent = node_dir.parent_path();
    for (const auto& [property, cells] : {std::pair{"#address-cells", spec.parent_address_cells},
                                          std::pair{"#size-cells", spec.parent_size_cells}}) {
        std::error_code ec;
        fs::remove(parent / property, ec);
        if (cells == 0) continue;
        std::string value;
        append_cells(value, cells, 1, property);
        write_file(parent / property, value);
    }
}

}  // namespace

SimulatedDevice& SimulatedSystem::add_device(const DeviceSpec& spec, std::optional<unsigned> wanted_index) {
    return add_device_under(spec, wanted_index, nullptr);
}

SimulatedDevice& SimulatedSystem::add_device_under(const DeviceSpec& spec, std::optional<unsigned> wanted_index,
                                                   const fs::path* probed_platform_dir) {
    unsigned index = 0;
    if (wanted_index) {
        index = *wanted_index;
    } else {
        for (const auto& d : impl_->devices) index = std::max(index, d->index() + 1);
    }
    for (const auto& d : impl_->devices)
        if (d->index() == index) throw std::logic_error("simulated uio" + std::to_string(index) + " exists");
    if (spec.maps.size() > 5) throw std::logic_error("UIO devices have at most 5 maps (MAX_UIO_MAPS)");
    if (!spec.has_irqcontrol && spec.handler_disables_irq)
        throw std::logic_error("a driver without irqcontrol cannot re-enable its line: set handler_disables_irq = false");
    if (spec.phys_addr_bits != 32 && spec.phys_addr_bits != 64) throw std::logic_error("phys_addr_bits is 32 or 64");

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
    const fs::path platform_dir =
        probed_platform_dir ? *probed_platform_dir : impl_->root / "sys/devices/platform" / platform_name;
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
        if (spec.phys_addr_bits == 32 && m.phys + m.length > (std::uint64_t{1} << 32))
            throw std::logic_error("simulated map above 4 GiB with a 32-bit phys_addr_t");
        SimMap map;
        const std::uint64_t page_base = m.phys & ~(page - 1);
        map.window_offset = m.phys & (page - 1);
        map.length = m.length;
        const std::uint64_t rounded = (map.window_offset + m.length + page - 1) & ~(page - 1);  // uio_pdrv_genirq's rounding
        map.pages = static_cast<std::size_t>(rounded / page);
        const fs::path map_dir = dir / "maps" / ("map" + std::to_string(i));
        fs::create_directories(map_dir);
        write_file(map_dir / "name", (m.name.empty() ? node_name : m.name) + "\n");
        if (spec.map_layout == DeviceSpec::MapLayout::page_aligned) {
            write_file(map_dir / "addr", format_pa(page_base, spec.phys_addr_bits));
            write_file(map_dir / "size", format_pa(rounded, spec.phys_addr_bits));
            write_file(map_dir / "offset", format_llx(map.window_offset));
        } else {  // older kernels: the resource as it is
            write_file(map_dir / "addr", format_pa(m.phys, spec.phys_addr_bits));
            write_file(map_dir / "size", format_pa(m.length, spec.phys_addr_bits));
            if (spec.map_layout == DeviceSpec::MapLayout::raw) write_file(map_dir / "offset", format_llx(0));
        }

        map.memfd = UniqueFd(::memfd_create(("uiokit-sim-" + uio + "-map" + std::to_string(i)).c_str(), MFD_CLOEXEC));
        if (!map.memfd) throw Error(errno, "simulator: memfd_create");
        if (::ftruncate(map.memfd.get(), static_cast<off_t>(rounded)) < 0) throw Error(errno, "simulator: ftruncate");
        map.test_mapping = ::mmap(nullptr, static_cast<std::size_t>(rounded), PROT_READ | PROT_WRITE, MAP_SHARED,
                                  map.memfd.get(), 0);
        if (map.test_mapping == MAP_FAILED) throw Error(errno, "simulator: mmap");
        state->maps.push_back(std::move(map));
    }

    if (spec.has_of_node && !probed_platform_dir) {
        const fs::path node_dir = impl_->root / "sys/firmware/devicetree/base" / of_node.substr(1);
        fs::create_directories(node_dir);
        write_file(node_dir / "name", node_base + std::string(1, '\0'));
        if (!spec.reg.empty()) write_reg(node_dir, spec);
        fs::create_symlink(fs::relative(node_dir, platform_dir), platform_dir / "of_node");
    }
    fs::create_directory_symlink(fs::relative(platform_dir, dir), dir / "device");
    fs::create_directory_symlink(fs::relative(dir, impl_->root / "sys/class/uio"), impl_->root / "sys/class/uio" / uio);
    write_file(impl_->root / "dev" / uio, "");  // the node itself is served by the opener

    std::lock_guard lock(impl_->mutex);
    impl_->devices.push_back(std::unique_ptr<SimulatedDevice>(new SimulatedDevice(std::move(state))));
    return *impl_->devices.back();
}

SimPlatformDevice* SimulatedSystem::Impl::platform_device_locked(std::string_view name) {
    for (auto& device : platform_devices)
        if (device.spec.name == name) return &device;
    return nullptr;
}

// platform_match: the override alone when one is set, else the device's own match (by compatible).
bool SimulatedSystem::Impl::matches_locked(const SimPlatformDevice& device, const std::string& driver) {
    if (device.override) return *device.override == driver;
    return device.spec.matching_driver == driver;
}

void SimulatedSystem::Impl::write_override_file_locked(const SimPlatformDevice& device) {
    write_file(device.dir / "driver_override", device.override.value_or("(null)") + "\n");
}

// driver_bound: the driver link and the driver's link back; uio_pdrv_genirq's probe registers the UIO device.
void SimulatedSystem::Impl::bind_locked(SimPlatformDevice& device, const std::string& driver) const {
    const fs::path driver_dir = bus_dir() / "drivers" / driver;
    fs::create_directory_symlink(fs::relative(driver_dir, device.dir), device.dir / "driver");
    fs::create_directory_symlink(fs::relative(device.dir, driver_dir), driver_dir / device.spec.name);
    device.driver = driver;
    if (driver == uio_platform_driver) device.uio = &owner->add_device_under(device.spec.uio, std::nullopt, &device.dir);
}

// device_release_driver: uio_pdrv_genirq's remove unregisters the UIO device.
void SimulatedSystem::Impl::unbind_locked(SimPlatformDevice& device) const {
    std::error_code ec;
    fs::remove(bus_dir() / "drivers" / device.driver / device.spec.name, ec);
    fs::remove(device.dir / "driver", ec);
    if (device.uio) {
        const unsigned index = device.uio->index();
        device.uio->remove();
        fs::remove_all(device.dir / "uio" / ("uio" + std::to_string(index)), ec);
        device.uio = nullptr;
    }
    device.driver.clear();
    ++device.probes;  // a delayed probe still waiting is overtaken
}

// really_probe of `driver` for an unbound device it matches: 0 (bound, or binding after the delay)
// or the probe's errno.
int SimulatedSystem::Impl::probe_locked(SimPlatformDevice& device, const std::string& driver) {
    if (driver != uio_platform_driver) {
        bind_locked(device, driver);
        return 0;
    }
    if (device.spec.probe_error != 0) return device.spec.probe_error;
    if (device.spec.probe_delay.count() == 0) {
        bind_locked(device, driver);
        return 0;
    }
    // A deferred probe: the device binds later, from another thread, unless something overtook it.
    const unsigned probe = ++device.probes;
    delayed_probes.emplace_back([this, &device, probe, delay = device.spec.probe_delay](const std::stop_token& stop) {
        std::unique_lock lock(platform_mutex);
        (void)probe_wake.wait_for(lock, stop, delay, [] { return false; });
        if (stop.stop_requested()) return;
        if (device.probes != probe || !device.driver.empty() || !matches_locked(device, std::string(uio_platform_driver)))
            return;
        try {
            bind_locked(device, std::string(uio_platform_driver));
        } catch (const std::exception&) {
            // The temporary tree went (the test ended): nothing to bind into.
        }
    });
    return 0;
}

int SimulatedSystem::Impl::write_attribute(const fs::path& file, std::string_view text) {
    std::lock_guard lock(platform_mutex);
    if (attribute_write_error != 0) return attribute_write_error;
    // Names are compared as the kernel's sysfs_streq does: one trailing newline does not count.
    const std::string_view name = text.ends_with('\n') ? text.substr(0, text.size() - 1) : text;
    std::error_code ec;
    const fs::path target = fs::weakly_canonical(file, ec);
    const fs::path bus = fs::weakly_canonical(bus_dir(), ec);
    if (target == bus / "drivers_probe") {  // store_drivers_probe -> bus_rescan_devices_helper
        SimPlatformDevice* device = platform_device_locked(name);
        if (!device) return ENODEV;
        if (!device->driver.empty()) return 0;
        for (const std::string& driver : platform_drivers)
            if (matches_locked(*device, driver)) {
                (void)probe_locked(*device, driver);  // a failed probe is ignored (__device_attach_driver)
                break;
            }
        return 0;
    }
    for (const std::string& driver : platform_drivers) {
        const fs::path driver_dir = bus / "drivers" / driver;
        if (target == driver_dir / "bind") {  // bind_store -> device_driver_attach
            SimPlatformDevice* device = platform_device_locked(name);
            if (!device || !matches_locked(*device, driver)) return ENODEV;
            if (!device->driver.empty()) return EBUSY;
            return probe_locked(*device, driver);
        }
        if (target == driver_dir / "unbind") {  // unbind_store
            SimPlatformDevice* device = platform_device_locked(name);
            if (!device || device->driver != driver) return ENODEV;
            unbind_locked(*device);
            return 0;
        }
    }
    for (auto& device : platform_devices) {
        if (target != fs::weakly_canonical(device.dir / "driver_override", ec)) continue;
        if (text.size() >= 4096) return EINVAL;  // driver_set_override: len >= PAGE_SIZE
        const std::string_view value = text.substr(0, text.find('\n'));  // cut at the first newline
        device.override = value.empty() ? std::nullopt : std::optional<std::string>(value);
        write_override_file_locked(device);
        return 0;
    }
    // Not a file of the model: an ordinary write.
    const UniqueFd fd(::open(file.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd) return errno;
    if (__real_write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size())) return errno;
    return 0;
}

void SimulatedSystem::add_platform_driver(const std::string& name) {
    std::lock_guard lock(impl_->platform_mutex);
    fs::create_directories(impl_->bus_dir() / "drivers" / name);
    for (const char* file : {"bind", "unbind"}) write_file(impl_->bus_dir() / "drivers" / name / file, "");
    impl_->platform_drivers.push_back(name);
}

void SimulatedSystem::add_platform_device(const PlatformDeviceSpec& spec) {
    std::lock_guard lock(impl_->platform_mutex);
    if (impl_->platform_device_locked(spec.name)) throw std::logic_error("platform device " + spec.name + " exists");
    SimPlatformDevice& device = impl_->platform_devices.emplace_back();
    device.spec = spec;
    device.spec.uio.has_of_node = false;  // the platform device's of_node link serves
    device.dir = impl_->root / "sys/devices/platform" / spec.name;
    fs::create_directories(device.dir);
    fs::create_directories(impl_->bus_dir() / "devices");
    write_file(impl_->bus_dir() / "drivers_probe", "");
    impl_->write_override_file_locked(device);
    if (!spec.of_node.empty()) {
        const fs::path node_dir = impl_->root / "sys/firmware/devicetree/base" / spec.of_node.substr(1);
        fs::create_directories(node_dir);
        const std::string node_name = spec.of_node.substr(spec.of_node.rfind('/') + 1);
        write_file(node_dir / "name", node_name.substr(0, node_name.find('@')) + std::string(1, '\0'));
        if (!spec.uio.reg.empty()) write_reg(node_dir, spec.uio);
        fs::create_directory_symlink(fs::relative(node_dir, device.dir), device.dir / "of_node");
    }
    fs::create_directory_symlink(fs::relative(device.dir, impl_->bus_dir() / "devices"),
                                 impl_->bus_dir() / "devices" / spec.name);
    if (!spec.driver.empty()) {
        if (std::find(impl_->platform_drivers.begin(), impl_->platform_drivers.end(), spec.driver) ==
            impl_->platform_drivers.end())
            throw std::logic_error("platform driver " + spec.driver + " was not added");
        impl_->bind_locked(device, spec.driver);
    }
}

void SimulatedSystem::fail_attribute_writes(int errno_value) {
    std::lock_guard lock(impl_->platform_mutex);
    impl_->attribute_write_error = errno_value;
}

std::string SimulatedSystem::platform_driver(const std::string& device) const {
    std::lock_guard lock(impl_->platform_mutex);
    const SimPlatformDevice* found = impl_->platform_device_locked(device);
    if (!found) throw std::logic_error("no simulated platform device " + device);
    return found->driver;
}

Host SimulatedSystem::host() const {
    Host host;
    host.class_dir = impl_->root / "sys/class/uio";
    host.dev_dir = impl_->root / "dev";
    host.fdt = impl_->root / "sys/firmware/fdt";  // absent until a test puts a DTB there
    host.opener = [impl = impl_.get()](const DeviceInfo& info, const OpenOptions& options) {
        return impl->open(info, options);
    };
    host.platform_bus_dir = impl_->bus_dir();
    host.attribute_writer = [impl = impl_.get()](const fs::path& file, std::string_view text) {
        return impl->write_attribute(file, text);
    };
    return host;
}

const fs::path& SimulatedSystem::root() const noexcept { return impl_->root; }
fs::path SimulatedSystem::sysfs_root() const { return impl_->root / "sys"; }
fs::path SimulatedSystem::device_dir(unsigned index) const {
    return impl_->root / "sys/class/uio" / ("uio" + std::to_string(index));
}

}  // namespace uiokit::sim
