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

// decider::unexpected is spelled the same on both back-ends, with the error type given or deduced.
TEST_CASE("decider::unexpected makes the error branch with either back-end", "[config]") {
  const decider::expected<int, std::string> given = decider::unexpected<std::string>("refused");
  const decider::expected<int, std::string> deduced = decider::unexpected(std::string("refused"));
  REQUIRE_FALSE(given.has_value());
  REQUIRE_FALSE(deduced.has_value());
  CHECK(given.error() == "refused");
  CHECK(deduced == given);
  const auto returned = []() -> decider::expected<int, std::string> {
    return decider::unexpected(std::string("no"));
  }();
  CHECK(returned.error() == "no");
}
