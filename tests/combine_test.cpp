#include "decider/combine.hpp"

#include <catch2/catch.hpp>
#include <tuple>
#include <type_traits>
#include <variant>
#include <vector>

#include "decider/fold.hpp"
#include "decider/make.hpp"
#include "decider/orchestrate.hpp"
#include "support/audit.hpp"
#include "support/counter.hpp"
#include "support/tally.hpp"

namespace {
using both_type = decider::combined_decider<counter::bounded_counter, audit::log>;
using event = both_type::event_type;
using command = both_type::command_type;
}  // namespace

TEST_CASE("combine flattens commands, events and errors into single variants", "[combine]") {
  STATIC_REQUIRE(std::is_same_v<command, std::variant<counter::increment, counter::finish, audit::note>>);
  STATIC_REQUIRE(std::is_same_v<event, std::variant<counter::incremented, counter::finished, audit::noted>>);
  STATIC_REQUIRE(std::is_same_v<both_type::state_type, std::tuple<counter::state, audit::state>>);
  STATIC_REQUIRE(
      std::is_same_v<both_type::error_type, std::variant<counter::error, audit::empty_note, audit::log_sealed>>);
  STATIC_REQUIRE(std::is_same_v<decltype(decider::combine(counter::bounded_counter{}, audit::log{})), both_type>);
  STATIC_REQUIRE(decider::decider<both_type>);
}

TEST_CASE("combine routes each command to the part that owns it", "[combine]") {
  const auto both = decider::combine(counter::bounded_counter{}, audit::log{});
  auto s = both.initial_state();

  auto inc = both.decide(command{counter::increment{3}}, s);
  REQUIRE(inc.has_value());
  CHECK(*inc == std::vector<event>{counter::incremented{3}});

  auto n = both.decide(command{audit::note{"hello"}}, s);
  REQUIRE(n.has_value());
  CHECK(*n == std::vector<event>{audit::noted{"hello"}});

  auto refused = both.decide(command{audit::note{""}}, s);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error() == both_type::error_type{audit::empty_note{}});

  auto too_much = both.decide(command{counter::increment{101}}, s);
  REQUIRE_FALSE(too_much.has_value());
  CHECK(too_much.error() == both_type::error_type{counter::error::would_exceed_limit});
}

TEST_CASE("an event type shared by two parts is delivered to both", "[combine]") {
  // [docs:shared-event]
  const auto both = decider::combine(counter::bounded_counter{}, audit::log{});
  const std::vector<event> history{counter::incremented{2}, audit::noted{"a"}, counter::finished{},
                                   audit::noted{"late"}};
  const auto s = decider::fold(both, history);
  CHECK(std::get<0>(s) == counter::state{2, false});
  CHECK(std::get<1>(s) == audit::state{{"a"}, true});
  CHECK(decider::is_terminal(both, s));
  CHECK_FALSE(decider::is_terminal(both, both.initial_state()));
  // [/docs:shared-event]
}

TEST_CASE("neutral adds nothing to a combination", "[combine]") {
  // [docs:neutral]
  const auto with_neutral = decider::combine(counter::bounded_counter{}, decider::neutral);
  using combined = decltype(with_neutral);
  STATIC_REQUIRE(std::is_same_v<combined::command_type, std::variant<counter::increment, counter::finish>>);
  STATIC_REQUIRE(std::is_same_v<combined::event_type, std::variant<counter::incremented, counter::finished>>);
  STATIC_REQUIRE(std::is_same_v<combined::error_type, std::variant<counter::error>>);
  STATIC_REQUIRE(decider::has_terminal<combined>);
  auto r = with_neutral.decide(counter::increment{5}, with_neutral.initial_state());
  REQUIRE(r.has_value());
  CHECK(r->size() == 1);
  // [/docs:neutral]
}

TEST_CASE("a command type owned by two parts is decided by both, the first refusal wins", "[combine]") {
  const auto a = counter::bounded_counter{};
  const auto b = counter::make_lambda_counter();
  const auto twice = decider::combine(a, b);
  auto s = twice.initial_state();
  auto r = twice.decide(counter::increment{1}, s);
  REQUIRE(r.has_value());
  CHECK(r->size() == 2);
  s = decider::fold(twice, s, *r);
  // The shared event reaches both parts, so each counted both increments.
  CHECK(std::get<0>(s).value == 2);
  CHECK(std::get<1>(s).value == 2);
  std::get<1>(s).open = false;
  auto refused = twice.decide(counter::increment{1}, s);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error() == decltype(twice)::error_type{counter::error::already_closed});
}

TEST_CASE("combine of views folds each part and offers no decide", "[combine][view]") {
  // [docs:combine-views]
  const auto total = decider::make_view<counter::event, int>(0, [](int s, const counter::event& e) {
    return std::holds_alternative<counter::incremented>(e) ? s + std::get<counter::incremented>(e).by : s;
  });
  const auto notes = decider::make_view<audit::event, std::size_t>(
      0, [](std::size_t s, const audit::event& e) { return std::holds_alternative<audit::noted>(e) ? s + 1 : s; });
  const auto both = decider::combine(total, notes);
  STATIC_REQUIRE(decider::view<decltype(both)>);
  STATIC_REQUIRE(!decider::decider<decltype(both)>);
  using ev = decltype(both)::event_type;
  const std::vector<ev> history{counter::incremented{4}, audit::noted{"x"}, counter::incremented{1},
                                counter::finished{}};
  CHECK(decider::fold(both, history) == std::tuple<int, std::size_t>{5, 1});
  // [/docs:combine-views]
}

TEST_CASE("deciders that cannot refuse combine, nest and orchestrate", "[combine][never]") {
  using tally_support::tally;
  const auto nested = decider::combine(decider::combine(tally<1>{}, tally<2>{}), tally<3>{});
  using nested_type = std::remove_const_t<decltype(nested)>;
  STATIC_REQUIRE(std::is_same_v<nested_type::error_type, std::variant<decider::never>>);
  auto r = decider::step(nested, nested.initial_state(), tally<3>::add{"x", 5});
  REQUIRE(r.has_value());
  CHECK(std::get<1>(r->state) == 15);
  const auto quiet = decider::make_process<nested_type::event_type, nested_type::command_type>(
      [](const nested_type::event_type&) { return std::vector<nested_type::command_type>{}; });
  auto run = decider::orchestrate(nested, quiet, nested.initial_state(), tally<1>::add{"x", 1});
  REQUIRE(run.has_value());
  CHECK(run->commands == 1);
}
