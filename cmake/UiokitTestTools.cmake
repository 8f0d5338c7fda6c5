# Tests that depend on a tool (or a package, or an option) must not vanish silently when it is
# missing. uiokit_test_needs() is called where such a test is left out:
#   - with UIOKIT_REQUIRE_ALL_TESTS (the ci preset), configuring fails, naming the tool and the
#     Debian package that provides it;
#   - otherwise a warning says which tests are not registered and how to get them.
# A summary of everything left out is printed at the end of configuring (uiokit_test_skips_summary).
#   uiokit_test_needs(TESTS "codegen.arm" TOOL arm-linux-gnueabihf-g++ PACKAGE g++-arm-linux-gnueabihf)
#   uiokit_test_needs(TESTS "..." OPTION UIOKIT_BUILD_OVERLAYS)   # an option that is OFF
option(UIOKIT_REQUIRE_ALL_TESTS
       "Every test must be registered: a missing test tool is a configure error (set by the ci preset)" OFF)

function(uiokit_test_needs)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "TESTS;TOOL;PACKAGE;OPTION" "")
  if(DEFINED arg_OPTION)
    set(why "${arg_OPTION} is OFF")
    set(fix "configure with -D${arg_OPTION}=ON")
  else()
    set(why "${arg_TOOL} not found")
    set(fix "Debian package: ${arg_PACKAGE}")
  endif()
  if(UIOKIT_REQUIRE_ALL_TESTS)
    message(FATAL_ERROR "UIOKIT_REQUIRE_ALL_TESTS: ${arg_TESTS} cannot be registered: ${why} (${fix})")
  endif()
  message(WARNING "${arg_TESTS}: not registered, ${why} (${fix})")
  set_property(GLOBAL APPEND PROPERTY UIOKIT_SKIPPED_TESTS "${arg_TESTS}: ${why}, ${fix}")
endfunction()

function(uiokit_test_skips_summary)
  get_property(skipped GLOBAL PROPERTY UIOKIT_SKIPPED_TESTS)
  if(skipped)
    list(LENGTH skipped count)
    string(REPLACE ";" "\n     " lines "${skipped}")
    message(STATUS "Tests not registered (${count}):\n     ${lines}")
  endif()
endfunction()
