// The laws can fail: deliberately broken deciders are caught by the same predicates the property suite runs.
#include <catch2/catch.hpp>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "decider/testing/laws.hpp"
#include "decider/testing/rapidcheck.hpp"
#include "support/counter.hpp"

namespace {

// decide consults a hidden, mutable counter: the same command on the same state decides differently.
struct forgetful {
  using command_type = counter::command;
  using event_type = counter::event;
  using state_type = counter::state;
  using error_type = counter::error;
  std::shared_ptr<int> calls = std::make_shared<int>(0);

  [[nodiscard]] state_type initial_state() const { return {}; }
  [[nodiscard]] decider::decision<event_type, error_type> decide(const command_type&, const state_type&) const {
    return std::vector<event_type>{counter::incremented{++*calls}};
  }
  [[nodiscard]] state_type evolve(state_type s, const event_type& e) const { return counter::evolve(s, e); }
};

// evolve keeps counting after the terminal event, and decide still accepts: the terminal state does not absorb.
struct leaky_terminal : counter::bounded_counter {
  [[nodiscard]] counter::state evolve(counter::state s, const counter::event& e) const {
    if (const auto* i = std::get_if<counter::incremented>(&e)) {
      s.value += i->by;
    } else {
      s.open = false;
    }
    return s;
  }
  [[nodiscard]] decider::decision<counter::event, counter::error> decide(const counter::command&,
                                                                         const counter::state&) const {
    return std::vector<counter::event>{counter::incremented{1}};
  }
};

// evolve depends on a hidden count of calls: replaying in two halves differs from replaying at once.
struct stateful_evolve : counter::bounded_counter {
  std::shared_ptr<int> calls = std::make_shared<int>(0);
  [[nodiscard]] counter::state evolve(counter::state s, const counter::event&) const {
    s.value = ++*calls;
    return s;
  }
};

}  // namespace

TEST_CASE("the determinism law catches a decider with hidden state", "[laws][failure]") {
  STATIC_REQUIRE(decider::decider<forgetful>);
  const auto result = decider::testing::laws::decide_deterministic(forgetful{}, {}, counter::increment{1});
  CHECK_FALSE(result.holds);
  CHECK_THAT(result.detail, Catch::Contains("decide is not deterministic"));
  CHECK(decider::testing::laws::decide_deterministic(counter::bounded_counter{}, {}, counter::increment{1}).holds);
}

TEST_CASE("the absorption law catches a terminal state that still changes", "[laws][failure]") {
  const std::vector<counter::event> events{counter::incremented{3}};
  const auto result = decider::testing::laws::terminal_absorbs(leaky_terminal{}, counter::state{1, false},
                                                               counter::increment{1}, events);
  CHECK_FALSE(result.holds);
  CHECK_THAT(result.detail, Catch::Contains("a terminal state decided events"));
  CHECK(decider::testing::laws::terminal_absorbs(counter::bounded_counter{}, counter::state{1, false},
                                                 counter::increment{1}, events)
            .holds);
}

TEST_CASE("the fold law catches an evolve with hidden state", "[laws][failure]") {
  const std::vector<counter::event> a{counter::incremented{1}, counter::incremented{1}};
  const std::vector<counter::event> b{counter::incremented{1}};
  const auto result = decider::testing::laws::fold_concatenation(stateful_evolve{}, a, b);
  CHECK_FALSE(result.holds);
  CHECK_THAT(result.detail, Catch::Contains("fold(a ++ b) != fold(fold(a), b)"));
  CHECK(decider::testing::laws::fold_concatenation(counter::bounded_counter{}, a, b).holds);
}

// A check whose generated histories accept nothing passes without having tested much: it says so.
TEST_CASE("a check over histories that accept no command warns that it tested little", "[laws]") {
  std::ostringstream captured;
  auto* const terminal = std::cout.rdbuf(captured.rdbuf());
  const bool passed =
      decider::testing::check_invariant("never accepted", counter::bounded_counter{},
                                        rc::gen::just(counter::command{counter::increment{counter::limit + 1}}),
                                        [](const counter::state&) { return true; });
  std::cout.rdbuf(terminal);
  CHECK(passed);
  CHECK(captured.str().find("warning: never accepted: in 100 of 100 generated histories no command was accepted") !=
        std::string::npos);
}
