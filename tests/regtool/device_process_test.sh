#!/bin/sh
# Out-of-process regtool tests on a simulated device: what the real process takes from its
# environment and the file system. UIOKIT_SYSFS_CLASS_DIR and UIOKIT_DEV_DIR and their hidden
# options (which win), UIOKIT_REGMAP_PATH and the maps installed beside the binary, and device
# nodes given by a /dev/uio/by-name symlink.
# Run under regtool_sim_device, which keeps uio0 'pl031' (DR = 0x6553f100) and uio1 'widget'
# (0x12345678 at 0x10) alive in $UIOKIT_SIM_ROOT:
#   regtool_sim_device sh device_process_test.sh REGTOOL CONFIGURED_MAP_DIR BINDIR MAPDIR
# (BINDIR and MAPDIR: the install layout relative to the prefix, e.g. bin and share/uiokit/regmaps.)
set -u
regtool=$1 configured_maps=$2 bindir=$3 mapdir=$4
failures=0
work=$(mktemp -d /tmp/regtool-device-XXXXXX)
trap 'rm -rf "$work"' EXIT

class=$UIOKIT_SIM_ROOT/sys/class/uio dev=$UIOKIT_SIM_ROOT/dev
# Only what each test sets: the caller's environment must not choose the devices or the maps.
unset UIOKIT_SYSFS_CLASS_DIR UIOKIT_DEV_DIR UIOKIT_REGMAP_PATH

. "$(dirname "$0")/process_checks.sh"

json_is() {  # json_is PYTHON-EXPRESSION VALUE DESCRIPTION: j = the last command's stdout, parsed
    got=$(python3 -c 'import json, sys; j = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
        "$work/out" "$1" 2>&1 | tail -n 1)  # on error, the exception
    [ "$got" = "$2" ] || fail "$3: $1 is '$got', expected '$2'"
}

# --- UIOKIT_SYSFS_CLASS_DIR, UIOKIT_DEV_DIR ----------------------------------------------------
expect 0 "environment: device found and read" \
    env UIOKIT_SYSFS_CLASS_DIR="$class" UIOKIT_DEV_DIR="$dev" "$regtool" read pl031 DR
expect_output "DR (0x0) = 0x6553f100" "environment: the simulated register's value"
expect 0 "environment: list --json" \
    env UIOKIT_SYSFS_CLASS_DIR="$class" UIOKIT_DEV_DIR="$dev" "$regtool" list --json
json_is 'j["class_dir"]' "$class" "list: the class directory from the environment"
json_is '[d["name"] for d in j["devices"]]' "['pl031', 'widget']" "list: the simulated devices"
json_is 'j["devices"][0]["dev_node"]' "$dev/uio0" "list: the device node in UIOKIT_DEV_DIR"
# Each variable alone decides: a directory that does not exist is the one the error names.
expect 1 "UIOKIT_SYSFS_CLASS_DIR missing" \
    env UIOKIT_SYSFS_CLASS_DIR="$work/no-class" UIOKIT_DEV_DIR="$dev" "$regtool" read pl031 DR
expect_error "there are no UIO devices under $work/no-class" "missing class directory named"
expect 1 "UIOKIT_DEV_DIR missing" \
    env UIOKIT_SYSFS_CLASS_DIR="$class" UIOKIT_DEV_DIR="$work/no-dev" "$regtool" read pl031 DR
expect_error "open $work/no-dev/uio0 ('pl031'): No such file or directory" "missing device directory named"

expect 0 "options: device found and read" \
    "$regtool" read pl031 0x0 --sysfs-class-dir "$class" --dev-dir "$dev"
expect_output "0x0 = 0x6553f100" "options: the simulated register's value"
expect 1 "--sysfs-class-dir missing" "$regtool" read pl031 DR --sysfs-class-dir "$work/no-class" --dev-dir "$dev"
expect_error "there are no UIO devices under $work/no-class" "missing --sysfs-class-dir named"
expect 1 "--dev-dir missing" "$regtool" read pl031 DR --sysfs-class-dir "$class" --dev-dir "$work/no-dev"
expect_error "open $work/no-dev/uio0" "missing --dev-dir named"

