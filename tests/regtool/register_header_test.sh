#!/usr/bin/env bash
# uiokit_add_register_header() regenerates the header when the register map changes, and code built
# after the change sees the new register. register_header_project/ (uiokit built from source inside
# it) is copied, built, its map edited, and built again.
#   register_header_test.sh UIOKIT_SOURCE_DIR CXX
set -euo pipefail
src=$1 cxx=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
project=$work/project build=$work/build
header=$build/widget_registers-include/widget/registers.hpp
cp -r "$here/register_header_project" "$project"

fail() { echo "FAIL: $*"; exit 1; }
build_project() {  # build_project LOG: builds the project, keeping ninja's output in LOG
    cmake --build "$build" > "$work/$1" 2>&1 || { cat "$work/$1"; fail "build ($1)"; }
}
expect_run() {  # expect_run TEXT: the program prints exactly TEXT
    local got
    got=$("$build/widget") || fail "widget exited with $?"
    [[ $got == "$1" ]] || fail "widget printed '$got', expected '$1'"
    echo "ok: widget printed '$1'"
}

cmake -S "$project" -B "$build" -G Ninja -DUIOKIT_SOURCE_DIR="$src" -DCMAKE_CXX_COMPILER="$cxx" \
    > "$work/configure.log" 2>&1 || { cat "$work/configure.log"; fail "configure"; }
build_project build1.log
grep -q "Generating widget/registers.hpp" "$work/build1.log" || fail "the first build did not generate the header"
expect_run "CTRL reset 0x10"
cp "$header" "$work/header1"

# Nothing changed: nothing is generated or compiled again.
build_project build2.log
grep -q "no work to do" "$work/build2.log" || { cat "$work/build2.log"; fail "a build without changes did work"; }
echo "ok: nothing rebuilt without a change"

# Only the map changes (coarse file-system clocks: let its time stamp move on first).
sleep 1
sed -i 's/reset: 0x10/reset: 0x30/' "$project/widget.yaml"
build_project build3.log
grep -q "Generating widget/registers.hpp" "$work/build3.log" ||
    { cat "$work/build3.log"; fail "the edited map did not regenerate the header"; }
cmp -s "$work/header1" "$header" && fail "the header did not change"
grep -q "reset = 0x30" "$header" || fail "the header lacks the new reset value: $(grep 'struct CTRL' "$header")"
expect_run "CTRL reset 0x30"

# A new register, and code that uses it, in one build: the header is generated before it is compiled.
sleep 1
cat >> "$project/widget.yaml" <<'YAML'
  - name: STATUS
    offset: 0x4
    fields:
      - {name: DONE, bits: 0, access: w1c}
      - {name: IE, bits: 8}
YAML
cp "$project/main_status.cpp" "$project/main.cpp"
build_project build4.log
grep -q "struct STATUS : uiokit::Register<Block" "$header" || fail "the header lacks STATUS"
expect_run "STATUS at 0x4 = 0x100"
echo "register header test passed"
