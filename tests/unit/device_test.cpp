// Opening and mapping simulated devices: the library's real open/mmap paths, mmap through the node.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <vector>
#include <sys/wait.h>
#include <unistd.h>
#include <filesystem>

#include <uiokit/device.hpp>
#include <uiokit/error.hpp>
#include <uiokit/register_block.hpp>
#include <uiokit/sim/simulated_system.hpp>

#include "sim_device.hpp"
#include "test_support.hpp"

using namespace uiokit;
using uiokit_test::SimDevice;
namespace fs = std::filesystem;

namespace {
sim::DeviceSpec two_map_spec() {
    return {.name = "multi",
            .maps = {{.phys = 0x40000000, .length = 0x2000}, {.phys = 0x40013f10, .length = 0x40, .name = "ids"}}};
}
}  // namespace

TEST_CASE("a map's window starts at its page offset and ends at the map's end", "[device][mmap]") {
    SimDevice sim(two_map_spec());
    Device dev = Device::open(Selector::name("multi"), OpenOptions{}, sim.host());

    const Region big = dev.map(0);
    CHECK(big.size() == 0x2000);
    const Region ids = dev.map(1);
    CHECK(ids.size() == 0x1000 - 0xf10);
    CHECK(ids.description() == "map1 'ids' of " + (sim.system.root() / "dev/uio0").string());

    // The device writes; the library reads the same bytes at the same offsets.
    sim.device.memory(1).write<std::uint32_t>(0x0, 0xb105f00d);
    sim.device.memory(1).write<std::uint32_t>(0x3c, 0x12345678);
    sim.device.memory(0).write<std::uint64_t>(0x1ff8, 0x0123456789abcdefull);
    CHECK(ids.read<std::uint32_t>(0x0) == 0xb105f00d);
    CHECK(ids.read<std::uint32_t>(0x3c) == 0x12345678);
    CHECK(big.read<std::uint64_t>(0x1ff8) == 0x0123456789abcdefull);
    CHECK(big.read<std::uint16_t>(0x1ffe) == 0x0123);
    CHECK(big.read<std::uint8_t>(0x1ff8) == 0xef);

    // The library writes; the device sees it.
    ids.write<std::uint16_t>(0x10, 0xbeef);
    CHECK(sim.device.memory(1).read<std::uint16_t>(0x10) == 0xbeef);

    // Mapped once: a second map() is the same window.
    CHECK(dev.map(1).base() == ids.base());
    CHECK(dev.map("ids").base() == ids.base());
}

TEST_CASE("checked accesses refuse out-of-bounds, misaligned and read-only accesses", "[device][mmap]") {
    sim::SimulatedSystem sys;
    sys.add_device(two_map_spec());
    Device dev = Device::open(Selector::index(0), OpenOptions{}, sys.host());
    const Region ids = dev.map(1);  // 0xf0 bytes
    CHECK_THROWS_WITH(ids.read<std::uint32_t>(0xf0), Catch::Contains("outside the window") &&
                                                          Catch::Contains("read32 at offset 0xf0"));
    CHECK_THROWS_WITH(ids.read<std::uint64_t>(0xec), Catch::Contains("aligned") || Catch::Contains("outside"));
    CHECK_THROWS_WITH(ids.write<std::uint32_t>(0x2, 1), Catch::Contains("not aligned to 4 bytes"));
    CHECK_THROWS_AS(ids.read<std::uint8_t>(~std::size_t{0}), RangeError);
    CHECK_NOTHROW(ids.read<std::uint32_t>(0xec));

    std::array<std::uint32_t, 4> block{};
    CHECK_THROWS_AS(ids.read_block<std::uint32_t>(0xe4, block), RangeError);  // 0xe4 + 16 > 0xf0
    CHECK_NOTHROW(ids.read_block<std::uint32_t>(0xe0, block));

    CHECK_THROWS_WITH(dev.map(2), Catch::Contains("has no map2"));
    CHECK_THROWS_WITH(dev.map("nope"), Catch::Contains("no map named 'nope'") && Catch::Contains("'ids'"));

    // Without reg-names the kernel names every map after the node: a name that is not unique refuses.
    sys.add_device({.name = "samename",
                    .maps = {{.phys = 0x41000000, .length = 0x1000, .name = "regs@41000000"},
                             {.phys = 0x41002000, .length = 0x1000, .name = "regs@41000000"}}});
    Device same = Device::open(Selector::name("samename"), OpenOptions{}, sys.host());
    CHECK_THROWS_WITH(same.map("regs@41000000"), Catch::Contains("map0, map1 are all named 'regs@41000000'"));
    CHECK_NOTHROW(same.map(1));

    Device inspect = Device::open(Selector::index(0), OpenOptions{.writable = false}, sys.host());
    const Region ro = inspect.map(1);
    CHECK_FALSE(ro.writable());
    CHECK_THROWS_WITH(ro.write<std::uint32_t>(0, 1), Catch::Contains("mapped read-only"));
    CHECK_NOTHROW(ro.read<std::uint32_t>(0));
}

