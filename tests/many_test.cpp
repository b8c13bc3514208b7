#include "decider/many.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "decider/fold.hpp"
#include "support/counter.hpp"
#include "support/tally.hpp"

namespace {
const auto counters = decider::many<std::string>(counter::bounded_counter{});
using many_type = std::remove_const_t<decltype(counters)>;
using cmd = many_type::command_type;
using evt = many_type::event_type;
}  // namespace

TEST_CASE("many<Key> keeps one independent instance per key", "[many]") {
  STATIC_REQUIRE(decider::decider<many_type>);
  const std::vector<evt> history{
      {"a", counter::incremented{5}}, {"b", counter::incremented{1}}, {"a", counter::finished{}}};
  const auto s = decider::fold(counters, history);
  REQUIRE(s.size() == 2);
  CHECK(s.at("a") == counter::state{5, false});
  CHECK(s.at("b") == counter::state{1, true});
  CHECK(counters.instance(s, "never-seen") == counter::state{});
}

TEST_CASE("many<Key> decides on the addressed instance and tags its events with the key", "[many]") {
  // [docs:many]
  auto s = decider::fold(counters, std::vector<evt>{{"a", counter::finished{}}});
  auto on_b = counters.decide(cmd{"b", counter::increment{2}}, s);
  REQUIRE(on_b.has_value());
  CHECK(*on_b == std::vector<evt>{{"b", counter::incremented{2}}});
  auto on_a = counters.decide(cmd{"a", counter::increment{2}}, s);
  REQUIRE_FALSE(on_a.has_value());
  CHECK(on_a.error() == counter::error::already_closed);
  // [/docs:many]
}

TEST_CASE("step results over a map state compare with == (no constexpr requirement on the state)", "[many][step]") {
  const auto once = decider::step(counters, many_type::state_type{}, cmd{"a", counter::increment{1}});
  const auto again = decider::step(counters, many_type::state_type{}, cmd{"a", counter::increment{1}});
  REQUIRE(once.has_value());
  CHECK(*once == *again);
  CHECK(once->state.at("a") == counter::state{1, true});
}

TEST_CASE("many<Key>(d, key_of) addresses instances by the id commands and events carry", "[many]") {
  using tally = tally_support::tally<>;
  using add = tally::add;
  using added = tally::added;
  // [docs:many-key-of]
  const auto tallies = decider::many<std::string>(tally{}, [](const auto& message) { return message.id; });
  // [/docs:many-key-of]
  using tallies_type = std::remove_const_t<decltype(tallies)>;
  STATIC_REQUIRE(decider::decider<tallies_type>);
  STATIC_REQUIRE(std::is_same_v<tallies_type::command_type, add>);
  STATIC_REQUIRE(std::is_same_v<tallies_type::event_type, added>);
  auto r = decider::step(tallies, tallies.initial_state(), add{"x", 2});
  REQUIRE(r.has_value());
  CHECK(r->events == std::vector<added>{{"x", 2}});
  const auto s = decider::fold(tallies, r->state, std::vector<added>{{"y", 5}, {"x", 1}});
  CHECK(s == std::map<std::string, int>{{"x", 3}, {"y", 5}});
  CHECK(tallies.instance(s, "z") == 0);
}
