#!/usr/bin/env bash
# regtool against busybox devmem on the virtual board: the same 32-bit register (the PL031's
# PeriphID0 at 0x9010fe0), read by each program N times per round, rounds interleaved, timed in the
# guest from /proc/uptime. regtool reads by offset through /dev/uioN (discovery, open, mmap, one
# load); devmem through /dev/mem.
#
#   bench/regtool/vboard-devmem.sh [RUNS_PER_ROUND] [ROUNDS]     (default 200 x 5)
# Needs what tools/vboard/vboard needs; builds the board if it is not built.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-200} rounds=${2:-5}
payload=$(mktemp)
trap 'rm -f "$payload"' EXIT
cat >"$payload" <<GUEST
#!/bin/sh
set -e
now_cs() { cut -d' ' -f1 /proc/uptime | tr -d .; }
a=\$(regtool read pl031 0xfe0 | sed 's/.* = //')
b=\$(devmem 0x9010fe0 32)
echo "VBOARD-BENCH values regtool=\$a devmem=\$b"
[ "\$a" = "\$b" ]
r=0
while [ \$r -lt $rounds ]; do
    t0=\$(now_cs); i=0
    while [ \$i -lt $runs ]; do regtool read pl031 0xfe0 >/dev/null; i=\$((i + 1)); done
    t1=\$(now_cs); i=0
    while [ \$i -lt $runs ]; do devmem 0x9010fe0 32 >/dev/null; i=\$((i + 1)); done
    t2=\$(now_cs)
    echo "VBOARD-BENCH round \$r regtool_cs=\$((t1 - t0)) devmem_cs=\$((t2 - t1)) runs=$runs"
    r=\$((r + 1))
done
GUEST
"$top/tools/vboard/vboard" run --payload "$payload" "${@:3}"
log=$top/build/vboard/logs/console-run.log
tr -d '\r' <"$log" | grep '^VBOARD-BENCH' | awk -v runs="$runs" '
    /values/ { print; next }
    { for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      reg += v["regtool_cs"]; dev += v["devmem_cs"]; n += runs
      printf "round %s: regtool %.2f ms, devmem %.2f ms per read\n", $3, 10 * v["regtool_cs"] / runs, 10 * v["devmem_cs"] / runs }
    END { if (n) printf "all rounds (%d reads each): regtool %.2f ms, devmem %.2f ms per read, ratio %.2f\n",
                       n, 10 * reg / n, 10 * dev / n, reg / dev }'
