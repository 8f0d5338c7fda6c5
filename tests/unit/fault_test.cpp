// Faults with an exact expected outcome: a clear error or the right count, never a hang or a crash.
#include <catch2/catch.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <barrier>
#include <future>
#include <thread>

#include <uiokit/device.hpp>
#include <uiokit/error.hpp>
#include <uiokit/sim/simulated_system.hpp>

#include "blocked.hpp"
#include "sim_device.hpp"
#include "test_support.hpp"

using namespace uiokit;
using uiokit_test::SimDevice;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

// Every test here uses SimDevice's typical device: "dev", one page at 0x40000000, which the
// expected messages name.

namespace {
// The DeviceRemovedError's message a finished wait threw, or what it did instead.
template <class Future>
std::string removed_error(Future& wait) {
    try {
        (void)wait.get();
        return "the wait returned";
    } catch (const DeviceRemovedError& e) {
        return e.what();
    } catch (const std::exception& e) {
        return std::string("another exception: ") + e.what();
    }
}
}  // namespace

TEST_CASE("read returning EIO mid-wait (driver unbound) ends every kind of wait with DeviceRemovedError", "[fault]") {
    SimDevice sim;
    auto open = [&] { return sim.open(); };
    Device raw = open();  // a plain read(2) on the node, to see what the kernel ABI says
    Device timed_dev = open();
    Device blocking_dev = open();
    Device cancellable_dev = open();
    WaitCanceller canceller;  // never cancelled: the removal alone must end the wait

    std::promise<pid_t> tids[4];
    auto raw_read = std::async(std::launch::async, [fd = raw.fd(), &tids] {
        tids[0].set_value(this_thread_tid());
        std::uint32_t count = 0;
        const ssize_t n = ::read(fd, &count, sizeof count);
        return std::pair{n, n < 0 ? errno : 0};
    });
    auto timed = std::async(std::launch::async, [&] {
        tids[1].set_value(this_thread_tid());
        return timed_dev.interrupt().wait_for(30s);
    });
    auto blocking = std::async(std::launch::async, [&] {
        tids[2].set_value(this_thread_tid());
        return blocking_dev.interrupt().wait();
    });
    auto cancellable = std::async(std::launch::async, [&] {
        tids[3].set_value(this_thread_tid());
        return cancellable_dev.interrupt().wait(canceller);
    });
    // Should a check below fail, the device is still removed before the futures wait for their
    // threads (destroyed first, as declared last), so a regression fails the test, not hangs it.
    struct RemoveOnExit {
        sim::SimulatedDevice& device;
        ~RemoveOnExit() { device.remove(); }
    } remove_on_exit{sim.device};
    // Every wait is blocked in the kernel before the removal, so the removal is what ends it.
    REQUIRE(eventually_asleep_in(tids[0].get_future().get(), SYS_read));
    REQUIRE(eventually_asleep_in(tids[1].get_future().get(), SYS_ppoll));
    REQUIRE(eventually_asleep_in(tids[2].get_future().get(), SYS_read));
    REQUIRE(eventually_asleep_in(tids[3].get_future().get(), SYS_ppoll));

    sim.device.remove();
    REQUIRE(raw_read.wait_for(hang_limit) == std::future_status::ready);
    REQUIRE(timed.wait_for(hang_limit) == std::future_status::ready);
    REQUIRE(blocking.wait_for(hang_limit) == std::future_status::ready);
    REQUIRE(cancellable.wait_for(hang_limit) == std::future_status::ready);
    CHECK(raw_read.get() == std::pair<ssize_t, int>{-1, EIO});
    // "was removed" is the library's message for EIO (end-of-file would say "device gone?").
    CHECK_THAT(removed_error(timed), Catch::Contains("was removed"));
    CHECK_THAT(removed_error(blocking), Catch::Contains("was removed"));
    CHECK_THAT(removed_error(cancellable), Catch::Contains("was removed"));
    // A wait started after the removal fails at once rather than blocking (poll first, so that a
    // regression fails here instead of blocking in wait()).
    pollfd hung_up{blocking_dev.fd(), POLLIN, 0};
    REQUIRE(::poll(&hung_up, 1, hang_limit_ms) == 1);
    CHECK_THROWS_AS(blocking_dev.interrupt().wait(), DeviceRemovedError);
    CHECK_THROWS_AS(timed_dev.interrupt().wait_for(hang_limit), DeviceRemovedError);
    // Gone from sysfs too.
    CHECK_THROWS_AS(find(Selector::name("dev"), sim.host()), DeviceNotFoundError);
}

