// uiokit's performance against the physical limit, side by side in one Google Benchmark run.
// bench/run.sh runs it with repetitions and random interleaving and writes bench/RESULTS.md.
//
//   Reg/*        typed field read / write / modify (RegisterBlock over the simulator's memfd
//                mapping, opened through Device) against a hand-written volatile access doing the
//                same thing; 1024 operations per iteration (register_kernels.cpp).
//   Block/*      Region::read_block / write_block at 32 and 64 bits between ordinary memory and a
//                mapped window (memfd), against memcpy between two ordinary buffers: 64 KiB and
//                1 MiB (cache-resident) and 64 MiB (twice the last-level cache: memory-bound).
//   Irq/*        one interrupt round trip on the simulated device: the library's enable() + wait()
//                (or wait_for) against a plain C loop of write(fd, 1) + read(fd, 4) (or ppoll) on
//                the same kind of file descriptor; `wake_ns` is raise_interrupt() -> wait returns.
//   Discovery/*  enumerate() and find(name) over 256 simulated devices with 5 maps each.
#include <poll.h>
#include <unistd.h>

#include <benchmark/benchmark.h>
#if defined(__x86_64__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <stdexcept>
#include <vector>

#include <uiokit/discovery.hpp>
#include <uiokit/mmio.hpp>

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
                  uiokit::Device::open(uiokit::Selector::name("regs"), uiokit::OpenOptions{},
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

// Paired: each iteration times a block of typed calls and a block of hand-written calls back to
// back (alternating which goes first), so both see the same machine conditions even when other
// processes come and go; reports the median over iterations of the per-block ratio typed/hand,
// which one preempted block cannot move (for each order, then their geometric mean).
double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
    return v[v.size() / 2];
}

template <auto Typed, auto Hand>
void paired_registers(benchmark::State& state) {
    auto& env = registers();
    constexpr int kCalls = 8;  // 8 x 1024 operations per side per iteration
    std::vector<double> ratios[2], typed_ns, hand_ns;  // ratios[0]: typed went first
    bool typed_first = true;
    for (auto _ : state) {
        std::int64_t t[2] = {0, 0};  // typed, hand
        for (int side = 0; side < 2; ++side) {
            const bool typed = (side == 0) == typed_first;
            const std::int64_t start = now_ns();
            for (int c = 0; c < kCalls; ++c) benchmark::DoNotOptimize(typed ? Typed(env) : Hand(env));
            t[typed ? 0 : 1] = now_ns() - start;
        }
        ratios[typed_first ? 0 : 1].push_back(static_cast<double>(t[0]) / static_cast<double>(t[1]));
        typed_first = !typed_first;
        typed_ns.push_back(static_cast<double>(t[0]) / (kCalls * kOps));
        hand_ns.push_back(static_cast<double>(t[1]) / (kCalls * kOps));
    }
    // Whichever side runs second may gain or lose a little (caches, branch predictors, the timer):
    // the geometric mean of the medians of the two orders cancels that.
    state.counters["ratio"] = std::sqrt(median(ratios[0]) * median(ratios[1]));
    state.counters["ratio_typed_first"] = median(ratios[0]);
    state.counters["ratio_hand_first"] = median(ratios[1]);
    state.counters["typed_ns"] = median(typed_ns);
    state.counters["hand_ns"] = median(hand_ns);
    state.SetItemsProcessed(total(state, 2 * kCalls * kOps));
}
BENCHMARK_TEMPLATE(paired_registers, run_typed_read, run_hand_read)->Name("RegPaired_read");
BENCHMARK_TEMPLATE(paired_registers, run_typed_write, run_hand_write)->Name("RegPaired_write");
BENCHMARK_TEMPLATE(paired_registers, run_typed_modify, run_hand_modify)->Name("RegPaired_modify");
BENCHMARK_TEMPLATE(paired_registers, run_typed_modify_w1c, run_hand_modify_w1c)->Name("RegPaired_modify_w1c");

// ---------------------------------------------------------------------------------------------
// Block transfer

constexpr std::size_t kMaxBlock = std::size_t{64} << 20;

struct BlockEnv {
    uiokit::sim::SimulatedSystem system;
    uiokit::Device device;
    uiokit::Region window;
    std::unique_ptr<std::uint64_t[]> a{new std::uint64_t[kMaxBlock / 8]};
    std::unique_ptr<std::uint64_t[]> b{new std::uint64_t[kMaxBlock / 8]};

