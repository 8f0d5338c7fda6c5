#!/bin/sh
# Out-of-process regtool tests: what only a real process shows. Exit statuses, --help, --file on a
# real file, JSON checked by python3's parser, permission denied (as an unprivileged user when run
# as root), and uiokit-regmap-gen's statuses.
#   process_test.sh REGTOOL REGMAP_GEN TEST_MAP_DIR SHIPPED_MAP_DIR
set -u
regtool=$1 gen=$2 test_maps=$3 shipped_maps=$4
failures=0
work=$(mktemp -d /tmp/regtool-process-XXXXXX)
trap 'rm -rf "$work"' EXIT

. "$(dirname "$0")/process_checks.sh"

# Waits (up to 10 s) until FILE has a line with TEXT: a watch's first sample, printed once its
# handlers are installed.
wait_for_line() {   # wait_for_line TEXT FILE
    tries=0
    until grep -q "$1" "$2" 2>/dev/null || [ $tries -ge 100 ]; do
        sleep 0.1
        tries=$((tries + 1))
    done
}

# A 64 KiB image with a known word at 0x10.
head -c 65536 /dev/zero >"$work/image.bin"
printf '\357\276\255\336' | dd of="$work/image.bin" bs=1 seek=16 conv=notrunc 2>/dev/null

expect 0 "--help" "$regtool" --help
expect 0 "read --help" "$regtool" read --help
expect 0 "--version" "$regtool" --version
expect 2 "no command" "$regtool"
expect 2 "unknown command" "$regtool" frobnicate
expect 2 "unknown option" "$regtool" read --file "$work/image.bin" 0x10 --frob
expect 0 "read --file" "$regtool" read --file "$work/image.bin" 0x10
expect_output "0x10 = 0xdeadbeef" "read --file value"
expect 0 "read --file --json" "$regtool" read --file "$work/image.bin" 0x10 --json
json_ok "read --json"
expect 0 "write --file" "$regtool" write --file "$work/image.bin" 0x20=0x12345678 --mode w
expect 0 "read back" "$regtool" read --file "$work/image.bin" 0x20
expect_output "0x20 = 0x12345678" "write reached the file"
expect 2 "misaligned offset" "$regtool" read --file "$work/image.bin" 0x2
expect 2 "value too wide" "$regtool" write --file "$work/image.bin" 0x20=0x100 --width 8
expect 0 "nothing written by the refused write" "$regtool" read --file "$work/image.bin" 0x20
expect_output "0x20 = 0x12345678" "refused write left the file alone"
# mmap maps past the end of a file, and reading there is SIGBUS: a --size beyond it is refused.
expect 2 "--size beyond the file" "$regtool" read --file "$work/image.bin" 0x10 --size 0x20000
expect_error "--file $work/image.bin: 0x20000 bytes reach beyond its end: it is 0x10000 (65536) bytes; give at most --size 0x10000" "--size message"
expect 2 "dump --size beyond the file" "$regtool" dump --file "$work/image.bin" --size 0x20000
expect 0 "dump --file" "$regtool" dump --file "$work/image.bin" 0x1c 0x8
expect_output "001c: 00000000 12345678" "dump output"
expect 0 "dump --json" "$regtool" dump --file "$work/image.bin" 0 0x100 --json
json_ok "dump --json"
expect 0 "info with a map" "$regtool" info --file "$work/image.bin" --map "$shipped_maps/pl031.yaml" --json
json_ok "info --json"
expect 1 "missing file" "$regtool" read --file "$work/missing.bin" 0x0
expect 1 "missing device" env UIOKIT_SYSFS_CLASS_DIR="$work/none" "$regtool" read pl031 0x0
expect 0 "list without devices" env UIOKIT_SYSFS_CLASS_DIR="$work/none" "$regtool" list --json
json_ok "list --json"
expect 2 "error as JSON" "$regtool" read --file "$work/image.bin" 0x3 --json
json_ok "error --json"
expect 2 "wait on a file" "$regtool" wait --file "$work/image.bin"
expect 1 "bad map" "$regtool" read --file "$work/image.bin" 0x0 --map "$work/image.bin"

# Permission denied: a file the user may not write. Root may write anything, so run as nobody.
chmod 0644 "$work/image.bin"
if [ "$(id -u)" -eq 0 ]; then
    if command -v setpriv >/dev/null; then
        chmod 0755 "$work"
        expect 1 "permission denied (as nobody)" \
            setpriv --reuid=65534 --regid=65534 --clear-groups "$regtool" write --file "$work/image.bin" 0x0=1
        grep -q "Permission denied" "$work/err" || { echo "FAIL: no 'Permission denied' message"; failures=$((failures + 1)); }
    else
        echo "skip: permission denied (running as root without setpriv)"
    fi
