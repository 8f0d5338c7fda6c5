#!/usr/bin/env bash
# Installs the build into a temporary prefix and checks what the README says is installed: the
# libraries and the CMake package (consumers with find_package(uiokit CONFIG): shared, static and
# the simulator uiokit::sim), pkg-config, the tools, regtool's man page and bash completion, and
# the shipped register maps, which the installed regtool must find in <prefix>/share/uiokit/regmaps.
# usage: run_install_test.sh BUILD_DIR CXX
set -euo pipefail
build=$1 cxx=$2
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

fail() { echo "FAIL: $*"; exit 1; }

cmake --install "$build" --prefix "$prefix" > "$work/install.log"
for header in uiokit.hpp sim/simulated_system.hpp; do
    test -f "$prefix/include/uiokit/$header" || fail "include/uiokit/$header is not installed"
done
for lib in libuiokit.a libuiokit.so libuiokit-sim.a; do
    ls "$prefix"/lib*/$lib > /dev/null 2>&1 || fail "$lib is not installed"
done

echo "== find_package(uiokit CONFIG)"
grep -q "add_library(uiokit::sim STATIC IMPORTED)" "$prefix"/lib*/cmake/uiokit/uiokitTargets.cmake ||
    fail "the CMake package does not export uiokit::sim"
cmake -S "$here/consumer" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_CXX_COMPILER="$cxx" > "$work/configure.log"
cmake --build "$work/consumer" > "$work/build.log"
"$work/consumer/consumer_shared"
"$work/consumer/consumer_static"
if ldd "$work/consumer/consumer_static" | grep -q libuiokit; then
    echo "consumer_static is linked against the shared libuiokit"; exit 1
fi
# uiokit::sim alone links (it brings uiokit_static) and its simulated device really works.
"$work/consumer/consumer_sim" > "$work/consumer_sim.out"
grep -q "sim consumer ok: DR 0x12345678, interrupt count 1" "$work/consumer_sim.out" ||
    fail "consumer_sim: $(cat "$work/consumer_sim.out")"
if ldd "$work/consumer/consumer_sim" | grep -q libuiokit; then
    echo "consumer_sim is linked against the shared libuiokit"; exit 1
fi
echo "ok: consumer_sim"

echo "== pkg-config uiokit"
pc_dir=$(dirname "$(find "$prefix" -name uiokit.pc)")
export PKG_CONFIG_PATH=$pc_dir
libdir=$(pkg-config --variable=libdir uiokit)
"$cxx" -std=c++20 -o "$work/consumer_pc" "$here/consumer/main.cpp" $(pkg-config --cflags --libs uiokit) -Wl,-rpath,"$libdir"
"$work/consumer_pc"
# Libs.private's -l libraries (-lfdt) too; -luiokit itself is the libuiokit.a given by path.
private_libs=$(pkg-config --libs-only-l --static uiokit | sed 's/-luiokit\b//')
"$cxx" -std=c++20 -static-libstdc++ -o "$work/consumer_pc_static" "$here/consumer/main.cpp" \
    $(pkg-config --cflags uiokit) "$libdir/libuiokit.a" $(pkg-config --libs-only-other --static uiokit) $private_libs
"$work/consumer_pc_static"

echo "== register maps"
(cd "$top/data/regmaps" && ls *.yaml) > "$work/shipped"
(cd "$prefix/share/uiokit/regmaps" && ls) > "$work/installed" || fail "no $prefix/share/uiokit/regmaps"
diff "$work/shipped" "$work/installed" || fail "share/uiokit/regmaps differs from data/regmaps"
while read -r map; do
    cmp "$top/data/regmaps/$map" "$prefix/share/uiokit/regmaps/$map" || fail "installed $map differs"
done < "$work/shipped"

echo "== tools"
for tool in regtool uiokit-regmap-gen uiokit-dtogen; do
    test -x "$prefix/bin/$tool" || fail "$prefix/bin/$tool is not installed"
done
out=$("$prefix/bin/regtool" --version 2>&1) || true
[[ $out == "regtool (uiokit) "[0-9]* ]] || fail "regtool --version printed: $out"
out=$("$prefix/bin/uiokit-dtogen" --help 2>&1) || true
[[ $out == "Usage: uiokit-dtogen "* ]] || fail "uiokit-dtogen --help printed: $(head -3 <<< "$out")"
# The installed generator's header, from the installed map, compiles against the installed headers.
"$prefix/bin/uiokit-regmap-gen" --namespace installed::pl031 --output "$work/pl031.hpp" \
    "$prefix/share/uiokit/regmaps/pl031.yaml"
printf '#include "pl031.hpp"\nstatic_assert(installed::pl031::MR::offset == 0x4);\n' > "$work/use_pl031.cpp"
"$cxx" -std=c++20 -fsyntax-only -I"$prefix/include" -I"$work" "$work/use_pl031.cpp" ||
    fail "the header uiokit-regmap-gen generated does not compile"
echo "ok: regtool, uiokit-regmap-gen, uiokit-dtogen"

echo "== man page"
man_page=$prefix/share/man/man1/regtool.1
test -s "$man_page" || fail "$man_page is missing or empty"
if command -v man > /dev/null; then
    # man finds it under the prefix as `man regtool` would, renders it without a warning, with a NAME.
    [[ $(MANPATH=$prefix/share/man man -w regtool) == "$man_page" ]] || fail "man -w regtool does not find $man_page"
    MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -E UTF-8 -l "$man_page" > "$work/man.txt" 2> "$work/man.err"
    [[ ! -s "$work/man.err" ]] || { cat "$work/man.err"; fail "man warns about $man_page"; }
    grep -A1 "^NAME" "$work/man.txt" | grep -q "regtool - read, write" || fail "the man page has no NAME section"
