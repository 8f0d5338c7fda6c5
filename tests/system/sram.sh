#!/bin/sh
# regtool moves data through the board's 1 MiB SRAM window (dts-overlays/vboard-sram.dtso: guest RAM
# carved out with reserved-memory no-map, mapped non-cached by uio_pdrv_genirq): a 1 MiB random file
# loaded, saved back and compared byte for byte, then unaligned starts and lengths, fill, a compare
# that finds a difference, and loads refused before anything is written. Exit status 0 = pass.
set -u
failures=0
pass() { echo "ok: $1"; }
fail() { echo "FAIL: $1"; failures=$((failures + 1)); }
check() { if eval "$2"; then pass "$1"; else fail "$1"; fi; }   # check DESCRIPTION SHELL-CONDITION

work=/tmp/sram-test
rm -rf $work && mkdir -p $work
head -c 1048576 /dev/urandom >$work/random.bin

regtool load sram $work/random.bin >/dev/null || fail "load 1 MiB"
regtool save sram $work/saved.bin >/dev/null || fail "save 1 MiB"
check "1 MiB load, save: byte for byte" "cmp -s $work/random.bin $work/saved.bin"
regtool compare sram $work/random.bin >/dev/null
check "compare after load: same (status 0)" "[ $? -eq 0 ]"
# the same bytes through /dev/mem, not through regtool: the SRAM really holds them
check "devmem sees the loaded word" "[ \"\$(devmem 0x5fe00100 32)\" = \"0x\$(od -An -tx4 -j256 -N4 $work/random.bin | tr -d ' ' | tr a-f A-F)\" ]"

# Unaligned starts and lengths: 1001 bytes at 0x12345, 7 bytes at 0x3, 13 at 0xffff3 (the end).
for spec in "0x12345 1001" "0x3 7" "0xffff3 13" "0x10 4096"; do
    set -- $spec
    head -c "$2" /dev/urandom >$work/piece.bin
    regtool load sram $work/piece.bin "$1" >/dev/null || fail "load $2 bytes at $1"
    regtool save sram $work/back.bin "$1" "$2" >/dev/null || fail "save $2 bytes at $1"
    check "load, save $2 bytes at $1" "cmp -s $work/piece.bin $work/back.bin"
    # and the bytes around it are the 1 MiB file's still
    dd if=$work/piece.bin of=$work/random.bin bs=1 seek=$(($1)) conv=notrunc 2>/dev/null
done
regtool compare sram $work/random.bin >/dev/null
check "the bytes around each piece are untouched" "[ $? -eq 0 ]"

regtool fill sram 0x80001 0x3fff 0xa5 >/dev/null || fail "fill"
regtool save sram $work/filled.bin 0x80001 0x3fff >/dev/null
check "fill 0x3fff bytes at 0x80001" "[ \"\$(od -An -tx1 -v $work/filled.bin | tr -s ' \n' '\n\n' | sort -u | grep -v '^\$')\" = a5 ]"
regtool save sram $work/edge.bin 0x80000 1 >/dev/null
check "fill left the byte before it" "[ \"\$(od -An -tx1 $work/edge.bin | tr -d ' ')\" = \"\$(od -An -tx1 -j$((0x80000)) -N1 $work/random.bin | tr -d ' ')\" ]"
regtool fill sram 0x1000 0x100 0x11223344 --width 32 >/dev/null || fail "fill --width 32"
check "fill --width 32 stores the word" "[ \"\$(regtool read sram 0x10fc | sed 's/.* = //')\" = 0x11223344 ]"

regtool load sram $work/random.bin >/dev/null
regtool write sram 0x40000=0x0 >/dev/null
out=$(regtool compare sram $work/random.bin)
status=$?
check "compare finds a difference (status 1)" "[ $status -eq 1 ]"
if printf '%s\n' "$out" | grep -q "first at offset 0x4000[0-3]"; then pass "compare names the first difference: $out"; else fail "compare: $out"; fi

# Refused before anything is written: a file that does not fit, a start that breaks --width.
regtool load sram $work/random.bin >/dev/null
regtool save sram $work/before.bin >/dev/null
regtool load sram $work/random.bin 0x10 >/dev/null 2>$work/err
status=$?
check "a file that does not fit: usage error 2" "[ $status -eq 2 ]"
grep -q . $work/err && pass "it says why: $(head -1 $work/err)" || fail "no message"
head -c 64 /dev/zero >$work/zeros.bin
regtool load sram $work/zeros.bin 0x2 --width 32 >/dev/null 2>$work/err
check "a start not a multiple of --width 32 is refused (2)" "[ $? -eq 2 ]"
regtool save sram $work/after.bin >/dev/null
check "nothing was written by the refused loads" "cmp -s $work/before.bin $work/after.bin"

rm -rf $work
echo "sram system test: $failures failure(s)"
[ $failures -eq 0 ]
