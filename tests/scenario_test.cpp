#include "decider/testing/scenario.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "decider/make.hpp"
#include "decider/testing/print.hpp"
#include "support/audit.hpp"
#include "support/counter.hpp"

using decider::testing::given;
using decider::testing::scenario_failure;
using namespace counter;

TEST_CASE("given/when/then passes when the decision matches", "[testing]") {
  // [docs:given]
  given(bounded_counter{}, incremented{2}).when(increment{3}).then(incremented{3}).then_state(state{5, true});
  given(bounded_counter{}, incremented{99}).when(increment{2}).then_error(error::would_exceed_limit);
  given(bounded_counter{}).then_state(state{});
  given(audit::log{}, audit::noted{"a"}, finished{}).when(audit::note{"b"}).then_error(audit::log_sealed{});
  // [/docs:given]
}

TEST_CASE("then_nothing accepts a decision without events", "[testing]") {
  const auto idle = decider::make_decider<increment, incremented, int, error>(
      0, [](const increment&, const int&) { return decider::decision<incremented, error>{}; },
      [](int s, const incremented& e) { return s + e.by; });
  given(idle).when(increment{1}).then_nothing();
  CHECK_THROWS_AS(given(bounded_counter{}).when(increment{1}).then_nothing(), scenario_failure);
}

TEST_CASE("a failed expectation prints the history, the command, and both outcomes", "[testing]") {
  try {
    given(bounded_counter{}, incremented{2}, incremented{5}).when(increment{3}).then(incremented{4});
    FAIL("then() should have thrown");
  } catch (const scenario_failure& failure) {
    const std::string message = failure.what();
    CHECK_THAT(message, Catch::Contains("given:    [counter::incremented{2}, counter::incremented{5}]"));
    CHECK_THAT(message, Catch::Contains("when:     counter::increment{3}"));
    CHECK_THAT(message, Catch::Contains("expected: [counter::incremented{4}]"));
    CHECK_THAT(message, Catch::Contains("actual:   [counter::incremented{3}]"));
  }
}

TEST_CASE("then_error fails on acceptance and on another error", "[testing]") {
  CHECK_THROWS_WITH(given(bounded_counter{}).when(increment{1}).then_error(error::already_closed),
                    Catch::Contains("expected a refusal, the command was accepted"));
  CHECK_THROWS_WITH(given(bounded_counter{}, finished{}).when(increment{1}).then_error(error::not_positive),
                    Catch::Contains("actual:   counter::error(1)"));
  CHECK_THROWS_WITH(given(bounded_counter{}, finished{}).when(increment{1}).then(incremented{1}),
                    Catch::Contains("refused with counter::error(1)"));
}

TEST_CASE("views: then_state after the given events", "[testing][view]") {
  const auto total = decider::make_view<event, int>(0, [](int s, const event& e) {
    return std::holds_alternative<incremented>(e) ? s + std::get<incremented>(e).by : s;
  });
  given(total, incremented{1}, finished{}, incremented{2}).then_state(3);
  CHECK_THROWS_WITH(given(total, incremented{1}).then_state(2), Catch::Contains("actual:   1"));
}

TEST_CASE("processes: when(event).then(commands)", "[testing][process]") {
  // [docs:given-process]
  const auto closer = decider::make_process<event, command>([](const event& e) {
    return std::holds_alternative<incremented>(e) && std::get<incremented>(e).by > 10 ? std::vector<command>{finish{}}
                                                                                      : std::vector<command>{};
  });
  given(closer).when(incremented{11}).then(finish{});
  given(closer).when(incremented{1}).then();
  CHECK_THROWS_AS(given(closer).when(incremented{1}).then(finish{}), scenario_failure);
  // [/docs:given-process]
}
