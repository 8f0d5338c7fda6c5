// uiokit's performance against the physical limit, side by side in one Google Benchmark run.
// bench/run.sh runs it with repetitions and random interleaving and writes bench/RESULTS.md.
//
//   Reg/*        typed field read / write / modify (RegisterBlock over the simulator's memfd
//                mapping, opened through Device) against a hand-written volatile access doing the
//                same thing; 1024 operations per iteration (register_kernels.cpp).
//   Block/*      Region::read_block / write_block at 32 and 64 bits between ordinary memory and a
//                mapped window (memfd), against memcpy between two ordinary buffers.
//   Irq/*        one interrupt round trip on the simulated device: the library's enable() + wait()
//                (or wait_for) against a plain C loop of write(fd, 1) + read(fd, 4) (or ppoll) on
//                the same kind of file descriptor; `wake_ns` is raise_interrupt() -> wait returns.
//   Discovery/*  enumerate() and find(name) over 256 simulated devices with 5 maps each.
#include <poll.h>
#include <unistd.h>

#include <benchmark/benchmark.h>

#include <cstring>
#include <memory>
#include <span>
#include <stdexcept>
#include <vector>

#include <uiokit/discovery.hpp>

#include "bench_support.hpp"
#include "register_kernels.hpp"

using namespace uiokit_bench;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t kOps = 1024;  // register operations per benchmark iteration

std::int64_t total(const benchmark::State& state, std::size_t per_iteration) {
    return static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(per_iteration);
}

// ---------------------------------------------------------------------------------------------
// Register access

struct RegisterEnv {
    uiokit::sim::SimulatedSystem system;
    uiokit::Device device;
    uiokit::Region region;
    Block block;
    volatile std::uint32_t* words;

