#!/usr/bin/env bash
# Runs clang-tidy (.clang-tidy at the top of the repository) on the library, the simulator, the
# tools and the examples, with the compile database of BUILD_DIR. Any finding fails. GCC-only
# warning flags in the database are not findings (-Wno-unknown-warning-option).
# usage: tools/clang-tidy.sh [BUILD_DIR]   (default build/dev)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build/dev}
tidy=$(command -v clang-tidy-14 || command -v clang-tidy) || { echo "clang-tidy not found (apt-get install clang-tidy)" >&2; exit 1; }
[[ -f "$build/compile_commands.json" ]] || { echo "no $build/compile_commands.json: configure with a preset first" >&2; exit 1; }
cd "$top"
mapfile -t sources < <(find src tools examples -name '*.cpp' | sort)
echo "clang-tidy: ${#sources[@]} files"
printf '%s\n' "${sources[@]}" | xargs -P "$(nproc)" -n 4 "$tidy" -p "$build" --quiet --extra-arg=-Wno-unknown-warning-option 2>&1 |
    grep -v -E '^[0-9]+ warnings? generated|^Suppressed|^Use -header-filter|^$' | tee "$build/clang-tidy.log" || true
if grep -q -E 'warning:|error:' "$build/clang-tidy.log"; then
    echo "clang-tidy: findings above"
    exit 1
fi
echo "clang-tidy: clean"
