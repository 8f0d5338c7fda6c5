#!/usr/bin/env bash
# Builds and runs every uiokit performance benchmark side by side, then rewrites the generated
# section of bench/RESULTS.md (between the "BEGIN perf" / "END perf" markers; the rest of the file,
# e.g. the regtool section, is left alone).
#
#   bench/run.sh [BUILD_DIR]          default BUILD_DIR: build-bench (relative to the repository)
#
# What it runs (each command is also written into RESULTS.md):
#   1. uiokit_bench (Google Benchmark): registers, block transfer, interrupt round trip, discovery;
#      repetitions with random interleaving, so the typed/hand-written and library/plain-C pairs
#      share the machine's conditions.
#   2. uiokit_bench_callgrind under valgrind --tool=callgrind: instructions per register operation.
#   3. uiokit_bench_irq_syscalls under strace -f: syscalls of the driver thread per interrupt.
#   4. uiokit_bench_irq_flood: a million injected interrupts, library and plain C loop, alternating,
#      on a masked line (uio_pdrv_genirq) and on a line that counts every interrupt.
#   5. uiokit_bench_discovery_opens under strace -f -e trace=openat: files opened by find(name),
#      find(index) and enumerate() over 256 devices x 5 maps.
#   6. bench/regtool/compare-memtool.sh: regtool against memtool (printed; skip with UIOKIT_BENCH_SKIP_REGTOOL=1).
#
# Then bench/report.py reads the raw outputs (BUILD_DIR/bench-results), rewrites RESULTS.md and
# prints a verdict per check (exit status 1 if one fails).
#
# Needs (Debian 12): cmake ninja-build g++ libbenchmark-dev valgrind strace python3.
# Environment: UIOKIT_BENCH_REPETITIONS (default 10), UIOKIT_BENCH_MIN_TIME (seconds, default 0.3),
# UIOKIT_BENCH_FLOOD (interrupts, default 1000000), UIOKIT_BENCH_FLOOD_ROUNDS (default 3),
# UIOKIT_BENCH_SYSCALL_N (interrupts per strace phase, default 5000), UIOKIT_BENCH_SKIP_REGTOOL=1,
# UIOKIT_BENCH_REPORT_ONLY=1 (only rewrite RESULTS.md from BUILD_DIR/bench-results of the last run).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
build=${1:-build-bench}
reps=${UIOKIT_BENCH_REPETITIONS:-10}
min_time=${UIOKIT_BENCH_MIN_TIME:-0.3}
flood_n=${UIOKIT_BENCH_FLOOD:-1000000}
flood_rounds=${UIOKIT_BENCH_FLOOD_ROUNDS:-3}
syscall_n=${UIOKIT_BENCH_SYSCALL_N:-5000}
callgrind_n=1000000

for tool in cmake ninja valgrind strace python3; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool not found (apt-get install it)" >&2; exit 1; }
done

# The simulator writes its sysfs tree (and rewrites uioN/event on every interrupt) under $TMPDIR.
# sysfs lives in memory; on a disk filesystem (ext4 /tmp) each event rewrite can wait for
# writeback and costs milliseconds, which would swamp the interrupt path. Use tmpfs when we can.
if [[ -z "${TMPDIR:-}" && "$(stat -f -c %T /dev/shm 2>/dev/null)" == tmpfs ]]; then
    export TMPDIR=/dev/shm
fi
sim_tmp=${TMPDIR:-/tmp}

out="$build/bench-results"
bin="$build/bench"
if [[ -z "${UIOKIT_BENCH_REPORT_ONLY:-}" ]]; then
echo "== configure and build ($build)"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DUIOKIT_BUILD_BENCH=ON -DUIOKIT_SYSTEM_TESTS=OFF >/dev/null
cmake --build "$build" -j2 --target uiokit_bench uiokit_bench_callgrind uiokit_bench_irq_syscalls \
    uiokit_bench_irq_flood uiokit_bench_discovery_opens
