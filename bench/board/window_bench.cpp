// uiokit-window-bench: the library's bulk copies against the plain C loop on the same window, in
// one process, paired (bench/board/vboard-sram.sh runs it on the board's SRAM):
//     uiokit-window-bench DEVICE [ROUNDS]
// Each round times a 1 MiB (or the whole window, if smaller) copy in and copy out four ways, in an
// order that alternates between rounds: Region::copy_in / copy_out, and plain_copy_in / out
// (bench/board/plain_window.c: one 64-bit volatile access per element) on the Region's own mapping.
// Prints the median time of each and the ratios library / plain (target: <= 1.1).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include <uiokit/device.hpp>
#include <uiokit/error.hpp>

#include "plain_window.h"

namespace {

using Clock = std::chrono::steady_clock;

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

template <class F>
double time_us(F&& f) {
    const auto t0 = Clock::now();
    f();
    return std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || argc > 3) {
        (void)std::fprintf(stderr, "usage: uiokit-window-bench DEVICE [ROUNDS]\n");
        return 2;
    }
    const long rounds = argc == 3 ? std::strtol(argv[2], nullptr, 10) : 21;
    if (rounds < 1 || rounds > 10000) {
        (void)std::fprintf(stderr, "uiokit-window-bench: ROUNDS must be 1 to 10000\n");
        return 2;
    }
    try {
        uiokit::Device device = uiokit::Device::open(uiokit::Selector::parse(argv[1]));
        const uiokit::Region window = device.map(0);
        const std::size_t bytes = std::min<std::size_t>(window.size(), 1 << 20) & ~std::size_t{7};
        std::vector<std::uint64_t> host(bytes / 8);
        for (std::size_t i = 0; i < host.size(); ++i) host[i] = i * 0x9E3779B97F4A7C15ull;
        const std::span<std::byte> host_bytes(reinterpret_cast<std::byte*>(host.data()), bytes);
        auto* base = reinterpret_cast<volatile std::uint64_t*>(window.base());

        std::vector<double> lib_in;
        std::vector<double> lib_out;
        std::vector<double> plain_in;
        std::vector<double> plain_out;
        for (long r = 0; r < rounds; ++r) {
            const auto library = [&] {
                lib_in.push_back(time_us([&] { window.copy_in(0, host_bytes); }));
                lib_out.push_back(time_us([&] { window.copy_out(0, host_bytes); }));
            };
            const auto plain = [&] {
                plain_in.push_back(time_us([&] { plain_copy_in(base, host.data(), host.size()); }));
                plain_out.push_back(time_us([&] { plain_copy_out(host.data(), base, host.size()); }));
            };
            if (r % 2 == 0) {
                library();
                plain();
            } else {
                plain();
                library();
            }
        }
        const double li = median(lib_in);
        const double lo = median(lib_out);
        const double pi = median(plain_in);
        const double po = median(plain_out);
        std::printf("window %s, %zu bytes, %ld rounds (medians)\n", window.description().c_str(), bytes, rounds);
        std::printf("copy in:  library %.0f us, plain C %.0f us, library / plain %.3f\n", li, pi, li / pi);
        std::printf("copy out: library %.0f us, plain C %.0f us, library / plain %.3f\n", lo, po, lo / po);
        return 0;
    } catch (const uiokit::Error& e) {
        (void)std::fprintf(stderr, "uiokit-window-bench: %s\n", e.what());
        return 1;
    }
}
