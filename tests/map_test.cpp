#include "decider/map.hpp"

#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "decider/fold.hpp"
#include "support/counter.hpp"

namespace {
struct add_one {};
struct wire_event {
  std::string name;
  int amount = 0;
  friend bool operator==(const wire_event&, const wire_event&) = default;
};
std::optional<counter::event> from_wire(const wire_event& w) {
  if (w.name == "incremented") return counter::event{counter::incremented{w.amount}};
  if (w.name == "finished") return counter::event{counter::finished{}};
  return std::nullopt;
}
wire_event to_wire(const counter::event& e) {
  return std::visit(decider::overloaded{[](const counter::incremented& i) {
                                          return wire_event{"incremented", i.by};
                                        },
                                        [](const counter::finished&) {
                                          return wire_event{"finished", 0};
                                        }},
                    e);
}
}  // namespace

TEST_CASE("map_command decides a new command type through the inner decider", "[map]") {
  const auto d = decider::map_command<add_one>(counter::bounded_counter{},
                                               [](const add_one&) { return counter::command{counter::increment{1}}; });
  STATIC_REQUIRE(decider::decider<decltype(d)>);
  STATIC_REQUIRE(decider::has_terminal<decltype(d)>);
  auto r = decider::step(d, d.initial_state(), add_one{});
  REQUIRE(r.has_value());
  CHECK(r->state == counter::state{1, true});
}

TEST_CASE("map_event publishes another event type and skips events it cannot map back", "[map]") {
  // [docs:map-event]
  const auto d = decider::map_event(counter::bounded_counter{}, to_wire, from_wire);
  STATIC_REQUIRE(std::is_same_v<decltype(d)::event_type, wire_event>);
  STATIC_REQUIRE(decider::decider<decltype(d)>);
  auto r = d.decide(counter::increment{4}, d.initial_state());
  REQUIRE(r.has_value());
  CHECK(*r == std::vector<wire_event>{{"incremented", 4}});
  const std::vector<wire_event> history{{"incremented", 4}, {"unknown", 9}, {"incremented", 1}};
  CHECK(decider::fold(d, history) == counter::state{5, true});
  // [/docs:map-event]
}

TEST_CASE("map_state keeps the state as another type", "[map]") {
  // [docs:map-state]
  const auto d = decider::map_state(
      counter::bounded_counter{},
      [](const counter::state& s) {
        return std::pair<int, bool>{s.value, s.open};
      },
      [](const std::pair<int, bool>& p) {
        return counter::state{p.first, p.second};
      });
  STATIC_REQUIRE(decider::decider<decltype(d)>);
  CHECK(decider::fold(d, std::vector<counter::event>{counter::incremented{3}}) == std::pair<int, bool>{3, true});
  CHECK(d.is_terminal({3, false}));
  auto refused = d.decide(counter::increment{200}, {0, true});
  REQUIRE_FALSE(refused.has_value());
  // [/docs:map-state]
}

TEST_CASE("map_error refuses with another error type", "[map]") {
  const auto d = decider::map_error(counter::bounded_counter{}, [](counter::error e) {
    return e == counter::error::would_exceed_limit ? std::string("limit") : std::string("other");
  });
  auto r = d.decide(counter::increment{101}, d.initial_state());
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error() == "limit");
}