elif [[ ${UIOKIT_REQUIRE_ALL_TESTS:-0} == 1 ]]; then
    fail "man is not installed (Debian: man-db), and UIOKIT_REQUIRE_ALL_TESTS forbids skipping the man page"
else
    echo "skip: man is not installed (apt-get install man-db): the man page is not rendered"
    grep -A1 "^\.SH NAME" "$man_page" | grep -q "^regtool " || fail "the man page has no NAME section"
fi
echo "ok: man page"

echo "== the installed regtool finds the installed maps"
# A sysfs tree with two devices whose device nodes are plain files (read-only commands map them as
# they would /dev/uioN): pl031, whose map is also built into regtool, and widget, whose map only the
# installed directory has.
fake_device() {  # fake_device INDEX NAME PHYS DR_BYTES
    local dir=$work/sys/uio$1
    mkdir -p "$dir/maps/map0" "$work/dev"
    echo "$2" > "$dir/name"; echo devicetree > "$dir/version"; echo 0 > "$dir/event"
    printf '0x%016x\n' "$3" > "$dir/maps/map0/addr"
    echo 0x0000000000001000 > "$dir/maps/map0/size"
    echo 0x0 > "$dir/maps/map0/offset"
    printf '%s@%x\n' "$2" "$3" > "$dir/maps/map0/name"
    head -c 4096 /dev/zero > "$work/dev/uio$1"
    printf '%b' "$4" | dd of="$work/dev/uio$1" conv=notrunc status=none
}
fake_device 0 pl031 0x9010000 '\x78\x56\x34\x12'
fake_device 1 widget 0xa0000000 '\x01\x00\x00\x00'
cat > "$prefix/share/uiokit/regmaps/widget.yaml" << 'EOF'
format: 1
name: widget
size: 0x10
registers:
  - name: CTRL
    offset: 0x0
    fields:
      - {name: EN, bits: 0}
EOF
regtool() {  # the installed regtool on the fake devices, with no map directory of the environment
    env -u UIOKIT_REGMAP_PATH UIOKIT_SYSFS_CLASS_DIR="$work/sys" UIOKIT_DEV_DIR="$work/dev" "$prefix/bin/regtool" "$@"
}
source_line=$(regtool info pl031 | grep "^register map" || true)
[[ $source_line == "register map pl031 from $prefix/share/uiokit/regmaps/pl031.yaml:"* ]] ||
    fail "regtool info pl031 did not use the installed map: $source_line"
[[ $(regtool read pl031 DR) == "DR (0x0) = 0x12345678" ]] || fail "regtool read pl031 DR: $(regtool read pl031 DR 2>&1)"
[[ $(regtool read widget CTRL.EN) == "CTRL.EN (0x0[0]) = 0x1" ]] ||
    fail "regtool read widget CTRL.EN: $(regtool read widget CTRL.EN 2>&1)"
echo "ok: the installed regtool finds pl031.yaml and widget.yaml in $prefix/share/uiokit/regmaps"

echo "== bash completion"
# bash-completion loads completions/<command> when <command> is first completed: the name matters.
completion=$prefix/share/bash-completion/completions/regtool
test -s "$completion" || fail "$completion is missing or empty"
[[ $(bash -c 'source "$1" && complete -p regtool' _ "$completion") == "complete -F _regtool regtool" ]] ||
    fail "sourcing $completion does not register _regtool for regtool"
complete_words() {  # complete_words WORD...: what the completion offers for the last word, one a line
    bash -c '
        [[ -r /usr/share/bash-completion/bash_completion ]] && source /usr/share/bash-completion/bash_completion
        completion=$1; shift
        source "$completion"
        if ! declare -F _init_completion > /dev/null; then
            # No bash-completion here: the part of its _init_completion that _regtool relies on.
            _init_completion() {
                words=("${COMP_WORDS[@]}") cword=$COMP_CWORD
                cur=${words[cword]} prev=${words[cword - 1]}
            }
        fi
        COMP_WORDS=("$@") COMP_CWORD=$(($# - 1)) COMP_LINE="$*" COMP_POINT=${#COMP_LINE}
        _regtool
        printf "%s\n" "${COMPREPLY[@]}" | sort' _ "$completion" "$@"
}
expect_completion() {  # expect_completion "OFFERED..." WORD...
    local want=$1 got
    shift
    got=$(complete_words "$@" | xargs)
    [[ $got == "$want" ]] || fail "completing '$*': got '$got', expected '$want'"
}

# Device names come from the fake sysfs tree above.
export UIOKIT_SYSFS_CLASS_DIR=$work/sys
expect_completion "read" regtool re
expect_completion "pl031 uio0 uio1 widget" regtool read ""
expect_completion "pl031 uio0 uio1 widget" regtool read --map m.yaml ""  # an option's value is no device
expect_completion "" regtool read pl031 ""
expect_completion "--width" regtool read pl031 --wi
expect_completion "rw rwr" regtool write pl031 --mode r
unset UIOKIT_SYSFS_CLASS_DIR
echo "ok: bash completion"
echo "install test passed"
