// decider/testing/scenario.hpp — given / when / then for deciders, views and processes:
//   given(d, registered{"s1"}).when(subscribe{"s1", "c1"}).then(subscribed{"s1", "c1"});
//   given(d, ...).when(...).then_error(course_full{});     given(v, ...).then_state(expected_state);
//   given(p).when(event).then(command...);
// A failed expectation throws decider::testing::scenario_failure whose message prints the given events,
// the command and what was expected and found, so any test framework reports it readably.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "decider/concepts.hpp"
#include "decider/fold.hpp"
#include "decider/testing/print.hpp"

namespace decider::testing {

class scenario_failure : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

namespace detail {

template <class V>
class given_view {
 public:
  given_view(V v, std::vector<event_of<V>> history) : v_(std::move(v)), history_(std::move(history)) {}

  [[nodiscard]] state_of<V> state() const { return decider::fold(v_, history_); }

  // The state after the given events equals `expected`.
  const given_view& then_state(const state_of<V>& expected) const {
    const auto actual = state();
    if (!(actual == expected)) {
      fail("then_state: the state differs", describe(expected), describe(actual));
    }
    return *this;
  }

 protected:
  [[noreturn]] void fail(const std::string& what, const std::string& expected, const std::string& actual,
                         const std::string& when = {}) const {
    std::string message = "scenario failed: " + what + "\n  given:    " + describe(history_);
    if (!when.empty()) {
      message += "\n  when:     " + when;
    }
    message += "\n  expected: " + expected + "\n  actual:   " + actual;
    throw scenario_failure(message);
  }

  V v_;
  std::vector<event_of<V>> history_;
};

template <class D>
class decided : private given_view<D> {
  using base = given_view<D>;
  using result = decision<event_of<D>, error_of<D>>;

 public:
  decided(base history, command_of<D> command)
      : base(std::move(history)),
        command_(std::move(command)),
        before_(base::state()),
        result_(this->v_.decide(command_, before_)) {}

  // The command is accepted with exactly these events, in this order.
  template <class... Events>
  const decided& then(const Events&... expected_events) const {
    const std::vector<event_of<D>> expected{event_of<D>(expected_events)...};
    if (!result_.has_value()) {
      fail_when("then: expected events, the command was refused", describe(expected),
                "refused with " + describe(result_.error()));
    }
    if (!(*result_ == expected)) {
      fail_when("then: the decided events differ", describe(expected), describe(*result_));
    }
    return *this;
  }

  // The command is accepted and decides no events (nothing changes).
  const decided& then_nothing() const {
    if (!result_.has_value()) {
      fail_when("then_nothing: the command was refused", "no events", "refused with " + describe(result_.error()));
    }
    if (!result_->empty()) {
      fail_when("then_nothing: the command decided events", "no events", describe(*result_));
    }
    return *this;
  }

  // The command is refused with exactly this error.
  template <class Error>
  const decided& then_error(const Error& expected_error) const {
    const error_of<D> expected(expected_error);
    if (result_.has_value()) {
      fail_when("then_error: expected a refusal, the command was accepted", describe(expected),
                "events " + describe(*result_));
    }
    if (!(result_.error() == expected)) {
      fail_when("then_error: the refusal differs", describe(expected), describe(result_.error()));
    }
    return *this;
  }

  // The state after the given events and the decided ones equals `expected`.
  const decided& then_state(const state_of<D>& expected) const {
    if (!result_.has_value()) {
      fail_when("then_state: the command was refused", describe(expected), "refused with " + describe(result_.error()));
    }
    const auto actual = decider::fold(this->v_, before_, *result_);
    if (!(actual == expected)) {
      fail_when("then_state: the state differs", describe(expected), describe(actual));
    }
    return *this;
  }

  [[nodiscard]] const result& outcome() const noexcept { return result_; }

 private:
  [[noreturn]] void fail_when(const std::string& what, const std::string& expected, const std::string& actual) const {
    this->fail(what, expected, actual, describe(command_));
  }

  command_of<D> command_;
  state_of<D> before_;
  result result_;
};

template <class D>
class given_decider : public given_view<D> {
 public:
  using given_view<D>::given_view;

  template <class Command>
  [[nodiscard]] decided<D> when(const Command& command) const {
    return decided<D>(*this, command_of<D>(command));
  }
};

template <class P>
class reacted {
 public:
  reacted(event_of<P> event, std::vector<command_of<P>> commands)
      : event_(std::move(event)), commands_(std::move(commands)) {}

  // The process answers the event with exactly these commands (none for `then()`).
  template <class... Commands>
  const reacted& then(const Commands&... expected_commands) const {
    const std::vector<command_of<P>> expected{command_of<P>(expected_commands)...};
    if (!(commands_ == expected)) {
      throw scenario_failure("scenario failed: then: the process reacted differently\n  when:     " + describe(event_) +
                             "\n  expected: " + describe(expected) + "\n  actual:   " + describe(commands_));
    }
    return *this;
  }

 private:
  event_of<P> event_;
  std::vector<command_of<P>> commands_;
};

template <class P>
class given_process {
 public:
  explicit given_process(P p) : p_(std::move(p)) {}

  template <class Event>
  [[nodiscard]] reacted<P> when(const Event& event) const {
    event_of<P> e(event);
    auto commands = p_.react(e);
    return reacted<P>(std::move(e), std::move(commands));
  }

 private:
  P p_;
};

}  // namespace detail

struct given_fn {
  // given(decider_or_view, events...): the history the scenario starts from.
  template <class V, class... Events>
  [[nodiscard]] auto operator()(V v, const Events&... history) const {
    if constexpr (decider::process<V> && !decider::view<V>) {
      static_assert(sizeof...(Events) == 0, "decider::testing::given: a process takes no history; use when(event).");
      return detail::given_process<V>(std::move(v));
    } else if constexpr (decider::detail::has_command_type<V> && !decider::detail::has_state_type<V>) {
      return static_cast<void>(decider::detail::check_process<V>());  // a would-be process: say what it lacks
      // NOLINTNEXTLINE(bugprone-branch-clone): each branch ends after its own check's diagnostic
    } else if constexpr (!decider::detail::check_view<V>()) {
      return;
    } else if constexpr (!decider::detail::check_would_be_decider<V>()) {
      return;
    } else {
      std::vector<event_of<V>> events{event_of<V>(history)...};
      if constexpr (decider::decider<V>) {
        return detail::given_decider<V>(std::move(v), std::move(events));
      } else {
        return detail::given_view<V>(std::move(v), std::move(events));
      }
    }
  }
};
inline constexpr given_fn given{};

struct given_history_fn {
  // given_history(decider_or_view, range): the same, from a vector of events already built.
  template <class V, class Events>
  [[nodiscard]] auto operator()(V v, const Events& history) const {
    // NOLINTNEXTLINE(bugprone-branch-clone): each branch ends after its own check's diagnostic
    if constexpr (!decider::detail::check_view<V>()) {
      return;
    } else if constexpr (!decider::detail::check_would_be_decider<V>()) {
      return;
    } else {
      std::vector<event_of<V>> events(history.begin(), history.end());
      if constexpr (decider::decider<V>) {
        return detail::given_decider<V>(std::move(v), std::move(events));
      } else {
        return detail::given_view<V>(std::move(v), std::move(events));
      }
    }
  }
};
inline constexpr given_history_fn given_history{};

}  // namespace decider::testing
