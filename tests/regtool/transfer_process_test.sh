#!/bin/sh
# save, load, fill and compare, out of process: the real binary on the simulated "widget" (uio1, by
# device name: a 0x1000-byte window, the map's page) and on plain files (--file), with stdin/stdout as '-'. Every
# refused command leaves the window as it was (no partial write).
# Run under regtool_sim_device:  regtool_sim_device sh transfer_process_test.sh REGTOOL
set -u
regtool=$1
failures=0
work=$(mktemp -d /tmp/regtool-transfer-XXXXXX)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/process_checks.sh"

export UIOKIT_SYSFS_CLASS_DIR=$UIOKIT_SIM_ROOT/sys/class/uio UIOKIT_DEV_DIR=$UIOKIT_SIM_ROOT/dev
unset UIOKIT_REGMAP_PATH

json_is() {  # json_is PYTHON-EXPRESSION VALUE DESCRIPTION: j = the last command's stdout, parsed
    got=$(python3 -c 'import json, sys; j = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
        "$work/out" "$1" 2>&1 | tail -n 1)
    [ "$got" = "$2" ] || fail "$3: $1 is '$got', expected '$2'"
}
same_files() {  # same_files A B DESCRIPTION
    cmp -s "$1" "$2" || fail "$3: $1 and $2 differ"
}
# The whole widget window, to check that a refused command changed nothing.
snapshot() { "$regtool" save widget "$1" >/dev/null 2>&1 || fail "snapshot $1"; }

# --- load, save and compare round trip on a device, unaligned ----------------------------------------
head -c 200 /dev/urandom > "$work/data"
expect 0 "load: 200 bytes at 0x3" "$regtool" load widget "$work/data" 0x3
expect_output "loaded 200 bytes from $work/data to uio1 'widget' map0 at 0x3" "load: its report"
expect 0 "save: the same 200 bytes back" "$regtool" save widget "$work/back" 0x3 200
same_files "$work/data" "$work/back" "save after load"
expect 0 "compare: the same" "$regtool" compare widget "$work/data" 0x3
expect 0 "save: the whole window by default" "$regtool" save widget "$work/whole"
[ "$(wc -c < "$work/whole")" -eq 4096 ] || fail "save without START: $(wc -c < "$work/whole") bytes, expected 4096"
# Bytes 0x3..0xcb of the whole window are the file.
dd if="$work/whole" of="$work/middle" bs=1 skip=3 count=200 2>/dev/null
same_files "$work/data" "$work/middle" "the loaded bytes inside the whole window"

# --- compare: first difference and count; exit status as cmp ----------------------------------------
cp "$work/data" "$work/changed"
printf '\377\377' | dd of="$work/changed" bs=1 seek=17 conv=notrunc 2>/dev/null
printf '\000' | dd of="$work/changed" bs=1 seek=150 conv=notrunc 2>/dev/null
expected_count=$(cmp -l "$work/data" "$work/changed" | wc -l)
expect 1 "compare: different" "$regtool" compare widget "$work/changed" 0x3
first=$(cmp -l "$work/data" "$work/changed" | head -n 1 | awk '{print $1 - 1}')
expect_output "$(printf "%s and uio1 'widget' map0 at 0x3 differ: first at offset 0x%x (byte %d of the file), %d of 200 bytes differ" \
    "$work/changed" $((first + 3)) "$first" "$expected_count")" "compare: first difference and count"
expect 1 "compare --json: different" "$regtool" compare widget "$work/changed" 0x3 --json
json_is 'j["equal"]' "False" "compare --json"
json_is 'j["differing_bytes"]' "$expected_count" "compare --json"
json_is 'j["first_difference"]' "$((first + 3))" "compare --json"
expect 2 "compare: a missing file is an error (2)" "$regtool" compare widget "$work/missing"
expect_error "open $work/missing" "compare: the missing file named"
head -c 4097 /dev/zero > "$work/big"
expect 2 "compare: a file longer than the window is an error (2)" "$regtool" compare widget "$work/big"
expect 2 "compare: an unknown device is an error (2)" "$regtool" compare nosuchdevice "$work/data"

