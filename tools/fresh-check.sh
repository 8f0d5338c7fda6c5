#!/usr/bin/env bash
# The clean-root check: do the README's quick-start commands work on a fresh Debian 12 machine?
#
# For each command named (default: demo test), in this order:
#   1. a minimal Debian 12 root (mmdebstrap --variant=minbase, Debian's mirror), extracted anew from
#      a cached tarball of the bare base system (never cached with anything installed);
#   2. a clean clone of the committed tree (HEAD) copied into it, as /root/uiokit;
#   3. the command run there as root, in a chroot with /proc, /sys and /dev mounted, with a minimal
#      environment: everything it needs beyond the base system must come from the project's own
#      package list (tools/debian-packages.txt), so a missing package fails here and not on a
#      user's machine;
#   4. its wall time, what it received over the network, and its result; with --warm, the same
#      command once more in the same root (the warm time).
# Each command gets a root of its own, so every cold time is a first run on a fresh machine.
#
#   tools/fresh-check.sh [options] [demo|test]...
#     --warm[=NAMES]   run each command (or those in the comma-separated NAMES) a second time in
#                      its root and report that time too
#     --keep           keep the roots (default: removed after each command)
#     --refresh-base   build the base tarball anew even if a cached one exists
#
# Needs root and mmdebstrap (installed with apt-get when missing).
# Environment:
#   UIOKIT_FRESH_CACHE   where the base tarball is kept (default ${XDG_CACHE_HOME:-$HOME/.cache}/uiokit/fresh-root)
#   UIOKIT_FRESH_WORK    where the roots are made (default /var/tmp/uiokit-fresh-check)
#   UIOKIT_FRESH_MIRROR  Debian mirror (default http://deb.debian.org/debian)
#   UIOKIT_FRESH_MAX_AGE_DAYS  rebuild a base tarball older than this (default 14)
# CI and UIOKIT_* variables (other than these) are passed into the chroot; nothing else is.
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE_DIR=${UIOKIT_FRESH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/uiokit/fresh-root}
WORK_DIR=${UIOKIT_FRESH_WORK:-/var/tmp/uiokit-fresh-check}
MIRROR=${UIOKIT_FRESH_MIRROR:-http://deb.debian.org/debian}
MAX_AGE_DAYS=${UIOKIT_FRESH_MAX_AGE_DAYS:-14}
SUITE=bookworm
BASE_TAR=$CACHE_DIR/$SUITE-minbase.tar

declare -A COMMANDS=([demo]=tools/demo.sh [test]=tools/test.sh)

log() { printf '[fresh-check %4ds] %s\n' "$SECONDS" "$*" >&2; }
die() { printf '[fresh-check] error: %s\n' "$*" >&2; exit 1; }

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//'; }

warm="" keep=false refresh=false
names=()
while (($#)); do
    case $1 in
        --warm) warm=all ;;
        --warm=*) warm=",${1#--warm=}," ;;
        --keep) keep=true ;;
        --refresh-base) refresh=true ;;
        -h|--help) usage; exit 0 ;;
        -*) die "unknown option '$1' (try --help)" ;;
        *) [[ -n ${COMMANDS[$1]:-} ]] || die "unknown command '$1': give demo or test"
           names+=("$1") ;;
    esac
    shift
