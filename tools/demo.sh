#!/usr/bin/env bash
# The README's main job. For now: the PL031 example driver against the simulated PL031.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
cmake --preset dev > /dev/null
cmake --build --preset dev --target pl031-rtc-sim
build/dev/examples/pl031/pl031-rtc-sim "${1:-2}"
