# Installs headers, the static and shared libraries, the simulator, a CMake package
# (find_package(uiokit CONFIG) -> uiokit::uiokit, uiokit::uiokit_static, uiokit::sim) and uiokit.pc,
# and the regmap component (find_package(uiokit COMPONENTS regmap) -> uiokit::regmap,
# uiokit::regmap-gen, uiokit::pl031_registers and uiokit_add_register_header()).
include(CMakePackageConfigHelpers)

install(TARGETS uiokit uiokit_static uiokit_sim EXPORT uiokitTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/uiokit DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.hpp")
install(FILES ${PROJECT_BINARY_DIR}/include/uiokit/version.hpp DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/uiokit)

set(UIOKIT_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/uiokit)
install(EXPORT uiokitTargets NAMESPACE uiokit:: DESTINATION ${UIOKIT_CMAKE_DIR})

# The regmap component, its own export set: the library (headers in include/uiokit/regmap, installed
# above), the generator, and the generated headers of the shipped maps with their targets.
install(TARGETS uiokit_regmap uiokit-regmap-gen EXPORT uiokitRegmapTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
if(TARGET uiokit_pl031_registers)  # not in a cross build without an emulator to run the generator
  install(TARGETS uiokit_pl031_registers EXPORT uiokitRegmapTargets)
  install(FILES ${PROJECT_BINARY_DIR}/src/regmap/uiokit_pl031_registers-include/uiokit/regmaps/pl031.hpp
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/uiokit/regmaps)
endif()
install(EXPORT uiokitRegmapTargets NAMESPACE uiokit:: DESTINATION ${UIOKIT_CMAKE_DIR})
install(FILES ${PROJECT_SOURCE_DIR}/cmake/UiokitRegisterHeader.cmake DESTINATION ${UIOKIT_CMAKE_DIR})

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/uiokitConfig.cmake.in
  ${PROJECT_BINARY_DIR}/uiokitConfig.cmake INSTALL_DESTINATION ${UIOKIT_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/uiokitConfigVersion.cmake COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/uiokitConfig.cmake ${PROJECT_BINARY_DIR}/uiokitConfigVersion.cmake
  DESTINATION ${UIOKIT_CMAKE_DIR})

# pkg-config: the prefix is found from the .pc file's own place, so `cmake --install --prefix X`
# gives a working file for any X.
file(RELATIVE_PATH UIOKIT_PC_TO_PREFIX "${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig" "${CMAKE_INSTALL_PREFIX}")
string(REGEX REPLACE "/$" "" UIOKIT_PC_TO_PREFIX "${UIOKIT_PC_TO_PREFIX}")
configure_file(${PROJECT_SOURCE_DIR}/cmake/uiokit.pc.in ${PROJECT_BINARY_DIR}/uiokit.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/uiokit.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
