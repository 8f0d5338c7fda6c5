# uiokit_add_register_header(TARGET MAP file HEADER path NAMESPACE ns)
# An INTERFACE library TARGET whose include directory holds HEADER (a path like
# uiokit/regmaps/pl031.hpp), generated from MAP at build time by uiokit::regmap-gen, and regenerated
# when MAP changes. It links uiokit::uiokit_static, which the typed registers need.
#
# The same file serves the build tree (uiokit::regmap-gen is the generator built there) and an
# installed package (find_package(uiokit COMPONENTS regmap) includes it after importing
# uiokit::regmap-gen, the installed generator). In a cross build the generator runs through
# CMAKE_CROSSCOMPILING_EMULATOR (qemu-user); without one the target is not created.
function(uiokit_add_register_header target)
  cmake_parse_arguments(ARG "" "MAP;HEADER;NAMESPACE" "" ${ARGN})
  foreach(required IN ITEMS MAP HEADER NAMESPACE)
    if(NOT ARG_${required})
      message(FATAL_ERROR "uiokit_add_register_header(${target}): ${required} is missing")
    endif()
  endforeach()
  if(NOT TARGET uiokit::regmap-gen)
    message(FATAL_ERROR "uiokit_add_register_header(${target}): no uiokit::regmap-gen; "
                        "find_package(uiokit COMPONENTS regmap) provides it")
  endif()
  if(CMAKE_CROSSCOMPILING AND NOT CMAKE_CROSSCOMPILING_EMULATOR)
    message(STATUS "${target}: not generated (cross build without an emulator to run uiokit-regmap-gen)")
    return()
  endif()
  get_filename_component(map ${ARG_MAP} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
  set(include_dir ${CMAKE_CURRENT_BINARY_DIR}/${target}-include)
  set(header ${include_dir}/${ARG_HEADER})
  get_filename_component(header_dir ${header} DIRECTORY)
  file(MAKE_DIRECTORY ${header_dir})
  add_custom_command(OUTPUT ${header}
    COMMAND uiokit::regmap-gen --namespace ${ARG_NAMESPACE} --output ${header} ${map}
    DEPENDS uiokit::regmap-gen ${map}
    COMMENT "Generating ${ARG_HEADER} from ${ARG_MAP}"
    VERBATIM)
  add_custom_target(${target}_generate DEPENDS ${header})
  add_library(${target} INTERFACE)
  add_dependencies(${target} ${target}_generate)
  # BUILD_INTERFACE: a generated header target may itself be installed (uiokit::pl031_registers).
  target_include_directories(${target} INTERFACE $<BUILD_INTERFACE:${include_dir}>)
  target_link_libraries(${target} INTERFACE uiokit::uiokit_static)
endfunction()
