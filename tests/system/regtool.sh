#!/bin/sh
# regtool on the virtual board (busybox sh, run by run-system-tests): list, the PL031's ID registers
# by name (the built-in pl031 map), a write with read-back, a dump with the map, a real RTC alarm
# interrupt with `wait`, and the PL061 ID window found by its map name. Exit status 0 = pass.
set -u
failures=0

pass() { echo "ok: $1"; }
fail() { echo "FAIL: $1"; failures=$((failures + 1)); }
# expect_line DESCRIPTION TEXT LINE: TEXT has exactly this line
expect_line() {
    if printf '%s\n' "$2" | grep -qxF -- "$3"; then pass "$1"; else fail "$1: no line '$3' in:"; printf '%s\n' "$2"; fi
}

out=$(regtool list)
expect_line "list shows the PL031" "$out" "  map0 'pl031@9010000': registers at 0x9010000, 0x1000 bytes by DT reg, 0x1000 to the page end (addr 0x9010000 size 0x1000 offset 0x0)"

out=$(regtool read pl031 PeriphID0 PeriphID1 PeriphID2 PeriphID3 PCellID0 PCellID1 PCellID2 PCellID3)
expect_line "PeriphID0" "$out" "PeriphID0 (0xfe0) = 0x00000031"
expect_line "PeriphID1" "$out" "PeriphID1 (0xfe4) = 0x00000010"
expect_line "PeriphID2" "$out" "PeriphID2 (0xfe8) = 0x00000014"
expect_line "PeriphID3" "$out" "PeriphID3 (0xfec) = 0x00000000"
expect_line "PCellID0" "$out" "PCellID0 (0xff0) = 0x0000000d"
expect_line "PCellID1" "$out" "PCellID1 (0xff4) = 0x000000f0"
expect_line "PCellID2" "$out" "PCellID2 (0xff8) = 0x00000005"
expect_line "PCellID3" "$out" "PCellID3 (0xffc) = 0x000000b1"

# The same register through busybox devmem (/dev/mem) and regtool (/dev/uio0). The board's busybox
# (busybox-static) has devmem: without it the comparison would silently not run, so that fails.
if command -v devmem >/dev/null; then
    [ "$(devmem 0x9010fe0 32)" = "0x00000031" ] && pass "devmem agrees" || fail "devmem 0x9010fe0 32 = $(devmem 0x9010fe0 32)"
else
    fail "devmem: no such command on the board (busybox without devmem?): the /dev/mem comparison cannot run"
fi

# Write with read-back: MR is plain read-write memory in the PL031.
out=$(regtool write pl031 IMSC.MATCH=masked MR=0x12345678)
if printf '%s\n' "$out" | grep -q '^MR (0x4) = 0x[0-9a-f]\{8\} := 0x12345678 -> 0x12345678$'; then pass "write rwr"; else fail "write rwr: $out"; fi

out=$(regtool dump pl031)
expect_line "dump MR" "$out" "0x4 MR        = 0x12345678"
expect_line "dump skips write-only ICR" "$out" "0x1c ICR       (write-only: not read)"
expect_line "dump PCellID3" "$out" "0xffc PCellID3  = 0x000000b1"
expect_line "dump fields" "$out" "      START[0] = 0x1"

# A real alarm: match 2 s from now, unmask, wait (acknowledging through ICR before re-enabling).
now=$(regtool read pl031 DR --dec | sed 's/.*= //')
regtool write pl031 ICR.MATCH=clear MR=$((now + 2)) IMSC.MATCH=enabled --mode w >/dev/null || fail "arm the alarm"
out=$(regtool wait pl031 --timeout 10s --ack ICR.MATCH=clear)
status=$?
if [ $status -eq 0 ] && printf '%s\n' "$out" | grep -q '^interrupt 1: count [0-9]*, missed 0'; then
    pass "wait for the RTC alarm: $out"
else
    fail "wait for the RTC alarm (status $status): $out"
fi
expect_line "the ack cleared the raw status" "$(regtool read pl031 RIS.MATCH)" "RIS.MATCH (0x14[0]) = 0x0"
regtool wait pl031 --timeout 500ms >/dev/null
status=$?
[ $status -eq 3 ] && pass "wait timeout status 3" || fail "wait without an alarm: status $status, expected 3"
regtool write pl031 IMSC.MATCH=masked --mode w >/dev/null || fail "mask the alarm"

# The PL061 ID window: not page-aligned, found by its map name pl061-id, no interrupt.
out=$(regtool read idwindow PeriphID0 PCellID3)
expect_line "PL061 PeriphID0" "$out" "PeriphID0 (0x0) = 0x00000061"
expect_line "PL061 PCellID3" "$out" "PCellID3 (0x1c) = 0x000000b1"
regtool wait idwindow --timeout 1s >/dev/null 2>&1
status=$?
[ $status -eq 1 ] && pass "wait on a device without interrupt: status 1" || fail "wait idwindow: status $status, expected 1"
# The device-tree selectors, in the tree the kernel booted with (the default --fdt, /sys/firmware/fdt)
# and in the live tree: the node path, the generated device's own compatible, the window's label.
expect_line "dt: selector" "$(regtool read dt:/pl031@9010000 PeriphID0)" "PeriphID0 (0xfe0) = 0x00000031"
out=$(regtool read compatible:uiokit,vboard-generated 0x0)
if printf '%s\n' "$out" | grep -q '= 0x74726976$'; then pass "compatible: selector"; else fail "compatible: selector: $out"; fi
expect_line "label: selector, --fdt live tree" "$(regtool read label:idwindow PeriphID0 --fdt /sys/firmware/devicetree/base)" \
    "PeriphID0 (0x0) = 0x00000061"
out=$(regtool read compatible:generic-uio 0x0 2>&1)
status=$?
if [ $status -ne 0 ] && printf '%s\n' "$out" | grep -q "matches several UIO devices (" &&
    printf '%s\n' "$out" | grep -q "'pl031'" && printf '%s\n' "$out" | grep -q "'generated'"; then
    pass "compatible: with three matches is refused, listing them"
else
    fail "compatible:generic-uio (status $status): $out"
fi
regtool read pl031 --json DR | grep -q '"command":"read"' && pass "read --json" || fail "read --json"

# Windows bounded by the device's DT reg: idwindow's map1 is 0x10 bytes in a page of virtio registers.
expect_line "list shows the reg bound" "$(regtool list)" \
    "  map1 'virtio-mmio-31': registers at 0xa003e00, 0x10 bytes by DT reg, 0x200 to the page end (addr 0xa003000 size 0x1000 offset 0xe00)"
regtool list --json | grep -q '"reg_size":16,"bound":16' && pass "list --json reg_size and bound" || fail "list --json: no reg_size 16"
out=$(regtool read idwindow:1 0x10 2>&1)
status=$?
if [ $status -eq 2 ] && printf '%s\n' "$out" | grep -q -- "--whole-page"; then
    pass "read past the reg bound refused, naming --whole-page"
else
    fail "read idwindow:1 0x10 (status $status): $out"
fi
regtool read idwindow:1 0x10 --whole-page >/dev/null && pass "read past the reg with --whole-page" || fail "read --whole-page"

echo "regtool system test: $failures failure(s)"
[ $failures -eq 0 ]
