#include "decider/fold.hpp"

#include <catch2/catch.hpp>
#include <list>
#include <range/v3/view/filter.hpp>
#include <vector>

#include "support/counter.hpp"

using namespace counter;

TEST_CASE("types with members and lambda builders both model decider", "[concepts]") {
  STATIC_REQUIRE(decider::decider<bounded_counter>);
  STATIC_REQUIRE(decider::decider<decltype(make_lambda_counter())>);
  STATIC_REQUIRE(decider::view<bounded_counter>);
  STATIC_REQUIRE(decider::has_terminal<bounded_counter>);
  STATIC_REQUIRE(!decider::decider<int>);
  STATIC_REQUIRE(!decider::view<state>);
}

TEST_CASE("fold replays events in order from the initial state", "[fold]") {
  // [docs:fold]
  const bounded_counter d;
  const std::vector<event> events{incremented{2}, incremented{3}, finished{}, incremented{7}};
  CHECK(decider::fold(d, events) == state{5, false});
  CHECK(decider::fold(d, std::vector<event>{}) == state{});
  CHECK(decider::fold(d, state{10, true}, std::vector<event>{incremented{1}}) == state{11, true});
  // [/docs:fold]
}

TEST_CASE("fold accepts any input range, including range-v3 views and lists", "[fold]") {
  // [docs:fold-ranges]
  const auto d = make_lambda_counter();
  const std::list<event> events{incremented{1}, incremented{20}, incremented{300}};
  auto small = events | ranges::views::filter([](const event& e) { return std::get<incremented>(e).by < 100; });
  CHECK(decider::fold(d, small) == state{21, true});
  // [/docs:fold-ranges]
}

TEST_CASE("step decides, then evolves with the decided events", "[step]") {
  // [docs:step]
  const bounded_counter d;
  auto ok = decider::step(d, state{}, command{increment{4}});
  REQUIRE(ok.has_value());
  CHECK(ok->state == state{4, true});
  CHECK(ok->events == std::vector<event>{incremented{4}});

  auto refused = decider::step(d, state{99, true}, command{increment{2}});
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error() == error::would_exceed_limit);

  auto closed_refusal = decider::step(d, state{1, false}, command{increment{1}});
  REQUIRE_FALSE(closed_refusal.has_value());
  CHECK(closed_refusal.error() == error::already_closed);
  // [/docs:step]
}

TEST_CASE("is_terminal falls back to false for deciders that do not declare it", "[concepts]") {
  struct plain {
    using event_type = int;
    using state_type = int;
    [[nodiscard]] int initial_state() const { return 0; }
    [[nodiscard]] int evolve(int s, const int& e) const { return s + e; }
  };
  STATIC_REQUIRE(decider::view<plain>);
  STATIC_REQUIRE(!decider::decider<plain>);
  CHECK_FALSE(decider::is_terminal(plain{}, 5));
  CHECK(decider::is_terminal(bounded_counter{}, state{0, false}));
}
