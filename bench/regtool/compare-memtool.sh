#!/bin/sh
# regtool against Debian's memtool on the same file, side by side in one hyperfine run:
#   1. one 32-bit read:   regtool read --file F 0x40      vs  memtool md -l -s F 0x40+4
#   2. a 64 KiB dump:     regtool dump --file F 0 0x10000 vs  memtool md -l -s F 0x0+0x10000
# Targets (issue 4): the read within 1.3x of memtool's wall time, the dump at least as fast.
#
#   bench/regtool/compare-memtool.sh [REGTOOL] [RUNS]
# REGTOOL defaults to build/tools/regtool/regtool. Needs hyperfine and memtool (Debian packages).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
regtool=${1:-$here/../../build/tools/regtool/regtool}
runs=${2:-1000}
for tool in hyperfine memtool "$regtool"; do
    command -v "$tool" >/dev/null || { echo "compare-memtool: $tool not found" >&2; exit 2; }
done

work=$(mktemp -d /tmp/regtool-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
image=$work/image.bin
# 64 KiB of varied words, so neither tool can print a shortcut.
head -c 65536 /dev/urandom >"$image"

# -N: no shell in between, so only the programs' own start-up and work are measured.
hyperfine -N --warmup 50 --runs "$runs" --export-markdown "$work/read.md" \
    -n "regtool read (32-bit)" "$regtool read --file $image 0x40" \
    -n "memtool md -l (32-bit)" "memtool md -l -s $image 0x40+4"
hyperfine -N --warmup 20 --runs "$((runs / 4))" --export-markdown "$work/dump.md" \
    -n "regtool dump 64 KiB" "$regtool dump --file $image 0 0x10000" \
    -n "memtool md -l 64 KiB" "memtool md -l -s $image 0x0+0x10000"
echo
cat "$work/read.md" "$work/dump.md"
