// Which files discovery opens, for strace. Builds 256 simulated devices with 5 maps each (in this
// process: the simulator removes its tree on exit), prints the tree's root, then runs each lookup
// between two marker opens of /uiokit-bench-marker/<phase>-{begin,end} (failed openat calls).
// Run as
//
//   strace -f -e trace=openat,open -o trace.txt uiokit_bench_discovery_opens
//
// bench/run.sh counts the openat calls under the root within each phase.
//   find_name       find(Selector::name("ip200")): should read every device's `name`, then ip200 in full
//   find_index      find(Selector::index(200)): ip200 in full (the cost of reading one device)
//   enumerate       enumerate(): every device in full
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include <uiokit/discovery.hpp>

#include "bench_support.hpp"

using namespace uiokit_bench;

namespace {
void marker(const char* phase, const char* edge) {
    const std::string path = std::string("/uiokit-bench-marker/") + phase + "-" + edge;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) ::close(fd);
}
}  // namespace

int main() {
    uiokit::sim::SimulatedSystem system;
    add_discovery_devices(system, 256, 5);
    const uiokit::Host host = system.host();
    std::printf("root %s\n", system.root().c_str());
    std::fflush(stdout);

    marker("find_name", "begin");
    const auto by_name = uiokit::find(uiokit::Selector::name("ip200"), host);
    marker("find_name", "end");

    marker("find_index", "begin");
    const auto by_index = uiokit::find(uiokit::Selector::index(200), host);
    marker("find_index", "end");

    marker("enumerate", "begin");
    const auto all = uiokit::enumerate(host);
    marker("enumerate", "end");

    std::printf("find_name -> uio%u '%s' (%zu maps); find_index -> uio%u; enumerate -> %zu devices\n", by_name.index,
                by_name.name.c_str(), by_name.maps.size(), by_index.index, all.size());
    return by_name.index == 200 && by_index.index == 200 && all.size() == 256 ? 0 : 1;
}
