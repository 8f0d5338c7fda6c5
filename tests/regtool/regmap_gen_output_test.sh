#!/usr/bin/env bash
# uiokit-regmap-gen --output FILE: the header it writes, what it does to what is already there (a
# file, a symlink, a FIFO), and the errors for paths it cannot write.
#   regmap_gen_output_test.sh REGMAP_GEN MAP.yaml
set -u
gen=$1 map=$2
failures=0
work=$(mktemp -d /tmp/regmap-gen-output-XXXXXX)
trap 'rm -rf "$work"' EXIT

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

expect() {  # expect STATUS DESCRIPTION COMMAND...
    local want=$1 what=$2 got
    shift 2
    "$@" > "$work/out" 2> "$work/err"
    got=$?
    if [[ $got -ne $want ]]; then
        fail "$what: exit status $got, expected $want ($*)"
        sed 's/^/  stderr: /' "$work/err"
    else
        echo "ok: $what"
    fi
}

expect_stderr() {  # expect_stderr TEXT DESCRIPTION: the last command's stderr is exactly TEXT
    [[ $(cat "$work/err") == "$1" ]] || fail "$2: stderr '$(cat "$work/err")', expected '$1'"
}

no_leftovers() {  # no_leftovers DIR DESCRIPTION: nothing but what the test made is in DIR
    local extra
    extra=$(find "$1" -name '*.tmp*' -o -name '*.hpp.??????')  # the generator's temporary names
    [[ -z $extra ]] || fail "$2: left behind $extra"
}

# The header on stdout is the reference.
"$gen" --namespace t::scratch "$map" > "$work/expected.hpp" || fail "the header on stdout"
grep -q "^namespace t::scratch {" "$work/expected.hpp" || fail "the reference header has no namespace t::scratch"

expect 0 "--output a new file" "$gen" --namespace t::scratch --output "$work/new.hpp" "$map"
[[ ! -s $work/out ]] || fail "--output: stdout is not empty: $(head -c 200 "$work/out")"
cmp -s "$work/expected.hpp" "$work/new.hpp" || fail "--output: the file differs from the header on stdout"
no_leftovers "$work" "--output a new file"

# An existing header is replaced whole, not appended to or half-written.
printf '// an old header, longer than nothing\n%.0s' {1..500} > "$work/old.hpp"
expect 0 "--output over an existing file" "$gen" --namespace t::scratch --output "$work/old.hpp" "$map"
cmp -s "$work/expected.hpp" "$work/old.hpp" || fail "--output over an existing file: not exactly the header"

# A map that is refused leaves the existing header as it was.
cp "$work/expected.hpp" "$work/kept.hpp"
printf 'format: 1\nname: x\nregisters:\n  - {name: A, offset: 1}\n' > "$work/bad.yaml"
expect 1 "a bad map with --output" "$gen" --output "$work/kept.hpp" "$work/bad.yaml"
cmp -s "$work/expected.hpp" "$work/kept.hpp" || fail "a bad map changed the existing header"
no_leftovers "$work" "a bad map"

# Through a symlink: the file it points to gets the header, the link stays a link.
echo "// old" > "$work/target.hpp"
ln -s target.hpp "$work/link.hpp"
expect 0 "--output a symlink" "$gen" --namespace t::scratch --output "$work/link.hpp" "$map"
[[ -L $work/link.hpp ]] || fail "--output a symlink: the link was replaced"
cmp -s "$work/expected.hpp" "$work/target.hpp" || fail "--output a symlink: the file it points to is not the header"
# A dangling symlink: the file it names is created, the link stays a link.
ln -s created-through-link.hpp "$work/dangling.hpp"
expect 0 "--output a dangling symlink" "$gen" --namespace t::scratch --output "$work/dangling.hpp" "$map"
[[ -L $work/dangling.hpp ]] || fail "--output a dangling symlink: the link was replaced"
cmp -s "$work/expected.hpp" "$work/created-through-link.hpp" || fail "--output a dangling symlink: no header where it points"
# A new header gets the permissions of any new file (umask), not the temporary file's 0600.
(umask 022 && "$gen" --output "$work/mode.hpp" "$map") || fail "--output with umask 022"
[[ $(stat -c %a "$work/mode.hpp") == 644 ]] || fail "--output with umask 022: mode $(stat -c %a "$work/mode.hpp"), expected 644"
no_leftovers "$work" "symlinks"

