#!/bin/sh
# regtool against busybox devmem on the virtual board, in one boot (issue 20): the same 32-bit
# register (the PL031's PeriphID0 at 0x9010fe0) read by each command RUNS times per round, the
# commands one after the other in each round, timed in the guest from /proc/uptime:
#   devmem 0x9010fe0 32                     busybox: open /dev/mem, mmap, one load
#   regtool read uioN 0xfe0 --no-map        by index (the PL031's N)
#   regtool read pl031 0xfe0 --no-map       by name (sysfs search)
#   regtool read 0x9010000 0xfe0 --no-map   by physical address
#   regtool read pl031 PeriphID0            by register name, the map found by the device's name
#
# On the host:   bench/regtool/vboard-devmem.sh [RUNS [ROUNDS [vboard run options...]]]  (100 x 5)
#                (boots the board with this script as its payload, then prints the summary)
# As a payload:  tools/vboard/vboard run --payload bench/regtool/vboard-devmem.sh [--build-dir DIR]
#                (100 x 5; the summary is the console's VBOARD-BENCH lines)
# Needs what tools/vboard/vboard needs; builds the board if it is not built.

guest() {
    set -e
    runs=${VBOARD_BENCH_RUNS:-100} rounds=${VBOARD_BENCH_ROUNDS:-5}
    now_cs() { cut -d' ' -f1 /proc/uptime | tr -d .; }
    time_cs() {  # RUNS runs of a command, in centiseconds
        t0=$(now_cs) i=0
        while [ "$i" -lt "$runs" ]; do "$@" >/dev/null; i=$((i + 1)); done
        echo $(($(now_cs) - t0))
    }
    expected=$(devmem 0x9010fe0 32)
    # The PL031's uioN: the index depends on the order the kernel probed the board's devices.
    uio=$(for d in /sys/class/uio/uio*; do [ "$(cat "$d/name")" != pl031 ] || basename "$d"; done)
    for cmd in "regtool read $uio 0xfe0 --no-map" "regtool read pl031 0xfe0 --no-map" \
               "regtool read 0x9010000 0xfe0 --no-map" "regtool read pl031 PeriphID0"; do
        value=$($cmd | head -1 | sed 's/.* = //; s/ .*//')
        echo "VBOARD-BENCH value $cmd: $value (devmem: $expected)"
        [ "$value" = "$expected" ]
    done
    r=0
    while [ "$r" -lt "$rounds" ]; do
        d=$(time_cs devmem 0x9010fe0 32)
        i1=$(time_cs regtool read "$uio" 0xfe0 --no-map)
        n1=$(time_cs regtool read pl031 0xfe0 --no-map)
        p1=$(time_cs regtool read 0x9010000 0xfe0 --no-map)
        m1=$(time_cs regtool read pl031 PeriphID0)
        echo "VBOARD-BENCH round $r devmem=$d index=$i1 name=$n1 phys=$p1 regname=$m1"
        r=$((r + 1))
    done 2>&1 | tee /tmp/bench-rounds
    awk -v runs="$runs" -v uio="$uio" '
        { for (i = 4; i <= NF; i++) { split($i, kv, "="); v[kv[1]] += kv[2] } n += runs }
        END {
            printf "VBOARD-BENCH per read, mean of %d: devmem 0x9010fe0 32 %.2f ms\n", n, 10 * v["devmem"] / n
            split("index name phys regname", k, " ")
            split("regtool read " uio " 0xfe0 --no-map|regtool read pl031 0xfe0 --no-map|regtool read 0x9010000 0xfe0 --no-map|regtool read pl031 PeriphID0", c, "|")
            for (j = 1; j <= 4; j++)
                printf "VBOARD-BENCH per read, mean of %d: %s %.2f ms, %.2fx devmem\n", n, c[j], 10 * v[k[j]] / n, v[k[j]] / v["devmem"]
        }' /tmp/bench-rounds
}

if [ "${0##*/}" = vboard-payload ]; then  # on the board (vboard installs the payload under this name)
    guest
    exit
fi

set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-100} rounds=${2:-5}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] && shift
build_dir=$top/build/vboard
prev=
for arg in "$@"; do
    [ "$prev" = --build-dir ] && build_dir=$arg
    prev=$arg
done
payload=$(mktemp)
trap 'rm -f "$payload"' EXIT
{ echo '#!/bin/sh'; echo "VBOARD_BENCH_RUNS=$runs VBOARD_BENCH_ROUNDS=$rounds"; cat "$0"; } >"$payload"
"$top/tools/vboard/vboard" run --payload "$payload" "$@"
tr -d '\r' <"$build_dir/logs/console-run.log" | grep '^VBOARD-BENCH'
