#!/bin/sh
# regtool bind / unbind on the virtual board (busybox sh, run by run-system-tests): binding at run
# time without an overlay. QEMU virt has 32 virtio-mmio slots (0xa000000 + n * 0x200); the board
# loads no virtio_mmio.ko, so each is a platform device without a driver. Slots 30 and 31 are the
# overlays' (dts-overlays/vboard-window.dtso, the generated overlay in tools/vboard/vboard); slot 29
# is free. The test binds it, reads its MagicValue through the new UIO device, unbinds it and checks
# the UIO device is gone and the slot is as before; then the errors. Exit status 0 = pass.
set -u
failures=0
slot=a003a00.virtio_mmio
node=/virtio_mmio@a003a00
bus=/sys/bus/platform

pass() { echo "ok: $1"; }
fail() { echo "FAIL: $1"; failures=$((failures + 1)); }

# The slot as the kernel made it: a platform device, no driver, no override.
if [ ! -e "$bus/devices/$slot" ]; then
    fail "no $bus/devices/$slot on this board: $(ls $bus/devices | tr '\n' ' ')"
    echo "bind: $failures failures"
    exit 1
fi
[ ! -e "$bus/devices/$slot/driver" ] && pass "$slot starts unbound" ||
    fail "$slot is bound to $(basename "$(readlink "$bus/devices/$slot/driver")") before the test"
[ "$(cat "$bus/devices/$slot/driver_override")" = "(null)" ] && pass "no override at the start" ||
    fail "driver_override at the start: $(cat "$bus/devices/$slot/driver_override")"
before=$(ls /sys/class/uio | tr '\n' ' ')

# bind: the new UIO device, by JSON.
out=$(regtool bind "$slot" --timeout 10s --json)
status=$?
uio=$(printf '%s\n' "$out" | sed -n 's/.*"device":{"index":[0-9]*,"device":"\(uio[0-9]*\)".*/\1/p')
if [ $status -eq 0 ] && [ -n "$uio" ]; then pass "bind $slot: $uio"; else fail "bind $slot (status $status): $out"; fi
printf '%s\n' "$out" | grep -q '"previous_driver":null,"previous_override":null' && pass "bind saw no driver and no override" ||
    fail "bind's previous state: $out"

if [ -n "$uio" ]; then
    [ "$(readlink -f "/sys/class/uio/$uio/device")" = "$(readlink -f "$bus/devices/$slot")" ] &&
        pass "/sys/class/uio/$uio/device is the slot" || fail "/sys/class/uio/$uio/device -> $(readlink -f "/sys/class/uio/$uio/device")"
    [ -c "/dev/$uio" ] && pass "/dev/$uio exists" || fail "no /dev/$uio"
    [ "$(basename "$(readlink "$bus/devices/$slot/driver")")" = uio_pdrv_genirq ] && pass "driver is uio_pdrv_genirq" ||
        fail "driver after bind: $(readlink "$bus/devices/$slot/driver")"
    [ "$(cat "$bus/devices/$slot/driver_override")" = uio_pdrv_genirq ] && pass "override is uio_pdrv_genirq" ||
        fail "driver_override after bind: $(cat "$bus/devices/$slot/driver_override")"
    # virtio-mmio's MagicValue "virt", read through the new UIO device's map 0.
    out=$(regtool read "$uio" 0x0 --no-map)
    [ "$out" = "0x0 = 0x74726976" ] && pass "MagicValue through $uio" || fail "MagicValue through $uio: $out"
    out=$(regtool bind "$node")
    case $out in
        "$slot: already bound to uio_pdrv_genirq as $uio "*) pass "bind by DT node: already bound" ;;
        *) fail "bind by DT node when bound: $out" ;;
    esac
fi

# unbind: the UIO device goes, the slot is as it was.
out=$(regtool unbind "$slot" --reprobe --json)
status=$?
[ $status -eq 0 ] && printf '%s\n' "$out" | grep -q "\"removed\":\"$uio\",\"driver_override\":null,\"driver\":null" &&
    pass "unbind $slot" || fail "unbind $slot (status $status): $out"
if [ -n "$uio" ]; then
    [ ! -e "/sys/class/uio/$uio" ] && pass "$uio left /sys/class/uio" || fail "/sys/class/uio/$uio is still there"
    [ ! -e "/dev/$uio" ] && pass "/dev/$uio is gone" || fail "/dev/$uio is still there"
fi
[ ! -e "$bus/devices/$slot/driver" ] && pass "$slot is unbound again" || fail "$slot still has a driver"
[ "$(cat "$bus/devices/$slot/driver_override")" = "(null)" ] && pass "override cleared" ||
    fail "driver_override after unbind: $(cat "$bus/devices/$slot/driver_override")"
[ "$(ls /sys/class/uio | tr '\n' ' ')" = "$before" ] && pass "the other UIO devices are as before" ||
    fail "UIO devices before: $before; after: $(ls /sys/class/uio | tr '\n' ' ')"

# Bind by DT node, then unbind by node.
out=$(regtool bind "$node")
status=$?
[ $status -eq 0 ] && pass "bind by DT node $node" || fail "bind by DT node (status $status): $out"
regtool unbind "$node" >/dev/null && [ ! -e "$bus/devices/$slot/driver" ] && pass "unbind by DT node" ||
    fail "unbind by DT node"

# Errors: no such device (name and node): exit 1 and the cause; nothing else touched.
out=$(regtool bind a00ffff.nothing --json 2>/tmp/bind-err)
status=$?
[ $status -eq 1 ] && printf '%s\n' "$out" | grep -q '"cause":"no_such_device"' && grep -q "no platform device 'a00ffff.nothing'" /tmp/bind-err &&
    pass "bind of no such device: $(cat /tmp/bind-err)" || fail "bind of no such device (status $status): $out $(cat /tmp/bind-err)"
regtool bind /no_such_node@0 2>/tmp/bind-err
status=$?
[ $status -eq 1 ] && grep -q "no platform device has the device-tree node /no_such_node@0" /tmp/bind-err &&
    pass "bind of no such node" || fail "bind of no such node (status $status): $(cat /tmp/bind-err)"
# uio_pdrv_genirq is loaded on the board, so that error cannot happen here (the simulator tests it).
[ -d "$bus/drivers/uio_pdrv_genirq" ] && pass "uio_pdrv_genirq is loaded: a bind finds it" || fail "no $bus/drivers/uio_pdrv_genirq"
# A device bound to another driver is not unbound.
other=""
for d in "$bus"/devices/*; do
    [ -e "$d/driver" ] || continue
    drv=$(basename "$(readlink "$d/driver")")
    [ "$drv" = uio_pdrv_genirq ] && continue
    other=$(basename "$d")
    break
done
if [ -n "$other" ]; then
    out=$(regtool unbind "$other" --json 2>/dev/null)
    status=$?
    [ $status -eq 1 ] && printf '%s\n' "$out" | grep -q '"cause":"other_driver"' &&
        [ "$(basename "$(readlink "$bus/devices/$other/driver")")" = "$drv" ] &&
        pass "unbind of $other (bound to $drv) refused, left bound" || fail "unbind of $other (bound to $drv): status $status $out"
else
    echo "note: no platform device with another driver on this board: the other_driver refusal is tested on the simulator only"
fi

echo "bind: $failures failures"
[ $failures -eq 0 ]