    RegisterEnv()
        : device((system.add_device({.name = "regs", .maps = {{.phys = 0x1000'0000, .length = 0x1000}}}),
                  uiokit::Device::open(uiokit::Selector::name("regs"), uiokit::OpenMode::read_write,
                                       system.host()))),
          region(device.map(0)),
          block(region),
          words(reinterpret_cast<volatile std::uint32_t*>(region.base())) {}
};

RegisterEnv& registers() {
    static RegisterEnv env;
    return env;
}

#define REGISTER_PAIR(op)                                                        \
    void Reg_##op##_typed(benchmark::State& state) {                             \
        auto& env = registers();                                                 \
        for (auto _ : state) benchmark::DoNotOptimize(run_typed_##op(env));      \
        state.SetItemsProcessed(total(state, kOps)); \
    }                                                                            \
    void Reg_##op##_hand(benchmark::State& state) {                              \
        auto& env = registers();                                                 \
        for (auto _ : state) benchmark::DoNotOptimize(run_hand_##op(env));       \
        state.SetItemsProcessed(total(state, kOps)); \
    }                                                                            \
    BENCHMARK(Reg_##op##_typed);                                                 \
    BENCHMARK(Reg_##op##_hand)

// The kernels are out of line (register_kernels.cpp): the optimizer cannot drop or hoist their
// device accesses (each is an asm volatile or a volatile access), and sees nothing across the call.
std::uint32_t run_typed_read(RegisterEnv& e) { return typed_read(e.block, kOps); }
std::uint32_t run_hand_read(RegisterEnv& e) { return hand_read(e.words, kOps); }
int run_typed_write(RegisterEnv& e) { return typed_write(e.block, kOps), 0; }
int run_hand_write(RegisterEnv& e) { return hand_write(e.words, kOps), 0; }
int run_typed_modify(RegisterEnv& e) { return typed_modify(e.block, kOps), 0; }
int run_hand_modify(RegisterEnv& e) { return hand_modify(e.words, kOps), 0; }
int run_typed_modify_w1c(RegisterEnv& e) { return typed_modify_w1c(e.block, kOps), 0; }
int run_hand_modify_w1c(RegisterEnv& e) { return hand_modify_w1c(e.words, kOps), 0; }

REGISTER_PAIR(read);
REGISTER_PAIR(write);
REGISTER_PAIR(modify);
REGISTER_PAIR(modify_w1c);

// ---------------------------------------------------------------------------------------------
// Block transfer

constexpr std::size_t kMaxBlock = 1 << 20;

struct BlockEnv {
    uiokit::sim::SimulatedSystem system;
    uiokit::Device device;
    uiokit::Region window;
    std::unique_ptr<std::uint64_t[]> a{new std::uint64_t[kMaxBlock / 8]};
    std::unique_ptr<std::uint64_t[]> b{new std::uint64_t[kMaxBlock / 8]};

    BlockEnv()
        : device((system.add_device({.name = "window", .maps = {{.phys = 0x2000'0000, .length = kMaxBlock}}}),
                  uiokit::Device::open(uiokit::Selector::name("window"), uiokit::OpenMode::read_write,
                                       system.host()))),
          window(device.map(0)) {
        if (window.size() < kMaxBlock) throw std::runtime_error("window too small");
        // Touch every page once, so no benchmark pays for first-touch page faults.
        for (std::size_t i = 0; i < kMaxBlock / 8; ++i) a[i] = b[i] = i * 0x9E3779B97F4A7C15ull;
        window.write_block<std::uint64_t>(0, std::span<const std::uint64_t>(a.get(), kMaxBlock / 8));
    }
};

BlockEnv& blocks() {
    static BlockEnv env;
    return env;
}

void Block_memcpy(benchmark::State& state) {
    auto& env = blocks();
    const auto size = static_cast<std::size_t>(state.range(0));
    for (auto _ : state) {
        std::memcpy(env.b.get(), env.a.get(), size);
        benchmark::DoNotOptimize(env.b.get());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(total(state, size));
}

template <class T>
void Block_read_block(benchmark::State& state) {  // window -> ordinary memory
    auto& env = blocks();
    const auto size = static_cast<std::size_t>(state.range(0));
    const std::span<T> out(reinterpret_cast<T*>(env.b.get()), size / sizeof(T));
    for (auto _ : state) {
        env.window.read_block<T>(0, out);
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(total(state, size));
}

template <class T>
void Block_write_block(benchmark::State& state) {  // ordinary memory -> window
    auto& env = blocks();
    const auto size = static_cast<std::size_t>(state.range(0));
    const std::span<const T> in(reinterpret_cast<const T*>(env.a.get()), size / sizeof(T));
    for (auto _ : state) {
        benchmark::DoNotOptimize(in.data());
        env.window.write_block<T>(0, in);
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(total(state, size));
}

// For reference: the best a loop of single 64-bit volatile loads can do (what read_block is).
void Block_volatile_loop64(benchmark::State& state) {
    auto& env = blocks();
    const auto size = static_cast<std::size_t>(state.range(0));
    const auto* src = reinterpret_cast<const volatile std::uint64_t*>(env.window.base());
    std::uint64_t* dst = env.b.get();
    for (auto _ : state) {
        for (std::size_t i = 0; i < size / 8; ++i) dst[i] = src[i];
        benchmark::DoNotOptimize(dst);
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(total(state, size));
}

// For reference: memcpy out of the mapped window (the same memory read_block reads; memcpy may
// use SIMD and wide accesses, which a device window does not allow).
void Block_memcpy_from_window(benchmark::State& state) {
    auto& env = blocks();
    const auto size = static_cast<std::size_t>(state.range(0));
    const auto* src = const_cast<const std::byte*>(env.window.base());
    for (auto _ : state) {
        std::memcpy(env.b.get(), src, size);
        benchmark::DoNotOptimize(env.b.get());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(total(state, size));
}

#define BLOCK_SIZES Arg(64 << 10)->Arg(1 << 20)
BENCHMARK(Block_memcpy)->BLOCK_SIZES;
BENCHMARK(Block_memcpy_from_window)->BLOCK_SIZES;
BENCHMARK(Block_volatile_loop64)->BLOCK_SIZES;
BENCHMARK_TEMPLATE(Block_read_block, std::uint32_t)->BLOCK_SIZES;
BENCHMARK_TEMPLATE(Block_read_block, std::uint64_t)->BLOCK_SIZES;
BENCHMARK_TEMPLATE(Block_write_block, std::uint32_t)->BLOCK_SIZES;
BENCHMARK_TEMPLATE(Block_write_block, std::uint64_t)->BLOCK_SIZES;

// ---------------------------------------------------------------------------------------------
// Interrupt round trip (ping-pong with the simulated hardware thread)

void report_wake(benchmark::State& state, std::int64_t wake_sum, std::int64_t wakes) {
    state.counters["wake_ns"] = wakes ? static_cast<double>(wake_sum) / static_cast<double>(wakes) : 0.0;
    state.SetItemsProcessed(wakes);
}

void Irq_wait_library(benchmark::State& state) {
    PingPong pp;
    uiokit::Interrupt& irq = pp.device().interrupt();
    std::int64_t wake_sum = 0, wakes = 0;
    for (auto _ : state) {
        irq.enable();
        const uiokit::InterruptEvent event = irq.wait();
        wake_sum += now_ns() - pp.raised_at();
        ++wakes;
        benchmark::DoNotOptimize(event);
    }
    report_wake(state, wake_sum, wakes);
}

void Irq_wait_plain_c(benchmark::State& state) {
    PingPong pp;
    const int fd = pp.device().fd();
    std::int64_t wake_sum = 0, wakes = 0;
    for (auto _ : state) {
        const std::uint32_t one = 1;
        if (::write(fd, &one, sizeof one) != sizeof one) state.SkipWithError("write");
        std::uint32_t count = 0;
        if (::read(fd, &count, sizeof count) != sizeof count) state.SkipWithError("read");
        wake_sum += now_ns() - pp.raised_at();
        ++wakes;
        benchmark::DoNotOptimize(count);
    }
    report_wake(state, wake_sum, wakes);
}

void Irq_wait_for_library(benchmark::State& state) {
    PingPong pp;
    uiokit::Interrupt& irq = pp.device().interrupt();
    std::int64_t wake_sum = 0, wakes = 0;
    for (auto _ : state) {
        irq.enable();
        const auto event = irq.wait_for(1s);
        if (!event) state.SkipWithError("timeout");
        wake_sum += now_ns() - pp.raised_at();
        ++wakes;
        benchmark::DoNotOptimize(event);
    }
    report_wake(state, wake_sum, wakes);
}

void Irq_wait_for_plain_c(benchmark::State& state) {
    PingPong pp;
    const int fd = pp.device().fd();
    std::int64_t wake_sum = 0, wakes = 0;
    for (auto _ : state) {
        const std::uint32_t one = 1;
        if (::write(fd, &one, sizeof one) != sizeof one) state.SkipWithError("write");
        pollfd p{fd, POLLIN, 0};
        const timespec timeout{1, 0};
        if (::ppoll(&p, 1, &timeout, nullptr) != 1) state.SkipWithError("ppoll");
        std::uint32_t count = 0;
        if (::read(fd, &count, sizeof count) != sizeof count) state.SkipWithError("read");
        wake_sum += now_ns() - pp.raised_at();
        ++wakes;
        benchmark::DoNotOptimize(count);
    }
    report_wake(state, wake_sum, wakes);
}

BENCHMARK(Irq_wait_library)->UseRealTime();
BENCHMARK(Irq_wait_plain_c)->UseRealTime();
BENCHMARK(Irq_wait_for_library)->UseRealTime();
BENCHMARK(Irq_wait_for_plain_c)->UseRealTime();

// ---------------------------------------------------------------------------------------------
// Discovery: 256 devices x 5 maps

struct DiscoveryEnv {
    uiokit::sim::SimulatedSystem system;
    uiokit::Host host;
    DiscoveryEnv() {
        add_discovery_devices(system, 256, 5);
        host = system.host();
    }
};

DiscoveryEnv& discovery() {
    static DiscoveryEnv env;
    return env;
}

void Discovery_enumerate_256x5(benchmark::State& state) {
    auto& env = discovery();
    for (auto _ : state) {
        auto devices = uiokit::enumerate(env.host);
        if (devices.size() != 256) state.SkipWithError("expected 256 devices");
        benchmark::DoNotOptimize(devices.data());
    }
    state.SetItemsProcessed(total(state, 256));  // items = devices
}

void Discovery_find_name_256x5(benchmark::State& state) {
    auto& env = discovery();
    const auto selector = uiokit::Selector::name("ip200");
    for (auto _ : state) {
        auto info = uiokit::find(selector, env.host);
        benchmark::DoNotOptimize(info.maps.data());
    }
    state.SetItemsProcessed(total(state, 256));  // items = candidates
}

void Discovery_device_indices_256(benchmark::State& state) {
    auto& env = discovery();
    for (auto _ : state) {
        auto indices = uiokit::device_indices(env.host);
        benchmark::DoNotOptimize(indices.data());
    }
    state.SetItemsProcessed(total(state, 256));
}

BENCHMARK(Discovery_enumerate_256x5)->Unit(benchmark::kMillisecond);
BENCHMARK(Discovery_find_name_256x5)->Unit(benchmark::kMillisecond);
BENCHMARK(Discovery_device_indices_256)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
