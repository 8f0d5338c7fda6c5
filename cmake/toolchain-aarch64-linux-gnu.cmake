# CMake toolchain file: cross-build uiokit for aarch64 Linux with Debian's aarch64-linux-gnu-gcc,
# for the virtual board (tools/vboard) or a real arm64 board.
#
# Third-party arm64 libraries (libfdt, libyaml, Boost.Program_options, Catch2) come from a
# sysroot holding Debian's arm64 -dev packages unpacked with dpkg -x (tools/vboard/vboard prepare
# makes one). libc and libstdc++ come from the cross toolchain itself, so the sysroot is searched
# through CMAKE_FIND_ROOT_PATH, not passed as --sysroot.
#
#   UIOKIT_AARCH64_SYSROOT=/path/to/sysroot cmake --preset aarch64   (CMakePresets.json: build/aarch64)
# or name this file and the sysroot yourself:
#   cmake -S . -B build/aarch64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-aarch64-linux-gnu.cmake \
#         -DUIOKIT_AARCH64_SYSROOT=/path/to/sysroot

set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)

if(NOT UIOKIT_AARCH64_SYSROOT AND DEFINED ENV{UIOKIT_AARCH64_SYSROOT})
  set(UIOKIT_AARCH64_SYSROOT "$ENV{UIOKIT_AARCH64_SYSROOT}")
endif()
set(UIOKIT_AARCH64_SYSROOT "${UIOKIT_AARCH64_SYSROOT}" CACHE PATH
    "Directory with Debian arm64 -dev packages unpacked into it (usr/include, usr/lib/aarch64-linux-gnu)")
# try_compile() projects get the same value
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES UIOKIT_AARCH64_SYSROOT)

# Where find_package/find_library/find_path look: the cross toolchain's own root, then the sysroot.
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
if(UIOKIT_AARCH64_SYSROOT)
  list(APPEND CMAKE_FIND_ROOT_PATH "${UIOKIT_AARCH64_SYSROOT}")
endif()
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Third-party libraries are linked statically (the sysroot holds only their .a archives).
set(Boost_USE_STATIC_LIBS ON)
# UIOKIT_STATIC_PROGRAMS=ON (the default) links every program with -static, so that it runs on a
# target with no shared libraries at all (a bare initramfs, a board with another libc). Every
# library a program links must then be static (uiokit_static, not the shared uiokit). OFF: programs
# need the toolchain's libc/libstdc++ (and libuiokit.so if they link it) on the target;
# tools/vboard copies whichever a program needs into the board's initramfs.
set(UIOKIT_STATIC_PROGRAMS ON CACHE BOOL "Link programs with -static")
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES UIOKIT_STATIC_PROGRAMS)
set(CMAKE_EXE_LINKER_FLAGS_INIT "")
if(UIOKIT_STATIC_PROGRAMS)
  set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
endif()

if(UIOKIT_AARCH64_SYSROOT)
  # Also serve code that names a library or header without find_*: -lfdt, <libfdt.h>.
  set(CMAKE_C_STANDARD_INCLUDE_DIRECTORIES "${UIOKIT_AARCH64_SYSROOT}/usr/include")
  set(CMAKE_CXX_STANDARD_INCLUDE_DIRECTORIES "${UIOKIT_AARCH64_SYSROOT}/usr/include")
  string(APPEND CMAKE_EXE_LINKER_FLAGS_INIT " -L${UIOKIT_AARCH64_SYSROOT}/usr/lib/aarch64-linux-gnu")
  string(APPEND CMAKE_SHARED_LINKER_FLAGS_INIT " -L${UIOKIT_AARCH64_SYSROOT}/usr/lib/aarch64-linux-gnu")
  # pkg-config looks only at the arm64 .pc files
  set(ENV{PKG_CONFIG_DIR} "")
  set(ENV{PKG_CONFIG_LIBDIR}
      "${UIOKIT_AARCH64_SYSROOT}/usr/lib/aarch64-linux-gnu/pkgconfig:${UIOKIT_AARCH64_SYSROOT}/usr/share/pkgconfig")
  set(ENV{PKG_CONFIG_SYSROOT_DIR} "${UIOKIT_AARCH64_SYSROOT}")
endif()

# Build-time runs of target programs (e.g. Catch2's catch_discover_tests) and ctest in this build
# tree go through QEMU's user-mode emulator (Debian package qemu-user) when it is installed.
find_program(UIOKIT_QEMU_AARCH64 NAMES qemu-aarch64-static qemu-aarch64)
if(UIOKIT_QEMU_AARCH64)
  # -L: the dynamic loader and libc of dynamically linked programs come from the cross toolchain
  set(CMAKE_CROSSCOMPILING_EMULATOR "${UIOKIT_QEMU_AARCH64};-L;/usr/aarch64-linux-gnu")
endif()