# The options win over the variables (docs/regtool.md), both ways round.
expect 0 "options over a wrong environment" \
    env UIOKIT_SYSFS_CLASS_DIR="$work/no-class" UIOKIT_DEV_DIR="$work/no-dev" \
    "$regtool" read widget 0x10 --sysfs-class-dir "$class" --dev-dir "$dev"
expect_output "0x10 = 0x12345678" "options over the environment: value"
expect 1 "a wrong --sysfs-class-dir over the environment" \
    env UIOKIT_SYSFS_CLASS_DIR="$class" UIOKIT_DEV_DIR="$dev" "$regtool" read widget 0x10 --sysfs-class-dir "$work/no-class"
expect_error "under $work/no-class" "--sysfs-class-dir over the environment"
expect 1 "a wrong --dev-dir over the environment" \
    env UIOKIT_SYSFS_CLASS_DIR="$class" UIOKIT_DEV_DIR="$dev" "$regtool" read widget 0x10 --dev-dir "$work/no-dev"
expect_error "open $work/no-dev/uio1" "--dev-dir over the environment"

# From here on the environment selects the simulated devices.
export UIOKIT_SYSFS_CLASS_DIR="$class" UIOKIT_DEV_DIR="$dev"

# --- /dev/uio/by-name symlinks (the udev rule's, relative) and other links to the node ----------
mkdir -p "$dev/uio/by-name"
ln -s ../../uio0 "$dev/uio/by-name/rtc"
ln -s "$dev/uio1" "$work/widget-link"
ln -s ../../uio7 "$dev/uio/by-name/gone"
expect 0 "by-name symlink" "$regtool" read "$dev/uio/by-name/rtc" DR CR.START
expect_output "DR (0x0) = 0x6553f100
CR.START (0xc[0]) = 0x1" "by-name symlink: the device's registers and its map"
expect 0 "absolute symlink elsewhere" "$regtool" read "$work/widget-link" 0x10 --json
json_is 'j["target"]["device"], j["values"][0]["value"]' "('uio1', 305419896)" "absolute symlink: uio1's value"
expect 1 "dangling by-name symlink" "$regtool" read "$dev/uio/by-name/gone" DR
expect_error "no UIO device with device node $dev/uio/by-name/gone ($dev/uio/by-name/gone: No such file or directory)" \
    "dangling symlink named with the reason"
touch "$work/image"
ln -s "$work/image" "$work/image-link"
expect 1 "symlink to a file that is no uioN node" "$regtool" read "$work/image-link" 0x0
expect_error "$work/image is not a uioN node" "symlink to a non-node named"

# --- UIOKIT_REGMAP_PATH ------------------------------------------------------------------------
mkdir "$work/maps1" "$work/maps2"
printf 'format: 1\nname: first\nregisters:\n  - {name: FIRST, offset: 0x10}\n' >"$work/maps1/widget.yaml"
printf 'format: 1\nname: second\nregisters:\n  - {name: SECOND, offset: 0x10}\n' >"$work/maps2/widget.yaml"
printf 'format: 1\nname: path_pl031\nregisters:\n  - {name: PATHDR, offset: 0}\n' >"$work/maps2/pl031.yaml"

expect 2 "no map without UIOKIT_REGMAP_PATH" "$regtool" read widget FIRST
# The message lists widget.yaml once (the map's and the device's names give the same file) and
# the installed directory it looked in.
expect_error "(looked for widget.yaml in \$UIOKIT_REGMAP_PATH, $configured_maps and the built-in maps)" \
    "no map: what was looked for, and where"