rm -rf "$out"
mkdir -p "$out"

load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "started $(date -u '+%Y-%m-%d %H:%M UTC')" >"$out/when"

# 1. Google Benchmark
cmd_gbench="$bin/uiokit_bench --benchmark_repetitions=$reps --benchmark_enable_random_interleaving=true --benchmark_min_time=$min_time --benchmark_out=$out/gbench.json --benchmark_out_format=json"
echo "== $cmd_gbench"
echo "gbench_before $(load)" >>"$out/load"
$cmd_gbench | tee "$out/gbench.txt"
echo "gbench_after $(load)" >>"$out/load"

# 2. callgrind: one run per kernel, collecting only inside it
echo "== callgrind"
: >"$out/callgrind.txt"
for kernel in typed_read hand_read typed_write hand_write typed_modify hand_modify typed_modify_w1c hand_modify_w1c; do
    valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.$kernel.out" \
        "--toggle-collect=uiokit_bench::$kernel(*" "$bin/uiokit_bench_callgrind" "$kernel" "$callgrind_n" \
        >/dev/null 2>"$out/callgrind.$kernel.log"
    ir=$(sed -n 's/^summary: *//p' "$out/callgrind.$kernel.out")
    echo "$kernel $callgrind_n $ir" | tee -a "$out/callgrind.txt"
done

# 3. syscalls per interrupt, driver thread only
echo "== strace: syscalls per interrupt"
strace -f -o "$out/irq_syscalls.trace" "$bin/uiokit_bench_irq_syscalls" "$syscall_n" | tee "$out/irq_syscalls.txt"

# 4. interrupt flood
echo "== interrupt flood"
echo "flood_before $(load)" >>"$out/load"
"$bin/uiokit_bench_irq_flood" "$flood_n" "$flood_rounds" 2000 masked | tee "$out/irq_flood.jsonl"
"$bin/uiokit_bench_irq_flood" "$flood_n" "$flood_rounds" 2000 counting | tee "$out/irq_flood_counting.jsonl"
echo "flood_after $(load)" >>"$out/load"

# 5. files opened by discovery
echo "== strace: discovery opens"
strace -f -e trace=openat,open -o "$out/discovery.trace" "$bin/uiokit_bench_discovery_opens" | tee "$out/discovery.txt"

# Machine
{
    echo "cpu $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
    echo "cpus $(nproc)"
    echo "kernel $(uname -srm)"
    echo "memory $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
    echo "os $(. /etc/os-release && echo "$PRETTY_NAME")"
    echo "compiler $(c++ --version | head -1)"
    echo "benchmark $(dpkg-query -W -f='${Version}' libbenchmark-dev 2>/dev/null || echo unknown)"
    echo "valgrind $(valgrind --version)"
    echo "strace $(strace -V | head -1 | awk '{print $NF}')"
    echo "virt $(systemd-detect-virt 2>/dev/null || echo unknown)"
    echo "simtree TMPDIR=$sim_tmp ($(stat -f -c %T "$sim_tmp"))"
} >"$out/machine"
echo "finished $(date -u '+%Y-%m-%d %H:%M UTC')" >>"$out/when"
fi  # UIOKIT_BENCH_REPORT_ONLY: rewrite RESULTS.md from the last run's raw outputs

# Results: RESULTS.md and the verdicts
python3 bench/report.py "$out" "$build" "$reps" "$min_time" "$flood_n" "$flood_rounds" "$syscall_n" \
    "$callgrind_n" bench/RESULTS.md

# regtool vs memtool (hyperfine, same file): printed here; RESULTS.md's regtool section was recorded
# with the same script.
if [[ -z "${UIOKIT_BENCH_SKIP_REGTOOL:-}" ]]; then
    echo "== bench/regtool/compare-memtool.sh"
    cmake --build "$build" --target regtool
    bench/regtool/compare-memtool.sh "$build/tools/regtool/regtool" 2000
fi
