#!/usr/bin/env bash
# The user-space virtio-blk driver (examples/virtio-blk) against the kernel's virtio_blk on the
# same device, in one boot of the virtual board (issue 17, part 4): the board's 64 MiB disk on
# virtio-mmio slot 28 is first bound to uio_pdrv_genirq and read by `virtio-blk DEV bench`, then
# unbound, handed to Debian's virtio_mmio.ko + virtio_blk.ko and read from /dev/vda with O_DIRECT by
# uiokit-block-read (bench/board/block_read.c), the same pattern: SEQ_MIB MiB in 1 MiB reads, then
# RANDOM_READS 4 KiB reads at the same offsets. Each round runs the user-space driver (interrupts,
# 4 requests of 256 KiB in flight; polling; 8 of 64 KiB) and the kernel's, moving the slot between the drivers with driver_override, so that
# both sides see the same host load.
#
#   bench/board/vboard-virtio-blk.sh [SEQ_MIB] [RANDOM_READS] [ROUNDS] [vboard options, e.g. --build-dir DIR]
# (default 32 MiB, 1000 reads, 3 rounds). Prints each run and the medians' ratios (user / kernel
# throughput; kernel / user time per random read: above 1.0 the user-space driver is faster).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
seq_mib=${1:-32} reads=${2:-1000} rounds=${3:-3}
shift $(($# < 3 ? $# : 3))
build_dir=$top/build/vboard
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do [[ ${args[i]} == --build-dir ]] && build_dir=${args[i + 1]}; done
payload=$(mktemp)
trap 'rm -f "$payload"' EXIT
cat >"$payload" <<GUEST
#!/bin/sh
set -e
slot=a003800.virtio_mmio
# The kernel's drivers are loaded while the slot is bound to uio_pdrv_genirq, so virtio_mmio.ko
# takes every other slot but not this one; from then on the rounds move the slot between the two.
regtool bind \$slot >/dev/null
insmod /lib/modules/virtio_mmio.ko
insmod /lib/modules/virtio_blk.ko
to_kernel() {
    regtool unbind \$slot >/dev/null
    echo virtio-mmio >/sys/bus/platform/devices/\$slot/driver_override
    echo \$slot >/sys/bus/platform/drivers_probe
    i=0
    while [ ! -b /dev/vda ] && [ \$i -lt 100 ]; do sleep 0.05; i=\$((i + 1)); done
    [ -b /dev/vda ] || { echo "VBOARD-BENCH error: no /dev/vda"; exit 1; }
}
to_user() {
    echo \$slot >/sys/bus/platform/drivers/virtio-mmio/unbind
    echo >/sys/bus/platform/devices/\$slot/driver_override
    regtool bind \$slot >/dev/null
}
r=0
while [ \$r -lt $rounds ]; do
    virtio-blk virtio_mmio bench $seq_mib $reads | sed 's/^/VBOARD-BENCH user /'
    virtio-blk --polling virtio_mmio bench $seq_mib $reads | sed 's/^/VBOARD-BENCH user-polling /'
    virtio-blk --depth 8 --request-kib 64 virtio_mmio bench $seq_mib $reads | sed 's/^/VBOARD-BENCH user-8x64k /'
    to_kernel
    uiokit-block-read /dev/vda $seq_mib $reads | sed 's/^/VBOARD-BENCH kernel /'
    to_user
    r=\$((r + 1))
done
GUEST
"$top/tools/vboard/vboard" run --payload "$payload" "$@"
log=$build_dir/logs/console-run.log
tr -d '\r' <"$log" | grep '^VBOARD-BENCH' | sed 's/^VBOARD-BENCH //' | tee /dev/stderr | awk '
    # Round k is the k-th line of each side: the ratios are taken per round (both sides ran back to
    # back, under the same load), then their median.
    function median(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t } return a[int((n + 1) / 2)] }
    $2 == "sequential:" { mbs[$1, ++ns[$1]] = $(NF - 1) }
    $2 == "random" { us[$1, ++nr[$1]] = $(NF - 2) }
    function report(side, label,   k, n, a, b) {
        n = 0; for (k = 1; k <= ns[side] && k <= ns["kernel"]; k++) a[++n] = mbs[side, k] / mbs["kernel", k]
        seq_ratio = median(a, n)
        n = 0; for (k = 1; k <= nr[side] && k <= nr["kernel"]; k++) b[++n] = us["kernel", k] / us[side, k]
        printf "%s: sequential throughput / kernel %.2f, 4 KiB random read kernel time / user time %.2f (medians of %d per-round ratios)\n", label, seq_ratio, median(b, n), n
    }
    END {
        report("user", "user space, interrupts, 4 x 256 KiB (the default)")
        report("user-polling", "user space, polling")
        report("user-8x64k", "user space, interrupts, 8 x 64 KiB")
    }'
