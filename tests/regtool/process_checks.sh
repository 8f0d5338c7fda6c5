# Checks shared by the out-of-process regtool tests (sourced by process_test.sh and
# device_process_test.sh, which set $work to a scratch directory and failures=0).

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

expect() {  # expect STATUS DESCRIPTION COMMAND...: the command's exit status is STATUS
    want=$1 what=$2
    shift 2
    "$@" >"$work/out" 2>"$work/err"
    got=$?
    if [ "$got" -ne "$want" ]; then
        fail "$what: exit status $got, expected $want ($*)"
        sed 's/^/  stderr: /' "$work/err"
    else
        echo "ok: $what"
    fi
}

expect_output() {  # expect_output TEXT DESCRIPTION: the last command's stdout is exactly TEXT
    [ "$(cat "$work/out")" = "$1" ] || fail "$2: stdout '$(cat "$work/out")', expected '$1'"
}

expect_error() {  # expect_error TEXT DESCRIPTION: the last command's stderr contains TEXT
    grep -qF -- "$1" "$work/err" || fail "$2: stderr '$(cat "$work/err")' does not contain '$1'"
}

json_ok() {  # json_ok DESCRIPTION: the last command's stdout parses as JSON
    python3 -m json.tool "$work/out" >/dev/null 2>&1 || fail "$1: stdout is not JSON: $(cat "$work/out")"
}