TEST_CASE("unchecked accesses reach the same registers as checked ones", "[device][mmap]") {
    SimDevice sim(two_map_spec());
    Device dev = sim.open();
    const Region r = dev.map(0);
    r.write_unchecked<std::uint32_t>(0x40, 0xC0FFEE01);
    CHECK(sim.device.memory(0).read<std::uint32_t>(0x40) == 0xC0FFEE01);
    sim.device.memory(0).write<std::uint16_t>(0x46, 0xBEEF);
    CHECK(r.read_unchecked<std::uint16_t>(0x46) == 0xBEEF);
    CHECK(r.read_unchecked<std::uint64_t>(0x40) == r.read<std::uint64_t>(0x40));
}

TEST_CASE("block transfers are one access of the chosen width per element", "[device][mmap]") {
    SimDevice sim(two_map_spec());
    Device dev = sim.open();
    const Region r = dev.map(0);

    const std::array<std::uint32_t, 4> out{1, 2, 3, 0xffffffff};
    r.write_block<std::uint32_t>(0x100, out);
    CHECK(sim.device.memory(0).read<std::uint32_t>(0x10c) == 0xffffffff);

    std::array<std::uint16_t, 8> in{};
    r.read_block<std::uint16_t>(0x100, in);
    CHECK(in == std::array<std::uint16_t, 8>{1, 0, 2, 0, 3, 0, 0xffff, 0xffff});

    std::array<std::uint64_t, 2> wide{};
    r.read_block<std::uint64_t>(0x100, wide);
    CHECK(wide[1] == 0xffffffff00000003ull);
}

TEMPLATE_TEST_CASE("block transfers of any length copy every element and nothing around them", "[device][mmap]", std::uint8_t,
                   std::uint16_t, std::uint32_t, std::uint64_t) {
    SimDevice sim(two_map_spec());
    Device dev = sim.open();
    const Region r = dev.map(0);
    const Region device_side = sim.device.memory(0);
    constexpr std::size_t at = 0x200;
    // Lengths around the eight-element unrolled loop (none, remainder only, exact, both), and longer.
    const std::size_t n = GENERATE(0u, 1u, 7u, 8u, 9u, 16u, 23u, 71u, 72u, 73u, 80u, 201u);
    CAPTURE(n);
    const auto guard = static_cast<TestType>(0xA5A5A5A5A5A5A5A5ull);
    device_side.write<TestType>(at - sizeof(TestType), guard);
    device_side.write<TestType>(at + n * sizeof(TestType), guard);

    // The source, too, starts one element off its buffer's alignment.
    std::vector<TestType> source(n + 1);
    const std::span<TestType> out(source.data() + 1, n);
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<TestType>(0x0102030405060708ull * (i + 1));
    r.write_block<TestType>(at, out);
    for (std::size_t i = 0; i < n; ++i) CHECK(device_side.read<TestType>(at + i * sizeof(TestType)) == out[i]);
    CHECK(device_side.read<TestType>(at - sizeof(TestType)) == guard);
    CHECK(device_side.read<TestType>(at + n * sizeof(TestType)) == guard);

    // One element more than asked on each side, which read_block must leave alone; the copy itself
    // then starts one element off the buffer's alignment.
    std::vector<TestType> in(n + 2, 0);
    r.read_block<TestType>(at, std::span<TestType>(in.data() + 1, n));
    CHECK(std::equal(out.begin(), out.end(), in.begin() + 1));
    CHECK(in.front() == 0);
    CHECK(in.back() == 0);
}

TEST_CASE("subregion narrows a window and keeps its bounds", "[device][mmap]") {
    SimDevice sim(two_map_spec());
    Device dev = sim.open();
    const Region sub = dev.map(0).subregion(0x800, 0x10);
    sim.device.memory(0).write<std::uint32_t>(0x80c, 7);
    CHECK(sub.read<std::uint32_t>(0xc) == 7);
    CHECK_THROWS_AS(sub.read<std::uint32_t>(0x10), RangeError);
    CHECK_THROWS_AS(dev.map(0).subregion(0x1ff0, 0x20), RangeError);
}