else
    chmod 0444 "$work/image.bin"
    expect 1 "permission denied" "$regtool" write --file "$work/image.bin" 0x0=1
fi

# The generator.
expect 0 "gen: header" "$gen" --namespace t "$test_maps/scratch.yaml"
grep -q "struct STATUS : uiokit::Register<Block" "$work/out" || { echo "FAIL: gen output"; failures=$((failures + 1)); }
expect 2 "gen: usage" "$gen"
printf 'format: 1\nname: x\nregisters:\n  - {name: A, offset: 1}\n' >"$work/bad.yaml"
expect 1 "gen: bad map" "$gen" "$work/bad.yaml"
grep -q "bad.yaml:4: register 'A' offset 0x1 is not aligned" "$work/err" ||
    { echo "FAIL: gen message: $(cat "$work/err")"; failures=$((failures + 1)); }

# Durations in every documented unit: watch ends at --duration (exit 0) however it is written.
expect 0 "duration in us, plain seconds" "$regtool" watch --file "$work/image.bin" 0x10 --interval 100us --duration 0.05
expect 0 "duration in m and us" "$regtool" watch --file "$work/image.bin" 0x10 --interval 1m --duration 2000us
expect 2 "duration with an unknown unit" "$regtool" watch --file "$work/image.bin" 0x10 --duration 1.5h

# Real signals: watch runs until SIGINT or SIGTERM, then exits 0 having printed the first sample.
for sig in INT TERM; do
    # A file of its own per signal: the shell could otherwise grep the previous run's sample
    # before the new process has truncated the file, and signal it before its handlers exist.
    "$regtool" watch --file "$work/image.bin" 0x10 --interval 10ms >"$work/watch-$sig.out" 2>"$work/watch-$sig.err" &
    pid=$!
    # The first sample is printed after the handlers are installed: signal only then (up to 10 s).
    wait_for_line "0x10 = 0xdeadbeef" "$work/watch-$sig.out"
    kill -s "$sig" "$pid"
    wait "$pid"
    got=$?
    if [ "$got" -ne 0 ] || ! grep -q "0x10 = 0xdeadbeef" "$work/watch-$sig.out"; then
        echo "FAIL: watch stopped by SIG$sig: exit status $got, stdout '$(cat "$work/watch-$sig.out")', stderr '$(cat "$work/watch-$sig.err")'"
        failures=$((failures + 1))
    else
        echo "ok: watch stopped by SIG$sig"
    fi
done

# Hostile input (issue 21): the real process, where a hang, a signal or stdout matter.
mkfifo "$work/fifo"
expect 2 "--file FIFO: refused, not waited on" timeout 20 "$regtool" read --file "$work/fifo" 0
expect_error "--file $work/fifo: it is a FIFO; only a regular file or a character device can be mapped" "FIFO message"
expect 1 "--map FIFO: refused, not waited on" timeout 20 "$regtool" read --file "$work/image.bin" 0 --map "$work/fifo"
expect_error "--map $work/fifo: is a FIFO, not a regular file" "--map FIFO message"
expect 1 "--map /dev/zero: refused, not read for ever" timeout 20 "$regtool" read --file "$work/image.bin" 0 --map /dev/zero
expect_error "--map /dev/zero: is a character device, not a regular file" "--map /dev/zero message"
expect 1 "read into /dev/full" sh -c '"$0" read --file "$1" 0x10 >/dev/full' "$regtool" "$work/image.bin"
expect_error "cannot write to standard output" "/dev/full message"
expect 1 "watch into /dev/full stops" timeout 20 sh -c '"$0" watch --file "$1" 0x10 --interval 1ms >/dev/full' "$regtool" "$work/image.bin"
# A mapped file truncated by another process under watch: a runtime error naming it, not SIGBUS.
head -c 8192 /dev/zero >"$work/shrink.bin"
"$regtool" watch --file "$work/shrink.bin" 0x1000 --interval 10ms >"$work/shrink.out" 2>"$work/shrink.err" &
pid=$!
wait_for_line "0x1000 = " "$work/shrink.out"
: >"$work/shrink.bin"
wait "$pid"
got=$?
if [ "$got" -ne 1 ] || ! grep -qF "read32 at offset 0x1000 of $work/shrink.bin (0x2000 bytes): bus error (SIGBUS)" "$work/shrink.err"; then
    fail "watch on a truncated file: exit status $got, stderr '$(cat "$work/shrink.err")'"
else
    echo "ok: watch on a truncated file"
fi

echo "$failures failure(s)"
[ "$failures" -eq 0 ]
