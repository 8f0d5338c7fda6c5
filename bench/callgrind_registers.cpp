// Instruction counts of the register-access kernels, for valgrind --tool=callgrind:
//
//   valgrind --tool=callgrind --toggle-collect='uiokit_bench::typed_modify(*' uiokit_bench_callgrind typed_modify 1000000
//
// runs one kernel (register_kernels.cpp) `n` times over a memfd mapping and collects only inside
// it. bench/run.sh runs every kernel this way and divides the collected Ir by n.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include <uiokit/region.hpp>

#include "register_kernels.hpp"

using namespace uiokit_bench;

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s KERNEL N\n  KERNEL: {typed,hand}_{read,write,modify,modify_w1c}\n", argv[0]);
        return 2;
    }
    const std::string_view kernel = argv[1];
    const std::size_t n = std::strtoull(argv[2], nullptr, 10);

    const int fd = ::memfd_create("uiokit-bench-registers", MFD_CLOEXEC);
    if (fd < 0 || ::ftruncate(fd, 4096) < 0) return std::perror("memfd"), 1;
    void* memory = ::mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (memory == MAP_FAILED) return std::perror("mmap"), 1;
    const uiokit::Region region(static_cast<volatile std::byte*>(memory), 4096, true, "memfd");
    const Block block(region);
    auto* words = reinterpret_cast<volatile std::uint32_t*>(region.base());

    std::uint32_t sum = 0;
    if (kernel == "typed_read") sum = typed_read(block, n);
    else if (kernel == "hand_read") sum = hand_read(words, n);
    else if (kernel == "typed_write") typed_write(block, n);
    else if (kernel == "hand_write") hand_write(words, n);
    else if (kernel == "typed_modify") typed_modify(block, n);
    else if (kernel == "hand_modify") hand_modify(words, n);
    else if (kernel == "typed_modify_w1c") typed_modify_w1c(block, n);
    else if (kernel == "hand_modify_w1c") hand_modify_w1c(words, n);
    else return std::fprintf(stderr, "unknown kernel %s\n", argv[1]), 2;
    std::printf("%s x %zu done (sum %u)\n", argv[1], n, sum);
    return 0;
}
