// The guest-side system test program (runs on the virtual board, see tools/vboard).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
