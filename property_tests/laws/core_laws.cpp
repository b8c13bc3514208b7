// The laws, run for every decider and view the unit tests define and for every combinator built on them.
#include <catch2/catch.hpp>
#include <string>
#include <variant>

#include "decider/combine.hpp"
#include "decider/extend.hpp"
#include "decider/make.hpp"
#include "decider/many.hpp"
#include "decider/map.hpp"
#include "decider/testing/rapidcheck.hpp"
#include "support/generators.hpp"

using decider::testing::check_combine_laws;
using decider::testing::check_laws;
using decider::testing::check_view_laws;

TEST_CASE("laws: counter as a type with members", "[laws]") {
  REQUIRE(check_laws("bounded_counter", counter::bounded_counter{}, generators::counter_commands()));
}

TEST_CASE("laws: counter built from lambdas", "[laws]") {
  REQUIRE(check_laws("lambda counter", counter::make_lambda_counter(), generators::counter_commands()));
}

TEST_CASE("laws: audit log", "[laws]") { REQUIRE(check_laws("audit log", audit::log{}, generators::audit_commands())); }

TEST_CASE("laws: combine(counter, audit) as a decider", "[laws][combine]") {
  // [docs:check-laws]
  const auto both = decider::combine(counter::bounded_counter{}, audit::log{});
  using command = decltype(both)::command_type;
  const auto commands = rc::gen::oneOf(decider::testing::gen::widened<command>(generators::counter_commands()),
                                       decider::testing::gen::widened<command>(generators::audit_commands()));
  REQUIRE(check_laws("combine(counter, audit)", both, commands));
  // [/docs:check-laws]
}

TEST_CASE("laws: combine is associative and projects, over counter, audit and a lambda counter", "[laws][combine]") {
  // [docs:check-combine-laws]
  REQUIRE(check_combine_laws("counter/audit/lambda", counter::bounded_counter{}, generators::counter_commands(),
                             audit::log{}, generators::audit_commands(), counter::make_lambda_counter(),
                             generators::counter_commands()));
  REQUIRE(check_combine_laws("audit/counter/audit", audit::log{}, generators::audit_commands(),
                             counter::bounded_counter{}, generators::counter_commands(), audit::log{},
                             generators::audit_commands()));
  // [/docs:check-combine-laws]
}

TEST_CASE("laws: many<std::string>(counter)", "[laws][many]") {
  const auto counters = decider::many<std::string>(counter::bounded_counter{});
  const auto commands =
      decider::testing::gen::keyed(rc::gen::element<std::string>("a", "b", "c"), generators::counter_commands());
  REQUIRE(check_laws("many(counter)", counters, commands));
}

TEST_CASE("laws: mapped deciders", "[laws][map]") {
  const auto errors_as_text = decider::map_error(counter::bounded_counter{},
                                                 [](counter::error e) { return std::to_string(static_cast<int>(e)); });
  REQUIRE(check_laws("map_error(counter)", errors_as_text, generators::counter_commands()));
  const auto state_as_pair = decider::map_state(
      counter::bounded_counter{},
      [](const counter::state& s) {
        return std::pair<int, bool>{s.value, s.open};
      },
      [](const std::pair<int, bool>& p) {
        return counter::state{p.first, p.second};
      });
  REQUIRE(check_laws("map_state(counter)", state_as_pair, generators::counter_commands()));
}

TEST_CASE("laws: map_command and map_event", "[laws][map]") {
  const auto doubled = decider::map_command<int>(counter::bounded_counter{}, [](int by) {
    return by < 0 ? counter::command{counter::finish{}} : counter::command{counter::increment{2 * by}};
  });
  REQUIRE(check_laws("map_command(counter)", doubled, rc::gen::inRange(-3, 30)));
  const auto as_numbers = decider::map_event(
      counter::bounded_counter{},
      [](const counter::event& e) { return std::holds_alternative<counter::finished>(e) ? -1 : std::get<0>(e).by; },
      [](int n) { return n < 0 ? counter::event{counter::finished{}} : counter::event{counter::incremented{n}}; });
  REQUIRE(check_laws("map_event(counter)", as_numbers, generators::counter_commands()));
}

TEST_CASE("laws: extend over a combination", "[laws][extend]") {
  struct note_value {};
  using parts = decider::combined_decider<counter::bounded_counter, audit::log>;
  const auto with_note = decider::extend<note_value>(
      decider::combine(counter::bounded_counter{}, audit::log{}),
      [](const note_value&, const parts::state_type& s) -> decider::decision<audit::noted, audit::log_sealed> {
        if (std::get<1>(s).sealed) {
          return decider::refuse(audit::log_sealed{});
        }
        return std::vector<audit::noted>{{std::to_string(std::get<0>(s).value)}};
      });
  using command = decltype(with_note)::command_type;
  const auto commands = rc::gen::oneOf(decider::testing::gen::widened<command>(generators::counter_commands()),
                                       decider::testing::gen::widened<command>(generators::audit_commands()),
                                       rc::gen::just(command{note_value{}}));
  REQUIRE(check_laws("extend(combine(counter, audit))", with_note, commands));
}

TEST_CASE("laws: views, alone and combined", "[laws][view]") {
  // [docs:check-view-laws]
  const auto total = decider::make_view<counter::event, int>(0, [](int s, const counter::event& e) {
    return std::holds_alternative<counter::incremented>(e) ? s + std::get<counter::incremented>(e).by : s;
  });
  REQUIRE(check_view_laws("total view", total, generators::counter_events()));
  const auto with_counter = decider::combine(total, counter::bounded_counter{});
  REQUIRE(check_view_laws("combine(total, counter) as a view", with_counter, generators::counter_events()));
  // [/docs:check-view-laws]
}

TEST_CASE("check_invariant runs histories of the requested length", "[testing][invariant]") {
  // The counter nears its limit of 100 only after several increments: long histories always get there.
  const auto always_increment =
      rc::gen::map(rc::gen::inRange(1, 40), [](int by) { return counter::command{counter::increment{by}}; });
  const auto lengths = decider::testing::gen::histories(always_increment, {.min = 3, .max = 5});
  REQUIRE(rc::check("histories have the requested length", [=] {
    const auto h = *lengths;
    RC_ASSERT(h.size() >= 3u);
    RC_ASSERT(h.size() <= 5u);
  }));
  const auto long_histories = decider::testing::gen::histories(always_increment, {.min = 200, .max = 300});
  REQUIRE(rc::check("long histories reach the limit", [=] {
    const auto t = decider::testing::run_commands(counter::bounded_counter{}, *long_histories);
    RC_ASSERT(t.state.value > counter::limit - 40);
  }));
  REQUIRE(decider::testing::check_invariant(
      "never above the limit, over long histories", counter::bounded_counter{}, always_increment,
      [](const counter::state& s) { return s.value <= counter::limit; }, {.min = 200, .max = 300}));
}
