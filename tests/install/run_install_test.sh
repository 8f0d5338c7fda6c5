#!/usr/bin/env bash
# Installs the build into a temporary prefix, then builds and runs a consumer with
# find_package(uiokit CONFIG) (shared and static) and with pkg-config.
# usage: run_install_test.sh BUILD_DIR CXX
set -euo pipefail
build=$1 cxx=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

cmake --install "$build" --prefix "$prefix" > "$work/install.log"
test -f "$prefix/include/uiokit/uiokit.hpp"
ls "$prefix"/lib*/libuiokit.a "$prefix"/lib*/libuiokit.so > /dev/null

echo "== find_package(uiokit CONFIG)"
cmake -S "$here/consumer" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_CXX_COMPILER="$cxx" > "$work/configure.log"
cmake --build "$work/consumer" > "$work/build.log"
"$work/consumer/consumer_shared"
"$work/consumer/consumer_static"
if ldd "$work/consumer/consumer_static" | grep -q libuiokit; then
    echo "consumer_static is linked against the shared libuiokit"; exit 1
fi

echo "== pkg-config uiokit"
pc_dir=$(dirname "$(find "$prefix" -name uiokit.pc)")
export PKG_CONFIG_PATH=$pc_dir
libdir=$(pkg-config --variable=libdir uiokit)
"$cxx" -std=c++20 -o "$work/consumer_pc" "$here/consumer/main.cpp" $(pkg-config --cflags --libs uiokit) -Wl,-rpath,"$libdir"
"$work/consumer_pc"
# Libs.private's -l libraries (-lfdt) too; -luiokit itself is the libuiokit.a given by path.
private_libs=$(pkg-config --libs-only-l --static uiokit | sed 's/-luiokit\b//')
"$cxx" -std=c++20 -static-libstdc++ -o "$work/consumer_pc_static" "$here/consumer/main.cpp" \
    $(pkg-config --cflags uiokit) "$libdir/libuiokit.a" $(pkg-config --libs-only-other --static uiokit) $private_libs
"$work/consumer_pc_static"
echo "install test passed"
