# libfdt (Debian: libfdt-dev), looked up once for every target that uses it: the library
# (devicetree.cpp), uiokit-dtogen, and regtool's fully static link.
#
# libfdt has no pkg-config file or CMake package. uiokit::libfdt is its headers and -lfdt, by name
# (with the directory it was found in): programs linked with -static (the aarch64 toolchain file,
# UIOKIT_REGTOOL_STATIC_DEPS) then get libfdt.a, the others libfdt.so; the sysroot of a cross build
# may hold only libfdt.a. It is a build-only target: targets installed for other projects link
# $<BUILD_INTERFACE:uiokit::libfdt> and say -lfdt to them ($<INSTALL_INTERFACE:fdt>).
find_path(UIOKIT_LIBFDT_INCLUDE_DIR libfdt.h REQUIRED)
find_library(UIOKIT_LIBFDT_LIBRARY fdt REQUIRED)
get_filename_component(UIOKIT_LIBFDT_LIBRARY_DIR "${UIOKIT_LIBFDT_LIBRARY}" DIRECTORY)
# A fully static program needs the archive.
if(EXISTS "${UIOKIT_LIBFDT_LIBRARY_DIR}/libfdt.a")
  set(UIOKIT_LIBFDT_HAS_STATIC ON)
else()
  set(UIOKIT_LIBFDT_HAS_STATIC OFF)
endif()

add_library(uiokit::libfdt INTERFACE IMPORTED)
set_target_properties(uiokit::libfdt PROPERTIES
  INTERFACE_INCLUDE_DIRECTORIES "${UIOKIT_LIBFDT_INCLUDE_DIR}"
  INTERFACE_LINK_DIRECTORIES "${UIOKIT_LIBFDT_LIBRARY_DIR}"
  INTERFACE_LINK_LIBRARIES fdt)
