#!/usr/bin/env bash
# The README's test command: installs what the build needs, then configures, builds and runs
#   1. the unit suite under AddressSanitizer + UBSan (preset asan) and ThreadSanitizer (tsan);
#   2. every libFuzzer target for UIOKIT_FUZZ_SECONDS (default 30) from its seed corpus (fuzz);
#   3. everything with the CI preset, where warnings are errors: unit, compile-fail, codegen,
#      install, examples, regtool, device tree, clang-tidy, and the virtual-board system tests.
# Any failure stops it with a non-zero status.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
for preset in asan tsan fuzz ci; do
    echo "=== cmake --workflow --preset $preset"
    cmake --workflow --preset "$preset"
done