done
((${#names[@]})) || names=(demo test)

[[ $(id -u) -eq 0 ]] || die "needs root (chroot and mounts)"
[[ $(uname -s) == Linux ]] || die "needs Linux"

# ---------------------------------------------------------------------------------------------
# the base system, cached bare

ensure_mmdebstrap() {
    command -v mmdebstrap >/dev/null && return
    log "installing mmdebstrap"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends mmdebstrap >/dev/null
}

ensure_base() {
    mkdir -p "$CACHE_DIR"
    if ! $refresh && [[ -f $BASE_TAR ]] && [[ -z $(find "$BASE_TAR" -mtime "+$MAX_AGE_DAYS") ]]; then
        log "base system: $BASE_TAR (cached $(date -r "$BASE_TAR" +%F))"
        return
    fi
    ensure_mmdebstrap
    log "base system: mmdebstrap --variant=minbase $SUITE from $MIRROR"
    # A fresh machine's sources: the release, its updates and its security updates.
    mmdebstrap --quiet --mode=root --variant=minbase --format=tar "$SUITE" "$BASE_TAR.tmp" \
        "deb $MIRROR $SUITE main" \
        "deb $MIRROR $SUITE-updates main" \
        "deb ${MIRROR%/debian}/debian-security $SUITE-security main" ||
        { rm -f "$BASE_TAR.tmp"; die "mmdebstrap failed"; }
    mv "$BASE_TAR.tmp" "$BASE_TAR"
    log "base system: $(du -h "$BASE_TAR" | cut -f1) in $BASE_TAR"
}

# ---------------------------------------------------------------------------------------------
# a root: made, mounted, unmounted and removed; the EXIT trap cleans up whatever is left

ROOT=""

mounts_under() {   # the mount points at or below $1, deepest first
    findmnt -rn -o TARGET | awk -v r="$1" '$0 == r || index($0, r "/") == 1' | sort -r
}

unmount_root() {
    [[ -n $ROOT && -d $ROOT ]] || return 0
    local m
    while IFS= read -r m; do
        umount -R "$m" 2>/dev/null || umount -R -l "$m" 2>/dev/null || true
    done < <(mounts_under "$ROOT")
    [[ -z $(mounts_under "$ROOT") ]] || { log "still mounted under $ROOT: $(mounts_under "$ROOT" | tr '\n' ' ')"; return 1; }
}

remove_root() {
    [[ -n $ROOT && -d $ROOT ]] || return 0
    # never delete through a mount: /dev, /sys and /proc are the host's
    unmount_root || die "cannot unmount everything under $ROOT: left in place"
    rm -rf --one-file-system "$ROOT"
}

cleanup() {
    local status=$?
    if $keep; then unmount_root || true; else remove_root || true; fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

make_root() {   # make_root NAME: a fresh root with the clean clone in it; sets ROOT
    ROOT=$WORK_DIR/$1
    remove_root
    mkdir -p "$ROOT"
    tar -xf "$BASE_TAR" -C "$ROOT"
    # name resolution as on the host (a fresh machine has its own resolver)
    cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf"
    # The committed tree only: a clone of HEAD, no build directories, no uncommitted changes.
    git -c advice.detachedHead=false clone --quiet --no-hardlinks "$REPO_ROOT" "$ROOT/root/uiokit"
    git -C "$ROOT/root/uiokit" checkout --quiet --detach "$(git -C "$REPO_ROOT" rev-parse HEAD)"
    mount -t proc proc "$ROOT/proc"
    mount --rbind /sys "$ROOT/sys"
    mount --make-rslave "$ROOT/sys"
    mount --rbind /dev "$ROOT/dev"
    mount --make-rslave "$ROOT/dev"
}

# ---------------------------------------------------------------------------------------------
# running a command in the root

rx_bytes() {   # bytes received on every interface but loopback
    local total=0 f
    for f in /sys/class/net/*/statistics/rx_bytes; do
        [[ $f == */lo/* ]] && continue
        total=$((total + $(cat "$f")))
    done
    echo "$total"
}

chroot_env() {
    local env=(HOME=/root USER=root LOGNAME=root LANG=C.UTF-8 TERM=dumb
               PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
    [[ -n ${CI:-} ]] && env+=("CI=$CI")
    local v
    while IFS= read -r v; do
        case $v in UIOKIT_FRESH_*) ;; *) env+=("$v=${!v}") ;; esac
    done < <(compgen -e | grep '^UIOKIT_' || true)
    printf '%s\0' "${env[@]}"
}

RESULTS=()
PASSED=0
FAILED=0

run_in_root() {   # run_in_root NAME LABEL
    local name=$1 label=$2 command=${COMMANDS[$1]} env log status t0 t1 rx0 rx1
    mapfile -d '' -t env < <(chroot_env)
    log="$WORK_DIR/$name-$label.log"
    log "$command ($label): running in $ROOT (log: $log)"
    rx0=$(rx_bytes)
    t0=$(date +%s)
    set +e
    chroot "$ROOT" /usr/bin/env -i "${env[@]}" /bin/bash -c "cd /root/uiokit && exec $command" \
        </dev/null 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}
    set -e
    t1=$(date +%s)
    rx1=$(rx_bytes)
    local result=PASS
    if ((status == 0)); then PASSED=$((PASSED + 1)); else result="FAIL (exit $status)"; FAILED=$((FAILED + 1)); fi
    local secs=$((t1 - t0))
    RESULTS+=("$(printf '%-14s %-5s %-16s %3dm%02ds  %5d MB received' "$command" "$label" "$result" \
        $((secs / 60)) $((secs % 60)) $(((rx1 - rx0) / 1000000)))")
    log "$command ($label): $result in ${secs}s"
    return "$status"
}

ensure_base
mkdir -p "$WORK_DIR"
log "tree: $(git -C "$REPO_ROOT" rev-parse --short HEAD) ($(git -C "$REPO_ROOT" log -1 --format=%s | cut -c1-60))"
if [[ -n $(git -C "$REPO_ROOT" status --porcelain --untracked-files=no) ]]; then
    log "note: the work tree has uncommitted changes; only the committed tree is checked"
fi
for name in "${names[@]}"; do
    make_root "$name"
    if run_in_root "$name" cold && [[ $warm == all || $warm == *",$name,"* ]]; then
        run_in_root "$name" warm || true
    fi
    if $keep; then unmount_root; else remove_root; fi
    ROOT=""
done

echo
echo "clean-root check: Debian 12 ($SUITE, minbase), $(nproc) cores, tree $(git -C "$REPO_ROOT" rev-parse --short HEAD)"
printf '  %s\n' "${RESULTS[@]}"
echo "fresh-check: $PASSED passed, $FAILED failed"
((FAILED == 0))