# A FIFO (as /dev/stdout can be) is written to, not replaced by a file.
mkfifo "$work/fifo"
timeout 10 cat "$work/fifo" > "$work/from-fifo" &
reader=$!
expect 0 "--output a FIFO" timeout 10 "$gen" --namespace t::scratch --output "$work/fifo" "$map"
[[ -p $work/fifo ]] || fail "--output a FIFO: the FIFO was replaced"
wait "$reader"  # a reader left waiting on a replaced FIFO ends at its timeout
cmp -s "$work/expected.hpp" "$work/from-fifo" || fail "--output a FIFO: the reader did not get the header"

# Paths it cannot write: exit 1, the path as given and the reason, nothing left behind.
expect 1 "--output in a missing directory" "$gen" --output "$work/missing/x.hpp" "$map"
expect_stderr "uiokit-regmap-gen: cannot write $work/missing/x.hpp: No such file or directory" "missing directory"
[[ ! -e $work/missing ]] || fail "missing directory: it was created"

mkdir "$work/dir"
expect 1 "--output a directory" "$gen" --output "$work/dir" "$map"
expect_stderr "uiokit-regmap-gen: cannot write $work/dir: Is a directory" "a directory"
[[ -d $work/dir && -z $(ls -A "$work/dir") ]] || fail "a directory: it was changed"
no_leftovers "$work" "a directory"

# A directory the user may not write to. Root writes anywhere through CAP_DAC_OVERRIDE: as root,
# the generator runs without it (still root, so a build tree under /root stays reachable).
mkdir "$work/readonly"
chmod 0555 "$work/readonly"
as_user=()
if [[ $(id -u) -eq 0 ]]; then
    if command -v setpriv > /dev/null; then
        as_user=(setpriv --inh-caps=-dac_override,-dac_read_search --bounding-set=-dac_override,-dac_read_search)
    else
        as_user=(skip)
    fi
fi
if [[ ${as_user[0]:-} == skip ]]; then
    echo "skip: --output in a read-only directory (running as root without setpriv)"
else
    expect 1 "--output in a read-only directory" "${as_user[@]}" "$gen" --output "$work/readonly/x.hpp" "$map"
    expect_stderr "uiokit-regmap-gen: cannot write $work/readonly/x.hpp: Permission denied" "read-only directory"
    no_leftovers "$work/readonly" "read-only directory"
fi

expect 2 "--output without a value" "$gen" "$map" --output
grep -q "^uiokit-regmap-gen: --output needs a value" "$work/err" || fail "--output without a value: $(cat "$work/err")"

# Empty values and namespaces that are not names: refused before anything is written (an empty
# --output wrote to stdout; a namespace went into the header as it was).
cd "$work" || exit 1
for args in "--output|" "--namespace|" "|"; do
    IFS='|' read -r option value <<<"$args"
    if [[ -n $option ]]; then
        expect 2 "$option ''" "$gen" "$option" "$value" "$map"
        grep -q "^uiokit-regmap-gen: $option was given an empty value" "$work/err" || fail "$option '': $(cat "$work/err")"
    else
        expect 2 "an empty map path" "$gen" ""
        grep -q "^uiokit-regmap-gen: the register map's path is empty" "$work/err" || fail "'': $(cat "$work/err")"
    fi
    [[ ! -s $work/out ]] || fail "$option '': wrote $(head -c 100 "$work/out")"
done
for ns in "a b" "x::" "::x" "1st" "board::regs;int" "ns{" "a:::b"; do
    expect 2 "--namespace '$ns'" "$gen" --namespace "$ns" --output "$work/ns.hpp" "$map"
    expect_stderr "uiokit-regmap-gen: --namespace '$ns' is not a C++ namespace name (identifiers joined by ::, e.g. board::regs)" \
        "--namespace '$ns'"
    [[ ! -e $work/ns.hpp ]] || fail "--namespace '$ns': wrote $work/ns.hpp"
done
expect 0 "--namespace with three parts" "$gen" --namespace a::_b2::C --output "$work/ns.hpp" "$map"
grep -q "^namespace a::_b2::C {" "$work/ns.hpp" || fail "--namespace a::_b2::C: $(head -5 "$work/ns.hpp")"

echo "$failures failure(s)"
[[ $failures -eq 0 ]]