expect 0 "a map found by name on UIOKIT_REGMAP_PATH" env UIOKIT_REGMAP_PATH="$work/maps2" "$regtool" read widget SECOND
expect_output "SECOND (0x10) = 0x12345678" "UIOKIT_REGMAP_PATH: the map's register"
# The earlier directory wins; empty entries and missing directories are passed over.
expect 0 "first directory wins" env UIOKIT_REGMAP_PATH="$work/maps1:$work/maps2" "$regtool" info widget --json
json_is 'j["regmap"]["name"], j["regmap"]["source"]' "('first', '$work/maps1/widget.yaml')" "first directory's map"
expect 2 "the later directory's map is not used" env UIOKIT_REGMAP_PATH="$work/maps1:$work/maps2" "$regtool" read widget SECOND
expect_error "no register 'SECOND' in map first" "the later map is not loaded"
expect 0 "order reversed" env UIOKIT_REGMAP_PATH="$work/no-such-dir::$work/maps2:$work/maps1" "$regtool" read widget SECOND
expect_output "SECOND (0x10) = 0x12345678" "reversed order: the other map"
# Before the installed and built-in maps: pl031.yaml on the path replaces the shipped one.
expect 0 "without the path: the shipped pl031 map" "$regtool" info pl031 --json
if [ -f "$configured_maps/pl031.yaml" ]; then
    json_is 'j["regmap"]["source"]' "$configured_maps/pl031.yaml" "the installed pl031 map (before the built-in)"
else
    json_is 'j["regmap"]["source"]' "built-in:pl031.yaml" "the built-in pl031 map"
fi
expect 0 "UIOKIT_REGMAP_PATH over the shipped map" env UIOKIT_REGMAP_PATH="$work/maps2" "$regtool" read pl031 PATHDR
expect_output "PATHDR (0x0) = 0x6553f100" "the path's pl031 map"
expect 2 "the shipped map is not used" env UIOKIT_REGMAP_PATH="$work/maps2" "$regtool" read pl031 DR
expect_error "no register 'DR' in map path_pl031" "the shipped map is not loaded"

# --- <prefix>/share/uiokit/regmaps beside <prefix>/bin/regtool ---------------------------------
# A copy of the binary in a prefix of its own (a copy: /proc/self/exe resolves symlinks) finds the
# maps installed beside it, after UIOKIT_REGMAP_PATH and before the built-in ones.
prefix=$work/prefix
mkdir -p "$prefix/$bindir" "$prefix/$mapdir"
cp "$regtool" "$prefix/$bindir/regtool"
installed=$(cd "$prefix/$mapdir" && pwd)
printf 'format: 1\nname: installed_widget\nregisters:\n  - {name: INST, offset: 0x10}\n' >"$installed/widget.yaml"
printf 'format: 1\nname: installed_pl031\nregisters:\n  - {name: INSTDR, offset: 0}\n' >"$installed/pl031.yaml"
expect 0 "installed map found by name" "$prefix/$bindir/regtool" read widget INST --json
json_is 'j["regmap"]["source"], j["values"][0]["value"]' "('$installed/widget.yaml', 305419896)" \
    "the installed widget map and its register"
expect 0 "installed map before the built-in one" "$prefix/$bindir/regtool" read pl031 INSTDR
expect_output "INSTDR (0x0) = 0x6553f100" "the installed pl031 map"
expect 0 "UIOKIT_REGMAP_PATH before the installed maps" \
    env UIOKIT_REGMAP_PATH="$work/maps2" "$prefix/$bindir/regtool" info widget --json
json_is 'j["regmap"]["source"]' "$work/maps2/widget.yaml" "the path's map, not the installed one"
rm "$installed/widget.yaml"
expect 2 "no installed map" "$prefix/$bindir/regtool" read widget INST
expect_error "in \$UIOKIT_REGMAP_PATH, $installed and the built-in maps" "no map: the installed directory named"

echo "$failures failure(s)"
[ "$failures" -eq 0 ]