namespace {
struct Words {  // 32-bit registers only
    static constexpr std::size_t size = 0xc;
    static constexpr std::size_t alignment = 4;
};
struct Wide {  // with a 64-bit register
    static constexpr std::size_t size = 0x10;
    static constexpr std::size_t alignment = 8;
};
struct Bytes {  // no alignment declared: none checked (8-bit registers sit anywhere)
    static constexpr std::size_t size = 0x8;
};
}  // namespace

TEST_CASE("a subregion that starts off alignment refuses misaligned accesses and register blocks", "[device][mmap]") {
    SimDevice sim(two_map_spec());
    Device dev = sim.open();
    const Region odd = dev.map(0).subregion(0x802, 0x20);  // the map itself is page-aligned
    CHECK_THROWS_WITH(odd.read<std::uint32_t>(0), Catch::Contains("starts off 4-byte alignment"));
    CHECK_THROWS_AS(odd.write<std::uint16_t>(1, 0), RangeError);
    std::array<std::uint32_t, 2> words{};
    CHECK_THROWS_AS(odd.read_block<std::uint32_t>(0, words), RangeError);
    CHECK_NOTHROW(odd.read<std::uint32_t>(2));  // 0x804: aligned
    CHECK_NOTHROW(odd.read<std::uint16_t>(0));

    CHECK_THROWS_WITH(RegisterBlock<Words>(odd), Catch::Contains("not aligned to 4 bytes"));
    CHECK_NOTHROW(RegisterBlock<Words>(dev.map(0).subregion(0x804, 0xc)));
    CHECK_THROWS_WITH(RegisterBlock<Wide>(dev.map(0).subregion(0x804, 0x10)), Catch::Contains("not aligned to 8 bytes"));
    CHECK_NOTHROW(RegisterBlock<Wide>(dev.map(0).subregion(0x808, 0x10)));
    CHECK_NOTHROW(RegisterBlock<Bytes>(odd));
}

TEST_CASE("Device is movable and the moved-to device keeps its maps and interrupt", "[device][mmap]") {
    SimDevice sim(two_map_spec());
    Device a = sim.open();
    const Region r = a.map(0);
    const int fd = a.fd();
    const Interrupt* irq = &a.interrupt();
    Device b = std::move(a);
    CHECK(b.fd() == fd);
    CHECK(b.map(0).base() == r.base());  // not remapped
    CHECK(&b.interrupt() == irq);         // references taken before the move stay good
    sim.device.raise_interrupt();
    CHECK(b.interrupt().wait_for(std::chrono::seconds(5)).has_value());
    static_assert(!std::is_copy_constructible_v<Device> && !std::is_copy_assignable_v<Device>);
    static_assert(std::is_nothrow_move_constructible_v<Device>);
}

TEST_CASE("a moved-from Interrupt has no interrupt and says it was moved from", "[device][interrupt]") {
    SimDevice sim(two_map_spec());
    Device dev = sim.open();
    Interrupt moved = std::move(dev.interrupt());
    CHECK(moved.available());
    CHECK(moved.fd() == dev.fd());
    CHECK_FALSE(dev.interrupt().available());
    CHECK(dev.interrupt().fd() == -1);
    CHECK_THROWS_WITH(dev.interrupt().wait_for(std::chrono::seconds(0)), Catch::Contains("moved from"));
    CHECK_THROWS_AS(dev.interrupt().enable(), NoInterruptError);
    sim.device.raise_interrupt();
    const auto event = moved.wait_for(std::chrono::seconds(5));
    REQUIRE(event.has_value());
    CHECK(event->count == 1);
    static_assert(!std::is_copy_constructible_v<Interrupt> && !std::is_copy_assignable_v<Interrupt>);
    static_assert(std::is_nothrow_move_constructible_v<Interrupt> && std::is_nothrow_move_assignable_v<Interrupt>);
}

TEST_CASE("opening a device node that cannot be opened names it", "[device][mmap]") {
    SimDevice sim(two_map_spec());
    Host real_open = sim.host();
    real_open.opener = nullptr;  // open <root>/dev/uio0 itself
    std::filesystem::remove(sim.system.root() / "dev/uio0");
    CHECK_THROWS_WITH(Device::open(Selector::index(0), OpenOptions{}, real_open),
                      Catch::Contains("open " + (sim.system.root() / "dev/uio0").string()) &&
                          Catch::Contains("No such file"));
}

// Faults at open and mmap: errors that name what failed and how to fix it. These use SimDevice's
// typical device ("dev", one page at 0x40000000), which the expected messages name.

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
