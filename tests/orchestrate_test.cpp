#include "decider/orchestrate.hpp"

#include <catch2/catch.hpp>
#include <variant>
#include <vector>

#include "decider/make.hpp"
#include "support/counter.hpp"

namespace {
// [docs:halving]
// Every increment of 2 or more asks for a follow-up increment of half its size.
const auto halving = decider::make_process<counter::event, counter::command>([](const counter::event& e) {
  std::vector<counter::command> next;
  if (const auto* i = std::get_if<counter::incremented>(&e); i != nullptr && i->by >= 2) {
    next.emplace_back(counter::increment{i->by / 2});
  }
  return next;
});
// [/docs:halving]
// Feeds itself forever: every increment asks for another.
const auto runaway = decider::make_process<counter::event, counter::command>([](const counter::event& e) {
  return std::holds_alternative<counter::incremented>(e) ? std::vector<counter::command>{counter::increment{1}}
                                                         : std::vector<counter::command>{};
});
using error = decider::orchestration_error<counter::bounded_counter>;
}  // namespace

TEST_CASE("orchestrate runs the process until no more commands come", "[orchestrate]") {
  // [docs:orchestrate]
  STATIC_REQUIRE(decider::process<std::remove_const_t<decltype(halving)>>);
  auto r = decider::orchestrate(counter::bounded_counter{}, halving, counter::state{}, counter::increment{16});
  REQUIRE(r.has_value());
  CHECK(r->commands == 5);  // 16, 8, 4, 2, 1
  CHECK(r->state == counter::state{31, true});
  CHECK(r->events.size() == 5);
  // [/docs:orchestrate]
}

TEST_CASE("orchestrate is all-or-nothing: a refusal anywhere gives the error and no events", "[orchestrate]") {
  auto r = decider::orchestrate(counter::bounded_counter{}, halving, counter::state{80, true}, counter::increment{16});
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error() == error{counter::error::would_exceed_limit});
}

TEST_CASE("orchestrate stops at the step bound with a clear error", "[orchestrate]") {
  // [docs:orchestrate-bound]
  auto r = decider::orchestrate(counter::bounded_counter{}, runaway, counter::state{}, counter::increment{1},
                                decider::orchestrate_options{.max_commands = 10});
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error() == error{decider::step_limit_exceeded{10, 1}});
  // [/docs:orchestrate-bound]
}
