#!/usr/bin/env bash
# The README's test command: installs what the build needs, then configures, builds and runs every
# test (unit, compile-fail, codegen, install, examples, regtool, device tree, and the virtual-board
# system tests in QEMU) with the CI preset, where warnings are errors.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
cmake --workflow --preset ci
