#!/usr/bin/env bash
# Compiles register_access.cpp at -O2 with the given compiler and checks that each function makes
# exactly the expected memory accesses, each of the register's width.
# usage: check_codegen.sh CXX x86_64|aarch64|arm SOURCE -I... [-I...]
set -euo pipefail
cxx=$1 arch=$2 source=$3
shift 3
asm=$(mktemp)
trap 'rm -f "$asm"' EXIT
"$cxx" -std=c++20 -O2 -S -fno-asynchronous-unwind-tables -o "$asm" "$@" "$source"

# Prints "load:WIDTH" / "store:WIDTH" for each memory access in function $1, "barrier" for a
# full barrier instruction (mfence, dsb sy) and "dmb:OPTION" for an ARM data memory barrier (e.g.
# "dmb:oshst"); with $2 = device, only
# those inside mmio.hpp's inline asm, that is the accesses to device memory (GCC marks where each
# asm statement's text begins and ends with its file and line, clang with #APP / #NO_APP).
accesses() {
    awk -v fn="$1" -v arch="$arch" -v only="${2:-all}" '
        $0 ~ "^" fn ":" { inside = 1; next }
        inside && /^\t\.size|^\t\.cfi_endproc|^[A-Za-z_][A-Za-z0-9_]*:/ { inside = 0 }
        /^(#|@|\/\/) [0-9]+ ".*mmio\.hpp" 1$/ || /^[#@]APP$/ { in_asm = 1; next }
        /^(#|@|\/\/) 0 "" 2$/ || /^[#@]NO_APP$/ { in_asm = 0; next }
        !inside || /^\t\./ || /^\./ || (only == "device" && !in_asm) { next }
        $1 == "mfence" || ($1 == "dsb" && $2 == "sy") { print "barrier " $1; next }
        $1 == "dmb" { print "dmb:" $2 " " $1; next }
        $1 ~ /^[lsm]fence$/ || $1 == "dsb" { print "fence:" $1 " " $1; next }
        arch == "x86_64" && /\(%/ {
            op = $1
            width = (op ~ /^v?mov[hl]p[sd]$/) ? 64 : (op ~ /^v?mov(dq[au]|[au]p[sd])$/) ? 128 \
                  : (op ~ /^movz?b/ || op ~ /b$/) ? 8 : (op ~ /^movz?w/ || op ~ /w$/) ? 16 : (op ~ /q$/) ? 64 : 32
            if (op ~ /^movzbl|^movzwl/) kind = "load"
            else kind = ($0 ~ /,[^,]*\(%[a-z0-9]+\)[ \t]*$/) ? "store" : "load"
            print kind ":" width " " op
        }
        arch == "aarch64" && $1 ~ /^(ld|st)/ {
            op = $1
            kind = (op ~ /^ld/) ? "load" : "store"
            width = (op ~ /b$/) ? 8 : (op ~ /h$/) ? 16 : ($2 ~ /^x/) ? 64 : 32
            if (op ~ /p$/) width = "pair"
            print kind ":" width " " op
        }
        arch == "arm" && $1 ~ /^(ld|st)/ {
            op = $1
            kind = (op ~ /^ld/) ? "load" : "store"
            width = (op ~ /b$/) ? 8 : (op ~ /h$/) ? 16 : (op ~ /d$/) ? 64 : (op ~ /m/) ? "multiple" : 32
            print kind ":" width " " op
        }' "$asm"
}

failures=0
expect() {  # function, expected accesses ("load:32 store:32"), [device]
    local got
    got=$(accesses "$1" "${3:-}" | awk '{print $1}' | tr '\n' ' ' | sed 's/ $//')
    if [[ "$got" == "$2" ]]; then
        echo "ok   $arch $1${3:+ ($3)}: $got"
    else
        echo "FAIL $arch $1${3:+ ($3)}: expected '$2', got '$got'"
        accesses "$1" "${3:-}" | sed 's/^/       /'
        failures=$((failures + 1))
    fi
}
repeat() { printf "$1 %.0s" $(seq "$2") | sed 's/ $//'; }

expect modify8 "load:8 store:8"
expect modify16 "load:16 store:16"
expect modify32 "load:32 store:32"
expect modify32_w1c "load:32 store:32"
expect modify32_runtime "load:32 store:32"
expect modify64 "load:64 store:64"
expect write32 "store:32"
expect read32_field "load:32"
expect hand_modify32 "load:32 store:32"
# mmio::barrier() is a full barrier instruction between the two stores, not just a compiler barrier.
expect barrier_then_doorbell "store:32 barrier store:32"
# DMA barriers (dma_barrier.hpp): the kernel's dma_wmb()/dma_rmb() instruction on ARM; on x86-64 no
# fence at all, yet the accesses around it stay separate and in program order.
case $arch in
    aarch64) wmb="dmb:oshst" rmb="dmb:oshld" ;;
    arm) wmb="dmb:oshst" rmb="dmb:osh" ;;
    *) wmb="" rmb="" ;;
