#!/usr/bin/env bash
# The README's main job: builds uiokit, boots the virtual ARM board (a real arm64 kernel with
# uio_pdrv_genirq in QEMU) and runs the demo on it: lists the UIO devices, reads the RTC's registers
# by name with regtool, sets an alarm with the PL031 example driver and waits for its interrupt.
#   tools/demo.sh            the demo, then the board powers off
#   tools/demo.sh --shell    the demo's board with a shell, regtool and the examples on PATH
#   tools/demo.sh --sim      no QEMU: the PL031 example driver on the simulated PL031
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
if [[ ${1:-} == --sim ]]; then
    cmake --preset dev > /dev/null
    cmake --build --preset dev --target pl031-rtc-sim
    exec build/dev/examples/pl031/pl031-rtc-sim "${2:-2}"
fi
exec tools/vboard/vboard demo "$@"
