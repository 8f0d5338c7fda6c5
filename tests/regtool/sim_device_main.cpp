// regtool_sim_device COMMAND [ARGS...]: keeps a simulated PL031 (uio0) and a "widget" (uio1,
// 0x12345678 at 0x10) alive while COMMAND runs, so the real regtool binary can be tested out of
// process against them. COMMAND gets the simulated system's root in $UIOKIT_SIM_ROOT (sysfs class
// directory: $UIOKIT_SIM_ROOT/sys/class/uio, device nodes: $UIOKIT_SIM_ROOT/dev); the exit status
// is COMMAND's.
//
// The simulator serves its device memory to in-process openers only (a memfd), and its /dev/uioN
// are empty placeholders. Another process opens /dev/uioN and mmaps map 0 at offset 0, as from the
// kernel, so here /dev/uioN becomes a regular file mapped over the simulator's own view of map 0:
// what the simulated device holds (memory().write) is what the regtool process reads.
#include <fcntl.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include <uiokit/error.hpp>
#include <uiokit/unique_fd.hpp>
#include <uiokit/sim/simulated_system.hpp>

#include "pl031_identification.hpp"

namespace {

// Replaces the simulator's mapping of `device`'s map 0 by a shared mapping of its device node.
void back_map0_by_node(const uiokit::sim::SimulatedSystem& system, const uiokit::sim::SimulatedDevice& device) {
    const uiokit::Region window = device.memory(0);
    const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    const std::uintptr_t in_page = reinterpret_cast<std::uintptr_t>(window.base()) & (page - 1);
    void* const mapping = const_cast<std::byte*>(window.base() - in_page);  // NOLINT(cppcoreguidelines-pro-type-const-cast)
    const std::size_t length = (in_page + window.size() + page - 1) & ~(page - 1);

    const auto node = system.root() / "dev" / ("uio" + std::to_string(device.index()));
    const uiokit::UniqueFd fd(::open(node.c_str(), O_RDWR | O_CLOEXEC));
    if (!fd) throw uiokit::Error(errno, "open " + node.string());
    if (::ftruncate(fd.get(), static_cast<off_t>(length)) < 0) throw uiokit::Error(errno, "ftruncate " + node.string());
    // MAP_FIXED over the simulator's view: the simulator unmaps this range when it is destroyed.
    if (::mmap(mapping, length, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd.get(), 0) == MAP_FAILED)
        throw uiokit::Error(errno, "mmap " + node.string());

    // The view and the node must now be the same memory: a write through one is in the other.
    window.write<std::uint32_t>(0, 0xA5A5'5A5A);
    std::uint32_t seen = 0;
    if (::pread(fd.get(), &seen, sizeof seen, static_cast<off_t>(in_page)) != sizeof seen || seen != 0xA5A5'5A5A)
        throw uiokit::Error(EIO, "the simulated map 0 is not backed by " + node.string());
    window.write<std::uint32_t>(0, 0);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: regtool_sim_device COMMAND [ARGS...]\n";
        return 2;
    }
    try {
        uiokit::sim::SimulatedSystem system;
        // The PL031 as QEMU has it (tests/regtool/harness.hpp's Board): a counter and the ID registers.
        auto& rtc = system.add_device({.name = "pl031", .maps = {{.phys = 0x0901'0000, .length = 0x1000}}});
        back_map0_by_node(system, rtc);
        pl031::write_identification(rtc.memory());
        rtc.memory().write<std::uint32_t>(0x00, 0x6553'f100);  // DR
        rtc.memory().write<std::uint32_t>(0x0C, 1);            // CR.START
        // A device no built-in map is named after: its map can only come from a directory.
        auto& widget = system.add_device({.name = "widget", .maps = {{.phys = 0x4000'0000, .length = 0x100}}});
        back_map0_by_node(system, widget);
        widget.memory().write<std::uint32_t>(0x10, 0x1234'5678);

        // This environment and UIOKIT_SIM_ROOT (no setenv: the simulator's thread is running).
        std::vector<std::string> variables{"UIOKIT_SIM_ROOT=" + system.root().string()};
        for (char** v = environ; *v; ++v)
            if (std::strncmp(*v, "UIOKIT_SIM_ROOT=", 16) != 0) variables.emplace_back(*v);
        std::vector<char*> envp;
        envp.reserve(variables.size() + 1);
        for (auto& v : variables) envp.push_back(v.data());
        envp.push_back(nullptr);
        pid_t child = 0;
        if (const int e = ::posix_spawnp(&child, argv[1], nullptr, nullptr, argv + 1, envp.data()); e != 0)
            throw uiokit::Error(e, std::string("run ") + argv[1]);
        int status = 0;
        while (::waitpid(child, &status, 0) < 0)
            if (errno != EINTR) throw uiokit::Error(errno, "waitpid");
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    } catch (const std::exception& e) {
        std::cerr << "regtool_sim_device: " << e.what() << '\n';
        return 1;
    }
}