esac
with() { echo "$1${2:+ $2} $3"; }  # "store:32 dmb:oshst store:32", or without the middle word
expect dma_descriptor_then_doorbell "$(with store:32 "$wmb" store:32)"
expect dma_status_then_data "$(with load:32 "$rmb" load:32)"
expect dma_write_barrier_between_stores "$(with store:32 "$wmb" store:32)"
expect dma_read_barrier_between_stores "$(with store:32 "$rmb" store:32)"
# The control for the two above: without a barrier the two stores are merged, so those checks can fail.
stores=$(accesses no_barrier_between_stores | grep -c '^store' || true)
if [[ $arch == arm ]]; then
    echo "skip $arch no_barrier_between_stores: GCC does not merge these stores on 32-bit ARM"
elif ((stores == 1)); then
    echo "ok   $arch no_barrier_between_stores: merged into one store"
else
    echo "FAIL $arch no_barrier_between_stores: expected the two stores merged into one, got $stores"
    failures=$((failures + 1))
fi
# Block copies: nine single device accesses of the element's width, whatever the ordinary-memory
# side does.
expect read_block64_9 "$(repeat load:64 9)" device
expect write_block64_9 "$(repeat store:64 9)" device
expect read_block32_9 "$(repeat load:32 9)" device
expect write_block32_9 "$(repeat store:32 9)" device

# The bulk operations' device accesses, as a set: exactly the allowed widths, each present (the
# head and tail use the narrower ones, the middle the widest), none other.
expect_widths() {  # function, expected set ("store:32 store:64"), sorted
    local got
    got=$(accesses "$1" device | awk '{print $1}' | sort -u | tr '\n' ' ' | sed 's/ $//')
    if [[ "$got" == "$2" ]]; then
        echo "ok   $arch $1 (device widths): $got"
    else
        echo "FAIL $arch $1 (device widths): expected '$2', got '$got'"
        accesses "$1" device | sort | uniq -c | sed 's/^/       /'
        failures=$((failures + 1))
    fi
}
for setting in "all:8 16 32 64" "only8:8" "only16:16" "only32:32" "only64:64" "up_to32:8 16 32" "only8_64:8 64"; do
    name=${setting%%:*} widths=${setting#*:}
    loads=$(for w in $widths; do echo "load:$w"; done | sort | tr '\n' ' ' | sed 's/ $//')
    stores=$(for w in $widths; do echo "store:$w"; done | sort | tr '\n' ' ' | sed 's/ $//')
    expect_widths "copy_in_$name" "$stores"
    expect_widths "copy_out_$name" "$loads"
    expect_widths "fill_$name" "$stores"
    expect_widths "compare_$name" "$loads"
done

if ((failures)); then
    echo "$failures function(s) do not compile to single accesses; assembly:"
    cat "$asm"
    exit 1
fi