TEST_CASE("after removal an unread count is not returned, and the device no longer opens", "[fault]") {
    SimDevice sim;
    const DeviceInfo info = find(Selector::name("dev"), sim.host());
    Device dev = Device::open(info, OpenOptions{}, sim.host());
    REQUIRE(sim.device.wait_for_control_writes(1, hang_limit));
    sim.device.raise_interrupt();
    pollfd readable{dev.fd(), POLLIN, 0};
    REQUIRE(::poll(&readable, 1, hang_limit_ms) == 1);  // the count is waiting to be read

    sim.device.remove();
    std::uint32_t count = 0;
    const ssize_t n = ::read(dev.fd(), &count, sizeof count);
    const int error = n < 0 ? errno : 0;  // before any CHECK can change errno
    CHECK(n == -1);
    CHECK(error == EIO);
    // Opening from the stale DeviceInfo: its sysfs directory is gone, and so is the node.
    try {
        (void)Device::open(info, OpenOptions{}, sim.host());
        FAIL("opened a removed device");
    } catch (const Error& e) {
        CHECK(e.code().value() == ENOENT);
        CHECK_THAT(e.what(), Catch::Contains(info.sysfs_dir.string()));
    }
    try {
        (void)sim.host().opener(info, OpenOptions{});
        FAIL("the simulated node opened after removal");
    } catch (const Error& e) {
        CHECK(e.code().value() == ENODEV);
        CHECK_THAT(e.what(), Catch::Contains("was removed"));
    }
}

TEST_CASE("the device node vanishing between discovery and open is a clear error", "[fault]") {
    SimDevice sim;
    Host host = sim.host();
    host.opener = nullptr;  // open <dev_dir>/uio0 for real
    const DeviceInfo info = find(Selector::name("dev"), host);
    fs::remove(info.dev_node);
    try {
        (void)Device::open(info, OpenOptions{}, host);
        FAIL("opened a vanished node");
    } catch (const Error& e) {
        CHECK(e.code().value() == ENOENT);
        CHECK_THAT(e.what(), Catch::Contains("open " + info.dev_node.string()));
    }
}

TEST_CASE("permission denied on the device node says so and how to fix it", "[fault]") {
    SimDevice sim;
    Host host = sim.host();
    host.opener = nullptr;
    const fs::path node = sim.system.root() / "dev/uio0";
    fs::permissions(node, fs::perms::owner_read | fs::perms::owner_write);
    fs::permissions(sim.system.root(), fs::perms::all);  // let an unprivileged child reach the node

    // Root bypasses file permissions, so try as an unprivileged user in a child process.
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(3);
        try {
            (void)Device::open(find(Selector::name("dev"), host), OpenOptions{}, host);
            ::_exit(1);
        } catch (const Error& e) {
            const std::string what = e.what();
            const bool clear = e.code().value() == EACCES && what.find(node.string()) != std::string::npos &&
                               what.find("udev rule") != std::string::npos;
            ::_exit(clear ? 0 : 2);
        }
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);  // 1: opened anyway, 2: unclear error, 3: could not drop root
}

TEST_CASE("an mmap the kernel refuses is an error naming the map, the node and the size", "[fault]") {
    SimDevice sim;
    Host host = sim.host();
    // A node opened O_RDONLY behind a writable Device: a shared writable mmap of it fails with
    // EACCES. (Not read_write, whose enabling write would fail with EBADF first.)
    host.opener = [inner = sim.host().opener](const DeviceInfo& info, const OpenOptions&) {
        return inner(info, OpenOptions{.writable = false});
    };
    Device dev = Device::open(Selector::name("dev"), OpenOptions{.interrupt = InterruptAtOpen::leave}, host);
    try {
        (void)dev.map(0);
        FAIL("mapped");
    } catch (const Error& e) {
        CHECK(e.code().value() == EACCES);
        CHECK_THAT(e.what(), Catch::StartsWith("mmap map0 'dev@40000000' of " + (sim.system.root() / "dev/uio0").string() +
                                               " (size 0x1000): "));
    }
}

TEST_CASE("a node that ends or returns a partial count mid-wait is DeviceRemovedError, not a wrong count", "[fault]") {
    // The UIO core only ever returns all 4 bytes or an error; this is the defence against anything
    // else behind the descriptor. A stream socket stands in for the node: the device's side takes the
    // enable write, then sends `sent` bytes of a count and shuts down.
    SimDevice sim;
    Host host = sim.host();
    UniqueFd peer;  // the device's side; outlives `dev`
    host.opener = [inner = sim.host().opener, &peer](const DeviceInfo& info, const OpenOptions& mode) {
        detail::DeviceFiles files = inner(info, mode);  // keeps the map files
        int pair[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) throw Error(errno, "socketpair");
        files.node = UniqueFd(pair[0]);
        peer = UniqueFd(pair[1]);
        return files;
    };
    // Not a structured binding: clang 14 (clang-tidy) cannot capture one in a lambda.
    const auto row = GENERATE(table<std::size_t, bool>({{0, false}, {2, false}, {0, true}, {3, true}}));
    const std::size_t sent = std::get<0>(row);
    const bool timed = std::get<1>(row);
    CAPTURE(sent, timed);
    Device dev = Device::open(Selector::name("dev"), OpenOptions{}, host);
    std::uint32_t enable = 0;
    REQUIRE(::read(peer.get(), &enable, sizeof enable) == sizeof enable);
    CHECK(enable == 1);
    CHECK(dev.interrupt().available());

    auto wait = std::async(std::launch::async, [&] {
        return timed ? dev.interrupt().wait_for(hang_limit) : std::optional(dev.interrupt().wait());
    });
    // Should a check below fail, the node reaches end-of-file before the future waits for its
    // thread (destroyed first, as declared last), so a regression fails the test, not hangs it.
    struct EndOnExit {
        int fd;
        ~EndOnExit() { ::shutdown(fd, SHUT_RDWR); }
    } end_on_exit{peer.get()};
    const std::uint32_t count = 7;
    REQUIRE(::write(peer.get(), &count, sent) == static_cast<ssize_t>(sent));
    REQUIRE(::shutdown(peer.get(), SHUT_WR) == 0);
    REQUIRE(wait.wait_for(hang_limit) == std::future_status::ready);
    const std::string what = removed_error(wait);
    CHECK_THAT(what, Catch::StartsWith("wait for interrupt on " + (sim.system.root() / "dev/uio0").string() +
                                       ": read returned " + std::to_string(sent) + " bytes (device gone?)"));
}

