#!/usr/bin/env bash
# The board's 1 MiB SRAM window (dts-overlays/vboard-sram.dtso) against a plain C loop of 64-bit
# volatile accesses, all in one boot of the virtual board (issue 16, part 5):
#   1. whole programs, rounds interleaved, timed in the guest from /proc/uptime:
#        regtool load sram F        vs  uiokit-window-plain load uioN F   (1 MiB file -> window)
#        regtool save sram F        vs  uiokit-window-plain save uioN F   (window -> 1 MiB file)
#   2. in one process, paired: the library's Region copy in / copy out of 1 MiB against
#      plain_copy_in/out (bench/board/plain_window.c) on the same mapping (uiokit-window-bench).
# Target: uiokit's time at most 1.1x the plain loop's.
#
#   bench/board/vboard-sram.sh [RUNS_PER_ROUND] [ROUNDS] [vboard options, e.g. --build-dir DIR]
# (default 20 x 5). Needs what tools/vboard/vboard needs; builds the board if it is not built.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-20} rounds=${2:-5}
shift $(($# < 2 ? $# : 2))
build_dir=$top/build/vboard
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do [[ ${args[i]} == --build-dir ]] && build_dir=${args[i + 1]}; done
payload=$(mktemp)
trap 'rm -f "$payload"' EXIT
cat >"$payload" <<GUEST
#!/bin/sh
set -e
now_cs() { cut -d' ' -f1 /proc/uptime | tr -d .; }
uio=""
for d in /sys/class/uio/uio*; do [ "\$(cat \$d/name)" = sram ] && uio=\$(basename \$d); done
[ -n "\$uio" ] || { echo "VBOARD-BENCH no sram device"; exit 1; }
head -c 1048576 /dev/urandom >/tmp/in.bin
# Both sides must do the same work: check that each one's copy round-trips.
regtool load sram /tmp/in.bin >/dev/null && uiokit-window-plain save \$uio /tmp/out.bin && cmp /tmp/in.bin /tmp/out.bin
uiokit-window-plain load \$uio /tmp/in.bin && regtool save sram /tmp/out.bin >/dev/null && cmp /tmp/in.bin /tmp/out.bin
echo "VBOARD-BENCH checked both directions on \$uio"
r=0
while [ \$r -lt $rounds ]; do
    t0=\$(now_cs); i=0
    while [ \$i -lt $runs ]; do regtool load sram /tmp/in.bin >/dev/null; i=\$((i + 1)); done
    t1=\$(now_cs); i=0
    while [ \$i -lt $runs ]; do uiokit-window-plain load \$uio /tmp/in.bin; i=\$((i + 1)); done
    t2=\$(now_cs); i=0
    while [ \$i -lt $runs ]; do regtool save sram /tmp/out.bin >/dev/null; i=\$((i + 1)); done
    t3=\$(now_cs); i=0
    while [ \$i -lt $runs ]; do uiokit-window-plain save \$uio /tmp/out.bin; i=\$((i + 1)); done
    t4=\$(now_cs)
    echo "VBOARD-BENCH round \$r load_regtool_cs=\$((t1 - t0)) load_plain_cs=\$((t2 - t1)) save_regtool_cs=\$((t3 - t2)) save_plain_cs=\$((t4 - t3)) runs=$runs"
    r=\$((r + 1))
done
uiokit-window-bench sram 21 | sed 's/^/VBOARD-BENCH /'
GUEST
"$top/tools/vboard/vboard" run --payload "$payload" "$@"
log=$build_dir/logs/console-run.log
tr -d '\r' <"$log" | grep '^VBOARD-BENCH' | awk '
    /round [0-9]/ {
        for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        lr += v["load_regtool_cs"]; lp += v["load_plain_cs"]; sr += v["save_regtool_cs"]; sp += v["save_plain_cs"]; n += v["runs"]
        printf "round %s: load regtool %.1f ms, plain %.1f ms; save regtool %.1f ms, plain %.1f ms (per 1 MiB)\n", $3,
            10 * v["load_regtool_cs"] / v["runs"], 10 * v["load_plain_cs"] / v["runs"], 10 * v["save_regtool_cs"] / v["runs"], 10 * v["save_plain_cs"] / v["runs"]
        next }
    { sub(/^VBOARD-BENCH /, ""); print }
    END { if (n) printf "all rounds (%d runs each): regtool load / plain load %.3f, regtool save / plain save %.3f\n", n, lr / lp, sr / sp }'
