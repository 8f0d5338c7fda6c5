// The one Catch2 main of every host test program: linked from uiokit_test_support, so each program
// compiles only its test cases and Catch's runner is built once.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
