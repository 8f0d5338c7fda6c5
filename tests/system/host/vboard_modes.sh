#!/usr/bin/env bash
# The virtual board's other two modes, driven from the host on the board system.virtual-board
# built: `vboard run --payload` passes a script's result through, and `vboard demo --shell` gives a
# shell on the guest's console, with regtool on PATH, that powers the board off on `exit`.
# usage: vboard_modes.sh VBOARD BUILD_DIR
set -uo pipefail
vboard=$1 build=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
pass() { echo "ok: $1"; }
fail() { echo "FAIL: $1"; failures=$((failures + 1)); }

# 1. run --payload: exit status 0 for a payload that succeeds, non-zero for one that fails.
cat > "$work/reads-rtc-id.sh" <<'EOF'
regtool read pl031 PeriphID0 | grep -qx 'PeriphID0 (0xfe0) = 0x00000031'
EOF
cat > "$work/fails.sh" <<'EOF'
echo "this payload fails on purpose"
exit 3
EOF
if "$vboard" run --payload "$work/reads-rtc-id.sh" --no-build --build-dir "$build" > "$work/ok.log" 2>&1; then
    pass "run --payload: a payload that succeeds"
else
    fail "run --payload: a payload that succeeds was reported as failed:"; tail -20 "$work/ok.log"
fi
if "$vboard" run --payload "$work/fails.sh" --no-build --build-dir "$build" > "$work/fails.log" 2>&1; then
    fail "run --payload: a payload that exits 3 was reported as passed"
elif grep -q "this payload fails on purpose" "$work/fails.log"; then
    pass "run --payload: a payload that fails, with its output"
else
    fail "run --payload: the failing payload's output is missing:"; tail -20 "$work/fails.log"
fi

# 2. demo --shell: wait for the guest's greeting and its shell, type a command on the console, read
# its output. Each marker is computed by the guest's shell, so the console's echo of the typed line
# (which shows "$((6 * 7))") cannot match it.
# setsid: vboard and its QEMU get a process group of their own, which the test can kill whole.
coproc BOARD { exec setsid "$vboard" demo --shell --no-build --build-dir "$build" 2>&1; }
board_pid=$BOARD_PID
trap 'kill -- -"$board_pid" 2>/dev/null; rm -rf "$work"' EXIT
[[ -v BOARD[0] ]] || { echo "FAIL: vboard demo --shell ended at once"; exit 1; }
# Our own copies of the pipes: bash closes the coproc's when it ends.
exec {console}<&"${BOARD[0]}" {keyboard}>&"${BOARD[1]}"
# until_line PATTERN [SECONDS]: read the console until a line matches; every line goes to shell.log.
# A read that times out keeps what it got of a line, so a line is never split.
pending=
until_line() {
    local deadline=$((SECONDS + ${2:-120})) part status line
    while ((SECONDS < deadline)); do
        IFS= read -r -t 1 part <&"$console"
        status=$?
        pending+=$part
        ((status > 128)) && continue  # no whole line yet
        ((status == 0)) || return 1    # the board is gone
        line=${pending%$'\r'} pending=
        printf '%s\n' "$line" >> "$work/shell.log"
        [[ $line =~ $1 ]] && return 0
    done
    return 1
}
shell_ready() {  # the shell answers: typed input before it runs is not relied on
    for _ in $(seq 30); do
        printf '%s\n' 'echo "shell-ready-$((1 + 1))"' >&"$keyboard"
        until_line '^shell-ready-2$' 2 && return 0
    done
    return 1
}
if until_line "^Type 'exit' to power off" && shell_ready; then
    printf '%s\n' 'regtool read pl031 PCellID3; echo "shell-marker $((6 * 7))"' >&"$keyboard"
    if until_line '^shell-marker 42$' 60 && grep -qx 'PCellID3 (0xffc) = 0x000000b1' "$work/shell.log"; then
        pass "demo --shell: regtool ran in the guest's shell"
    else
        fail "demo --shell: no regtool output from the shell"
    fi
    printf 'exit\n' >&"$keyboard"
else
    fail "demo --shell: the guest's greeting or its shell never came"
fi
# `exit` powers the board off: vboard must end by itself, successfully.
for _ in $(seq 60); do kill -0 "$board_pid" 2>/dev/null || break; sleep 1; done
if kill -0 "$board_pid" 2>/dev/null; then
    fail "demo --shell: the board is still running 60 s after exit"
else
    wait "$board_pid"
    status=$?
    ((status == 0)) && pass "demo --shell: exit powers the board off" || fail "demo --shell: vboard exited with $status"
fi
if ((failures)); then echo "--- console"; cat "$work/shell.log"; fi

echo "vboard modes: $failures failure(s)"
((failures == 0))
