#!/bin/sh
# The PL031 example driver (examples/pl031, program pl031-rtc) on the board's real PL031:
# it prints the device and IDs, sets an alarm, gets the interrupt and clears it.
fail() {
    echo "pl031-example: FAIL: $*"
    exit 1
}
command -v pl031-rtc >/dev/null || fail "pl031-rtc is not on the board"

uio=""
for d in /sys/class/uio/uio*; do
    [ "$(cat "$d/name")" = pl031 ] && uio=$(basename "$d")
done
[ -n "$uio" ] || fail "no UIO device named pl031"

# run_example EXPECTED_STATUS ARGS...: runs pl031-rtc, keeps its output in $out
run_example() {
    expected=$1
    shift
    echo "\$ pl031-rtc $*"
    out=$(pl031-rtc "$@" 2>&1)
    rc=$?
    echo "$out"
    [ $rc -eq "$expected" ] || fail "pl031-rtc $* exited $rc, expected $expected"
}

check_alarm_output() {
    echo "$out" | grep -qx "PL031 RTC: /dev/$uio ($uio, name 'pl031', map0 at 0x9010000)" ||
        fail "the device line is wrong"
    echo "$out" | grep -qx "  PeriphID 0x141031, PCellID 0xb105f00d" || fail "the ID line is wrong"
    line=$(echo "$out" | grep "^  interrupt: ") || fail "no interrupt line"
    count=$(echo "$line" | sed -n 's/^  interrupt: count \([0-9]*\), missed 0, after \([0-9.]*\) s; time [0-9]*; match (MIS) cleared$/\1/p')
    after=$(echo "$line" | sed -n 's/.* after \([0-9]*\)\.\([0-9]*\) s;.*/\1\2/p')
    [ -n "$count" ] || fail "the interrupt line is not 'count N, missed 0, ..., match (MIS) cleared'"
    # the kernel's own count agrees
    [ "$count" -eq "$(cat /sys/class/uio/"$uio"/event)" ] || fail "count $count, but sysfs event is $(cat /sys/class/uio/"$uio"/event)"
    # 2 s alarm: 2.00 s, or 1.00 s when DR ticked between reading it and writing MR
    if [ -z "$after" ] || [ "$after" -lt 90 ] || [ "$after" -gt 250 ]; then
        fail "the interrupt came after ${after:-?}/100 s"
    fi
}

run_example 0 pl031 2
check_alarm_output
first_count=$count

# the same device by physical address and by uioN; the count goes on
run_example 0 0x9010000 2
check_alarm_output
[ "$count" -eq $((first_count + 1)) ] || fail "second alarm has count $count, expected $((first_count + 1))"
run_example 0 "$uio" 2
check_alarm_output

# errors: bad usage is status 2; a device that is not a PL031 (a 0x20-byte window) is status 1
run_example 2 pl031 0
run_example 1 idwindow 1
run_example 1 nosuchdevice 1
echo "pl031-example: PASS"
