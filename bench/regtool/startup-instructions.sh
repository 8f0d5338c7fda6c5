#!/bin/sh
# regtool's start-up in instructions, whole process and per phase, against memtool (issue 20).
# Counted by callgrind on the host (valgrind): the stable figure, unlike wall time on a shared box.
#
#   bench/regtool/startup-instructions.sh [REGTOOL]     (default: build/rel/tools/regtool/regtool)
# REGTOOL should be a Release build, e.g.
#   cmake -S . -B build/rel -G Ninja -DCMAKE_BUILD_TYPE=Release -DUIOKIT_BUILD_TESTS=OFF \
#         -DUIOKIT_BUILD_EXAMPLES=OFF -DUIOKIT_SYSTEM_TESTS=OFF && cmake --build build/rel --target regtool
# Needs valgrind (callgrind_annotate) and memtool (Debian packages). The UIO device is a fake
# sysfs tree (a "pl031" with one map at 0x9010000) whose /dev/uio0 is a plain file, through
# UIOKIT_SYSFS_CLASS_DIR and UIOKIT_DEV_DIR; the map cache is a fresh XDG_CACHE_HOME.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
regtool=${1:-$here/../../build/rel/tools/regtool/regtool}
for tool in valgrind callgrind_annotate memtool "$regtool"; do
    command -v "$tool" >/dev/null || { echo "startup-instructions: $tool not found" >&2; exit 2; }
done
maps=$here/../../data/regmaps

work=$(mktemp -d /tmp/regtool-startup-XXXXXX)
trap 'rm -rf "$work"' EXIT
head -c 4096 /dev/urandom >"$work/image.bin"
dev=$work/sys/class/uio/uio0
mkdir -p "$dev/maps/map0" "$work/dev"
echo pl031 >"$dev/name"; echo devicetree >"$dev/version"; echo 0 >"$dev/event"
echo pl031@9010000 >"$dev/maps/map0/name"; echo 0x0000000009010000 >"$dev/maps/map0/addr"
echo 0x0000000000001000 >"$dev/maps/map0/size"; echo 0x0 >"$dev/maps/map0/offset"
cp "$work/image.bin" "$work/dev/uio0"
# A user map: the shipped PL031 map under another name, so it is neither found by name nor built in.
cp "$maps/pl031.yaml" "$work/user.yaml"
export UIOKIT_SYSFS_CLASS_DIR="$work/sys/class/uio" UIOKIT_DEV_DIR="$work/dev" XDG_CACHE_HOME="$work/cache"
unset UIOKIT_REGMAP_PATH

# count NAME COMMAND...: whole-process instructions, then the phases (inclusive instructions).
count() {
    name=$1; shift
    out=$work/cg.out
    valgrind --tool=callgrind --callgrind-out-file="$out" "$@" >/dev/null 2>"$work/valgrind.log" ||
        { cat "$work/valgrind.log" >&2; exit 1; }
    total=$(sed -n 's/.*Collected : //p' "$work/valgrind.log")
    callgrind_annotate --inclusive=yes --threshold=100 "$out" 2>/dev/null >"$work/annotate.txt"
    phase() {  # the largest inclusive count of a function matching $1, in k
        grep -E "^ *[0-9,]+ .*$1" "$work/annotate.txt" | head -1 | awk '{ gsub(",", "", $1); printf "%.0f", $1 / 1000 }'
    }
    run=$(phase 'regtool::run\(std::vector'); command=$(phase 'regtool::run_read\(')
    options=
    [ -n "$run" ] && [ -n "$command" ] && options=$((run - command))
    printf '| %s | %s k | %s | %s | %s | %s | %s |\n' "$name" "$((total / 1000))" \
        "$(phase '_GLOBAL__sub_I_|ios_base::Init::Init')" "$options" \
        "$(phase 'uiokit::find\(')" "$(phase 'Device::open\(')" "$(phase 'Target::load_map')"
}

# Phases, inclusive k instructions: static initialisers (iostreams' locale), option parsing
# (regtool::run less the read command: Boost.Program_options before, cli.cpp's own parse after),
# discovery (uiokit::find: sysfs), opening the device (open, mmap), loading the register map.
# What no column names is the C library's start-up and exit, and the read and its output.
echo "| command | instructions | static init k | options k | discovery k | open k | map k |"
echo "|---|---:|---:|---:|---:|---:|---:|"
count "memtool md -l -s F 0x10+4" memtool md -l -s "$work/image.bin" 0x10+4
count "regtool read --file F 0x10" "$regtool" read --file "$work/image.bin" 0x10
count "regtool read uio0 0x10 --no-map" "$regtool" read uio0 0x10 --no-map
count "regtool read pl031 0x10 --no-map" "$regtool" read pl031 0x10 --no-map
count "regtool read 0x9010000 0x10 --no-map" "$regtool" read 0x9010000 0x10 --no-map
count "regtool read pl031 DR (map found by name)" "$regtool" read pl031 DR
count "regtool read --file F DR --map data/regmaps/pl031.yaml" "$regtool" read --file "$work/image.bin" DR --map "$maps/pl031.yaml"
count "regtool read --file F DR --map USER.yaml (first run: parsed)" "$regtool" read --file "$work/image.bin" DR --map "$work/user.yaml"
count "regtool read --file F DR --map USER.yaml (cached)" "$regtool" read --file "$work/image.bin" DR --map "$work/user.yaml"
