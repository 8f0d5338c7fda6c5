#!/bin/sh
# Register map parsing time against the number of registers (issue 21, item 3).
#   bench/regtool/regmap-parse.sh [BUILD_DIR]   (default: build/regmap-bench, a Release build)
# Generates maps of 5k to 100k 32-bit registers (about 100 bytes each, no fields: name, offset,
# access, reset, description) and times `regtool read --file IMG --map MAP 0`, which loads and
# checks the whole map and then makes one read. Prints registers, bytes, wall and user seconds.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$src/build/regmap-bench}
if [ ! -x "$build/tools/regtool/regtool" ]; then
    cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DUIOKIT_BUILD_TESTS=OFF \
        -DUIOKIT_BUILD_EXAMPLES=OFF -DUIOKIT_SYSTEM_TESTS=OFF >/dev/null
    cmake --build "$build" --target regtool
fi
regtool=$build/tools/regtool/regtool
work=$(mktemp -d /tmp/regmap-parse-XXXXXX)
trap 'rm -rf "$work"' EXIT
head -c 4096 /dev/zero >"$work/image.bin"
echo "registers bytes wall_s user_s max_rss_kb"
for n in 5000 10000 20000 40000 99192; do
    python3 - "$n" >"$work/map.yaml" <<'PY'
import sys
n = int(sys.argv[1])
print("format: 1\nname: big\nregisters:")
for i in range(n):
    print("  - name: REG%d\n    offset: 0x%x\n    access: rw\n    reset: 0x0\n    description: register %d" % (i, 4 * i, i))
PY
    bytes=$(wc -c <"$work/map.yaml")
    /usr/bin/time -f "%e %U %M" -o "$work/time" "$regtool" read --file "$work/image.bin" --map "$work/map.yaml" 0 >/dev/null
    echo "$n $bytes $(cat "$work/time")"
done
