#include "decider/extend.hpp"

#include <catch2/catch.hpp>
#include <type_traits>
#include <variant>
#include <vector>

#include "decider/combine.hpp"
#include "decider/fold.hpp"
#include "support/audit.hpp"
#include "support/counter.hpp"

namespace extend_test {
// A rule that spans both parts: note the counter's value, refused once the counter is finished.
struct note_value {
  friend bool operator==(const note_value&, const note_value&) = default;
};
struct counter_finished {
  friend bool operator==(const counter_finished&, const counter_finished&) = default;
};
using parts = decider::combined_decider<counter::bounded_counter, audit::log>;
}  // namespace extend_test
using namespace extend_test;

namespace {

// [docs:extend]
const auto with_note = decider::extend<note_value>(
    decider::combine(counter::bounded_counter{}, audit::log{}),
    [](const note_value&, const parts::state_type& state) -> decider::decision<audit::noted, counter_finished> {
      const auto& [count, log] = state;
      if (!count.open) {
        return decider::refuse(counter_finished{});
      }
      return std::vector<audit::noted>{{std::to_string(count.value)}};
    });
// [/docs:extend]
using extended_type = std::remove_const_t<decltype(with_note)>;
}  // namespace

TEST_CASE("extend adds a command decided over the whole state of a combination", "[extend]") {
  STATIC_REQUIRE(decider::decider<extended_type>);
  STATIC_REQUIRE(std::is_same_v<extended_type::command_type,
                                std::variant<counter::increment, counter::finish, audit::note, note_value>>);
  STATIC_REQUIRE(std::is_same_v<extended_type::error_type,
                                std::variant<counter::error, audit::empty_note, audit::log_sealed, counter_finished>>);
  auto state = decider::fold(with_note, std::vector<parts::event_type>{counter::incremented{4}});
  auto noted = with_note.decide(note_value{}, state);
  REQUIRE(noted.has_value());
  CHECK(*noted == std::vector<parts::event_type>{audit::noted{"4"}});
  state = decider::fold(with_note, state, *noted);
  CHECK(std::get<1>(state).notes == std::vector<std::string>{"4"});
}

TEST_CASE("extend leaves the inner commands to the inner decider and widens refusals", "[extend]") {
  const auto state = decider::fold(with_note, std::vector<parts::event_type>{counter::finished{}});
  auto refused = with_note.decide(note_value{}, state);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error() == extended_type::error_type{counter_finished{}});
  auto inner = with_note.decide(counter::increment{1}, state);
  REQUIRE_FALSE(inner.has_value());
  CHECK(inner.error() == extended_type::error_type{counter::error::already_closed});
  CHECK(decider::is_terminal(with_note, state));
}
