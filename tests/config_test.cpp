#include "decider/config.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <type_traits>

// The build states which back-end this configuration must use (GCC 12 with C++23: std::expected;
// otherwise tl::expected), so a config header that silently picked the other one fails here.
TEST_CASE("the configuration uses the expected back-end it is built for", "[config]") {
  CHECK(std::string(decider::expected_backend) == DECIDER_TEST_EXPECTED_BACKEND);
#if DECIDER_STD_EXPECTED
  STATIC_REQUIRE(std::is_same_v<decider::expected<int, char>, std::expected<int, char>>);
#else
  STATIC_REQUIRE(std::is_same_v<decider::expected<int, char>, tl::expected<int, char>>);
#endif
}