# --- stdin and stdout ----------------------------------------------------------------------------------
expect 0 "load from stdin" sh -c "'$regtool' load widget - 0x40 < '$work/data'"
expect 0 "save to stdout" sh -c "'$regtool' save widget - 0x40 200 > '$work/stdout'"
same_files "$work/data" "$work/stdout" "save - after load -"
expect 0 "compare with stdin" sh -c "'$regtool' compare widget - 0x40 < '$work/data'"
expect 2 "save: --json and '-' both want stdout" "$regtool" save widget - --json

# --- refusals write nothing --------------------------------------------------------------------------
snapshot "$work/before"
head -c 65 /dev/urandom > "$work/65"
expect 2 "load: a file that does not fit" "$regtool" load widget "$work/65" 0xfc0
expect_error "nothing written" "load: the refusal says nothing was written"
expect 2 "load: a START that breaks --width 32 alignment" "$regtool" load widget "$work/data" 0x2 --width 32
expect_error "START 0x2 is not a multiple of the 32-bit access" "load: misaligned START named"
head -c 6 /dev/urandom > "$work/6"
expect 2 "load: a length that breaks --width 32 alignment" "$regtool" load widget "$work/6" 0x4 --width 32
expect 2 "load: START outside the window" "$regtool" load widget "$work/6" 0x1001
expect 2 "fill: beyond the window" "$regtool" fill widget 0xff0 0x20 0xaa
expect 2 "fill: VALUE wider than a byte without --width" "$regtool" fill widget 0 4 0x100
expect 2 "fill: VALUE wider than --width" "$regtool" fill widget 0 4 0x10000 --width 16
expect 2 "fill: LENGTH not a multiple of --width" "$regtool" fill widget 0 6 0x1 --width 32
snapshot "$work/after"
same_files "$work/before" "$work/after" "refused loads and fills"

# --- fill ----------------------------------------------------------------------------------------------
expect 0 "fill: bytes, unaligned" "$regtool" fill widget 0x5 0x13 0xa5
expect_output "filled 19 bytes of uio1 'widget' map0 at 0x5 with 0xa5" "fill: its report"
"$regtool" save widget "$work/filled" 0x4 0x15
[ "$(od -An -tx1 -v "$work/filled" | tr -d ' \n')" = "$(printf '%02x' 0x$(od -An -tx1 -j4 -N1 -v "$work/before" | tr -d ' '); printf 'a5%.0s' $(seq 19); printf '%02x' 0x$(od -An -tx1 -j24 -N1 -v "$work/before" | tr -d ' '))" ] \
    || fail "fill: bytes 0x5..0x17 are 0xa5, their neighbours unchanged: $(od -An -tx1 -v "$work/filled")"
expect 0 "fill: 32-bit words" "$regtool" fill widget 0x20 0x10 0xdeadbeef --width 32
"$regtool" save widget "$work/words" 0x20 0x10 --width 32
[ "$(od -An -tx4 -v "$work/words" | tr -s ' ' | sed 's/^ //; s/ $//')" = "deadbeef deadbeef deadbeef deadbeef" ] \
    || fail "fill --width 32: $(od -An -tx4 -v "$work/words")"
expect 0 "fill --json" "$regtool" fill widget 0 8 0 --json
json_ok "fill --json"
json_is 'j["length"]' "8" "fill --json"

# --- a 1 MiB plain file as the window (--file), odd start and length ------------------------------------
head -c 1048576 /dev/zero > "$work/window"
head -c 1000001 /dev/urandom > "$work/random"
expect 0 "load --file: 1000001 bytes at 0x7" "$regtool" load --file "$work/window" "$work/random" 0x7
expect 0 "compare --file: the same" "$regtool" compare --file "$work/window" "$work/random" 0x7
expect 0 "save --file" "$regtool" save --file "$work/window" "$work/random-back" 0x7 1000001
same_files "$work/random" "$work/random-back" "1 MiB file window round trip"
expect 0 "save --file --json" "$regtool" save --file "$work/window" "$work/x" 0x8 0x100 --width 64 --json
json_is 'j["length"], j["width"], j["target"]["kind"]' "(256, 64, 'file')" "save --json"
expect 2 "save --width 64: unaligned START refused" "$regtool" save --file "$work/window" "$work/x" 0x7 0x100 --width 64

if [ "$failures" -ne 0 ]; then
    echo "$failures failure(s)"
    exit 1
fi
echo "all transfer checks passed"