TEST_CASE("a second thread waiting on the same descriptor gets a clear error, not a hang", "[fault]") {
    SimDevice sim;
    Device dev = sim.open();
    // Each thread retries while the other holds the wait: however the two are scheduled, the first
    // ends up blocked in its wait and the second sees EBUSY.
    auto first = std::async(std::launch::async, [&] {
        for (;;) {
            try {
                return dev.interrupt().wait_for(30s);
            } catch (const Error& e) {
                if (e.code().value() != EBUSY) throw;
            }
        }
    });
    std::string refusal;
    CHECK(eventually([&] {
        try {
            const auto early = dev.interrupt().wait_for(0ms);  // the first is not waiting yet
            CHECK_FALSE(early.has_value());
            return false;
        } catch (const Error& e) {
            CHECK(e.code().value() == EBUSY);
            refusal = e.what();
            return true;
        }
    }));
    CHECK_THAT(refusal, Catch::Contains("open the device once per waiting thread"));
    sim.device.raise_interrupt();
    const auto event = first.get();
    REQUIRE(event.has_value());
    CHECK(event->count == 1);
    // The guard is released: the same descriptor can wait again.
    CHECK_FALSE(dev.interrupt().wait_for(10ms).has_value());
}

TEST_CASE("cancellation racing with an interrupt never loses or duplicates a count", "[fault]") {
    SimDevice sim;
    Device dev = sim.open_enabled();
    WaitCanceller canceller;
    int cancelled_first = 0;
    constexpr std::uint32_t rounds = 200;
    for (std::uint32_t round = 1; round <= rounds; ++round) {
        std::barrier start(2);
        std::thread racer([&] {
            start.arrive_and_wait();
            sim.device.raise_interrupt();
            canceller.cancel();
        });
        start.arrive_and_wait();
        auto event = dev.interrupt().wait(canceller);
        racer.join();
        if (!event) {
            ++cancelled_first;
            event = dev.interrupt().wait_for(hang_limit);  // the interrupt is still there
        }
        REQUIRE(event.has_value());
        CHECK(event->count == round);
        CHECK(event->missed == 0);
        canceller.reset();
        dev.interrupt().enable();
        REQUIRE(sim.device.wait_for_control_writes(round + 1, hang_limit));
    }
    CHECK(sim.device.event_count() == rounds);
    WARN(cancelled_first << " of " << rounds << " rounds saw the cancellation first");
}

TEST_CASE("garbled, truncated and empty attributes each name the file", "[fault]") {
    SimDevice sim;
    const fs::path dir = sim.system.device_dir(0);
    const auto expect_error_naming = [&](const fs::path& file, const std::string& text) {
        overwrite(file, text);
        INFO(file << " = '" << text << "'");
        CHECK_THROWS_WITH(enumerate(sim.host()), Catch::Contains(file.string()));
        CHECK_THROWS_WITH(find(Selector::address(0x40000000), sim.host()), Catch::Contains(file.string()));
    };
    expect_error_naming(dir / "maps/map0/addr", "0x00000000400000zz\n");  // garbled
    overwrite(dir / "maps/map0/addr", "0x0000000040000000\n");
    expect_error_naming(dir / "maps/map0/addr", "0x0000000040000000 0x1\n");  // two values
    overwrite(dir / "maps/map0/addr", "0x0000000040000000\n");
    expect_error_naming(dir / "maps/map0/size", "");
    overwrite(dir / "maps/map0/size", "0x0000000000001000\n");
    expect_error_naming(dir / "maps/map0/offset", "0x\n");                 // truncated
    overwrite(dir / "maps/map0/offset", "0x0\n");
    expect_error_naming(dir / "maps/map0/size", "0x0000000000000000\n");   // a map of size 0
}
