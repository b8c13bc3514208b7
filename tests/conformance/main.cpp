// The conformance executable: every tests/conformance/*.cpp runs the suite against one store.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