    BlockEnv()
        : device((system.add_device({.name = "window", .maps = {{.phys = 0x2000'0000, .length = kMaxBlock}}}),
                  uiokit::Device::open(uiokit::Selector::name("window"), uiokit::OpenOptions{},
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

// One transfer of state.range(0) bytes per iteration, made by transfer(env, size). The transfer makes
// its work observable (volatile window accesses, or DoNotOptimize on a buffer or a sum).
template <class Transfer>
void run_block(benchmark::State& state, Transfer transfer) {
    auto& env = blocks();
    const auto size = static_cast<std::size_t>(state.range(0));
    for (auto _ : state) {
        transfer(env, size);
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(total(state, size));
}

void Block_memcpy(benchmark::State& state) {
    run_block(state, [](BlockEnv& env, std::size_t size) {
        std::memcpy(env.b.get(), env.a.get(), size);
        benchmark::DoNotOptimize(env.b.get());
    });
}

template <class T>
void Block_read_block(benchmark::State& state) {  // window -> ordinary memory
    run_block(state, [](BlockEnv& env, std::size_t size) {
        const std::span<T> out(reinterpret_cast<T*>(env.b.get()), size / sizeof(T));
        env.window.read_block<T>(0, out);
        benchmark::DoNotOptimize(out.data());
    });
}

template <class T>
void Block_write_block(benchmark::State& state) {  // ordinary memory -> window
    run_block(state, [](BlockEnv& env, std::size_t size) {
        const std::span<const T> in(reinterpret_cast<const T*>(env.a.get()), size / sizeof(T));
        benchmark::DoNotOptimize(in.data());
        env.window.write_block<T>(0, in);
    });
}

// For reference: a plain one-element loop of 64-bit volatile loads, which is what read_block was.
void Block_volatile_loop64(benchmark::State& state) {
    run_block(state, [](BlockEnv& env, std::size_t size) {
        const auto* src = reinterpret_cast<const volatile std::uint64_t*>(env.window.base());
        std::uint64_t* dst = env.b.get();
        for (std::size_t i = 0; i < size / 8; ++i) dst[i] = src[i];
        benchmark::DoNotOptimize(dst);
    });
}

// For reference: the measured ceiling of write_block at 64 bits. 64-bit stores alone, no loads, four
// per loop iteration: as fast as 64-bit accesses can fill a window.
void Block_store64_only(benchmark::State& state) {
    run_block(state, [](BlockEnv& env, std::size_t size) {
        volatile std::byte* const dst = env.window.base();
        for (std::size_t i = 0; i < size; i += 32) {
            uiokit::mmio::store<std::uint64_t>(dst + i, i);
            uiokit::mmio::store<std::uint64_t>(dst + i + 8, i);
            uiokit::mmio::store<std::uint64_t>(dst + i + 16, i);
            uiokit::mmio::store<std::uint64_t>(dst + i + 24, i);
        }
    });
}

// For reference: the measured ceiling of read_block at 64 bits. 64-bit loads alone, nothing stored,
// eight per loop iteration into four independent sums: as fast as 64-bit accesses can drain a window.
void Block_load64_only(benchmark::State& state) {
    run_block(state, [](BlockEnv& env, std::size_t size) {
        const volatile std::byte* const src = env.window.base();
        using uiokit::mmio::load;
        std::uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (std::size_t i = 0; i < size; i += 64) {
            s0 += load<std::uint64_t>(src + i) + load<std::uint64_t>(src + i + 32);
            s1 += load<std::uint64_t>(src + i + 8) + load<std::uint64_t>(src + i + 40);
            s2 += load<std::uint64_t>(src + i + 16) + load<std::uint64_t>(src + i + 48);
            s3 += load<std::uint64_t>(src + i + 24) + load<std::uint64_t>(src + i + 56);
        }
        benchmark::DoNotOptimize(s0 + s1 + s2 + s3);
    });
}

#if defined(__x86_64__)
// For reference, not used by the library: 64-bit copies whose window side is SSE moves (movq /
// movhps, still one 8-byte access each) and whose ordinary side moves 16 bytes at a time. Faster on
// cached memory, but a hypervisor that traps the window has to emulate these instructions, which
// its emulator may not do; mmio::load_block/store_block stay with general-purpose moves.
void Block_read_sse64(benchmark::State& state) {
    run_block(state, [](BlockEnv& env, std::size_t size) {
        const volatile std::byte* const src = env.window.base();
        std::uint64_t* const dst = env.b.get();
        for (std::size_t i = 0; i < size; i += 64) {
            __m128i v[8];
            for (std::size_t k = 0; k < 8; ++k)
                asm volatile("movq %1, %0"
                             : "=x"(v[k])
                             : "m"(*reinterpret_cast<const volatile std::uint64_t*>(src + i + 8 * k))
                             : "memory");
            for (std::size_t k = 0; k < 4; ++k)
                _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i / 8 + 2 * k), _mm_unpacklo_epi64(v[2 * k], v[2 * k + 1]));
        }
        benchmark::DoNotOptimize(dst);
    });
}

void Block_write_sse64(benchmark::State& state) {
    run_block(state, [](BlockEnv& env, std::size_t size) {
        volatile std::byte* const dst = env.window.base();
        const std::uint64_t* const src = env.a.get();
        benchmark::DoNotOptimize(src);
        for (std::size_t i = 0; i < size; i += 64) {
            for (std::size_t k = 0; k < 4; ++k) {
                const __m128i pair = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i / 8 + 2 * k));
                asm volatile("movq %1, %0"
                             : "=m"(*reinterpret_cast<volatile std::uint64_t*>(dst + i + 16 * k))
                             : "x"(pair)
                             : "memory");
                asm volatile("movhps %1, %0"
                             : "=m"(*reinterpret_cast<volatile std::uint64_t*>(dst + i + 16 * k + 8))
                             : "x"(pair)
                             : "memory");
            }
        }
    });
}
#endif

// For reference, not used by the library: mmio::load_block / store_block at 64 bits, called for
// one 64-byte line (eight elements) at a time, with a software prefetch before each line of the
// ordinary-memory side, `Distance` bytes ahead: read_block's destination for writing (prefetchw,
// hence the target attribute: without it GCC emits a read prefetch), write_block's source for
// reading. Never the window: pointless on an uncached one, and a device window sees only the
// transfer's own accesses. The address is formed through uintptr_t, as it runs past the buffer's end.
template <int Distance>
const void* ahead(const volatile void* p) {
    return reinterpret_cast<const void*>(reinterpret_cast<std::uintptr_t>(p) + Distance);
}

template <int Distance>
#if defined(__x86_64__)
[[gnu::target("prfchw")]]
#endif
void load_block_prefetchw(const volatile std::byte* device, std::uint64_t* out, std::size_t n) {
    for (; n >= 8; n -= 8, device += 64, out += 8) {
        __builtin_prefetch(ahead<Distance>(out), 1, 3);
        uiokit::mmio::load_block<std::uint64_t>(device, out, 8);
    }
}

template <int Distance>
void store_block_prefetch(volatile std::byte* device, const std::uint64_t* in, std::size_t n) {
    for (; n >= 8; n -= 8, device += 64, in += 8) {
        __builtin_prefetch(ahead<Distance>(in), 0, 3);
        uiokit::mmio::store_block<std::uint64_t>(device, in, 8);
    }
}

void Block_read_prefetchw64(benchmark::State& state) {
    run_block(state, [](BlockEnv& env, std::size_t size) {
        load_block_prefetchw<512>(env.window.base(), env.b.get(), size / 8);
        benchmark::DoNotOptimize(env.b.get());
    });
}

void Block_write_prefetch64(benchmark::State& state) {
    run_block(state, [](BlockEnv& env, std::size_t size) {
        benchmark::DoNotOptimize(env.a.get());
        store_block_prefetch<1024>(env.window.base(), env.a.get(), size / 8);
    });
}

// For reference: memcpy out of the mapped window (the same memory read_block reads; memcpy may
// use SIMD and wide accesses, which a device window does not allow).
void Block_memcpy_from_window(benchmark::State& state) {
    run_block(state, [](BlockEnv& env, std::size_t size) {
        std::memcpy(env.b.get(), const_cast<const std::byte*>(env.window.base()), size);
        benchmark::DoNotOptimize(env.b.get());
    });
}

// Region::copy_out / copy_in, the byte-granular bulk operations: judged against the single-access
// ceilings above (Block_load64_only / Block_store64_only), since a device window must see one
// access per element. Aligned: all 64-bit accesses. Odd: window offset 3 and host buffer offset 5,
// so a 5-byte head and 3-byte tail of narrower accesses and an unaligned host side.
template <std::size_t WindowOffset, std::size_t HostOffset>
void Block_copy_out(benchmark::State& state) {  // window -> ordinary memory
    run_block(state, [](BlockEnv& env, std::size_t size) {
        const std::size_t length = size - std::max(WindowOffset, HostOffset);
        env.window.copy_out(WindowOffset, std::span(reinterpret_cast<std::byte*>(env.b.get()) + HostOffset, length));
        benchmark::DoNotOptimize(env.b.get());
    });
}

template <std::size_t WindowOffset, std::size_t HostOffset>
void Block_copy_in(benchmark::State& state) {  // ordinary memory -> window
    run_block(state, [](BlockEnv& env, std::size_t size) {
        const std::size_t length = size - std::max(WindowOffset, HostOffset);
        benchmark::DoNotOptimize(env.a.get());
        env.window.copy_in(WindowOffset, std::span(reinterpret_cast<const std::byte*>(env.a.get()) + HostOffset, length));
    });
}

#define BLOCK_SIZES Arg(64 << 10)->Arg(1 << 20)->Arg(64 << 20)
BENCHMARK(Block_memcpy)->BLOCK_SIZES;
BENCHMARK(Block_memcpy_from_window)->BLOCK_SIZES;
BENCHMARK(Block_volatile_loop64)->BLOCK_SIZES;
BENCHMARK(Block_store64_only)->BLOCK_SIZES;
BENCHMARK(Block_load64_only)->BLOCK_SIZES;
BENCHMARK(Block_read_prefetchw64)->BLOCK_SIZES;
BENCHMARK(Block_write_prefetch64)->BLOCK_SIZES;
#if defined(__x86_64__)
BENCHMARK(Block_read_sse64)->BLOCK_SIZES;
BENCHMARK(Block_write_sse64)->BLOCK_SIZES;
#endif
BENCHMARK_TEMPLATE(Block_read_block, std::uint32_t)->BLOCK_SIZES;
BENCHMARK_TEMPLATE(Block_read_block, std::uint64_t)->BLOCK_SIZES;
BENCHMARK_TEMPLATE(Block_write_block, std::uint32_t)->BLOCK_SIZES;
BENCHMARK_TEMPLATE(Block_write_block, std::uint64_t)->BLOCK_SIZES;
BENCHMARK_TEMPLATE(Block_copy_out, 0, 0)->Name("Block_copy_out")->BLOCK_SIZES;
BENCHMARK_TEMPLATE(Block_copy_in, 0, 0)->Name("Block_copy_in")->BLOCK_SIZES;
BENCHMARK_TEMPLATE(Block_copy_out, 3, 5)->Name("Block_copy_out_odd")->BLOCK_SIZES;
BENCHMARK_TEMPLATE(Block_copy_in, 3, 5)->Name("Block_copy_in_odd")->BLOCK_SIZES;

// ---------------------------------------------------------------------------------------------
// Interrupt round trip (ping-pong with the simulated hardware thread)

void report_wake(benchmark::State& state, std::int64_t wake_sum, std::int64_t wakes) {
    state.counters["wake_ns"] = wakes ? static_cast<double>(wake_sum) / static_cast<double>(wakes) : 0.0;
    state.SetItemsProcessed(wakes);
}

// One round trip: re-enable the line, then wait for the interrupt the hardware thread raises in
// answer (Timed: with a 1 s timeout). Through the library, or the same syscalls by hand.
template <bool Timed>
void library_round_trip(uiokit::Interrupt& irq, benchmark::State& state) {
    irq.enable();
    if constexpr (Timed) {
        const auto event = irq.wait_for(1s);
        if (!event) state.SkipWithError("timeout");
        benchmark::DoNotOptimize(event);
    } else {
        const uiokit::InterruptEvent event = irq.wait();
        benchmark::DoNotOptimize(event);
    }
}

template <bool Timed>
void plain_c_round_trip(int fd, benchmark::State& state) {
    const std::uint32_t one = 1;
    if (::write(fd, &one, sizeof one) != sizeof one) state.SkipWithError("write");
    if constexpr (Timed) {
        pollfd p{fd, POLLIN, 0};
        const timespec timeout{1, 0};
        if (::ppoll(&p, 1, &timeout, nullptr) != 1) state.SkipWithError("ppoll");
    }
    std::uint32_t count = 0;
    if (::read(fd, &count, sizeof count) != sizeof count) state.SkipWithError("read");
    benchmark::DoNotOptimize(count);
}

template <bool Library, bool Timed>
void Irq_round_trip(benchmark::State& state) {
    PingPong pp;
    std::int64_t wake_sum = 0, wakes = 0;
    for (auto _ : state) {
        if constexpr (Library)
            library_round_trip<Timed>(pp.device().interrupt(), state);
        else
            plain_c_round_trip<Timed>(pp.device().fd(), state);
        wake_sum += now_ns() - pp.raised_at();
        ++wakes;
    }
    report_wake(state, wake_sum, wakes);
}

// Paired: each iteration is a block of round trips through the library and a block through the
// plain C loop on the same device and descriptor, alternating which goes first. Reports the
// medians over iterations of the per-block ratios library / plain C (round trip and wake-up; for
// each order, then their geometric mean),
// and the per-interrupt medians of each side. (The library's missed count after a plain C block
// is off, which costs nothing: it is one subtraction either way.)
template <bool Timed>
void Irq_paired(benchmark::State& state) {
    PingPong pp;
    uiokit::Interrupt& irq = pp.device().interrupt();
    const int fd = pp.device().fd();
    constexpr int kBlock = 32;
    std::vector<double> rt_ratio[2], wake_ratio[2], rt[2], wake[2];  // [0]: library went first
    bool library_first = true;
    for (auto _ : state) {
        double block_rt[2] = {0, 0}, block_wake[2] = {0, 0};  // library, plain C
        for (int side = 0; side < 2; ++side) {
            const bool library = (side == 0) == library_first;
            std::int64_t wake_sum = 0;
            const std::int64_t start = now_ns();
            for (int i = 0; i < kBlock; ++i) {
                if (library)
                    library_round_trip<Timed>(irq, state);
                else
                    plain_c_round_trip<Timed>(fd, state);
                wake_sum += now_ns() - pp.raised_at();
            }
            const int k = library ? 0 : 1;
            block_rt[k] = static_cast<double>(now_ns() - start) / kBlock;
            block_wake[k] = static_cast<double>(wake_sum) / kBlock;
        }
        rt_ratio[library_first ? 0 : 1].push_back(block_rt[0] / block_rt[1]);
        wake_ratio[library_first ? 0 : 1].push_back(block_wake[0] / block_wake[1]);
        library_first = !library_first;
        for (int k = 0; k < 2; ++k) {
            rt[k].push_back(block_rt[k]);
            wake[k].push_back(block_wake[k]);
        }
    }
    state.counters["rt_ratio"] = std::sqrt(median(rt_ratio[0]) * median(rt_ratio[1]));
    state.counters["wake_ratio"] = std::sqrt(median(wake_ratio[0]) * median(wake_ratio[1]));
    state.counters["rt_ratio_lib_first"] = median(rt_ratio[0]);
    state.counters["rt_ratio_c_first"] = median(rt_ratio[1]);
    state.counters["lib_rt_ns"] = median(rt[0]);
    state.counters["c_rt_ns"] = median(rt[1]);
    state.counters["lib_wake_ns"] = median(wake[0]);
    state.counters["c_wake_ns"] = median(wake[1]);
    state.SetItemsProcessed(total(state, 2 * kBlock));
}
BENCHMARK_TEMPLATE(Irq_paired, false)->Name("IrqPaired_wait")->UseRealTime();
BENCHMARK_TEMPLATE(Irq_paired, true)->Name("IrqPaired_wait_for")->UseRealTime();

BENCHMARK_TEMPLATE(Irq_round_trip, true, false)->Name("Irq_wait_library")->UseRealTime();
BENCHMARK_TEMPLATE(Irq_round_trip, false, false)->Name("Irq_wait_plain_c")->UseRealTime();
BENCHMARK_TEMPLATE(Irq_round_trip, true, true)->Name("Irq_wait_for_library")->UseRealTime();
BENCHMARK_TEMPLATE(Irq_round_trip, false, true)->Name("Irq_wait_for_plain_c")->UseRealTime();

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
