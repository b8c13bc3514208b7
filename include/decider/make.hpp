// decider/make.hpp — build a view, decider or process from lambdas instead of writing a type.
// The result models the same concepts as a hand-written type with members, at no extra cost.
#pragma once

#include <type_traits>
#include <utility>
#include <vector>

#include "decider/concepts.hpp"

namespace decider {

namespace detail {
struct no_terminal {};
}  // namespace detail

template <class Command, class Event, class State, class Error, class Decide, class Evolve,
          class Terminal = detail::no_terminal>
class lambda_decider {
 public:
  using command_type = Command;
  using event_type = Event;
  using state_type = State;
  using error_type = Error;

  constexpr lambda_decider(State initial, Decide decide_fn, Evolve evolve_fn, Terminal terminal_fn = {})
      : initial_(std::move(initial)),
        decide_(std::move(decide_fn)),
        evolve_(std::move(evolve_fn)),
        terminal_(std::move(terminal_fn)) {}

  [[nodiscard]] constexpr State initial_state() const { return initial_; }
  [[nodiscard]] constexpr decision<Event, Error> decide(const Command& command, const State& state) const {
    return decide_(command, state);
  }
  [[nodiscard]] constexpr State evolve(State state, const Event& event) const {
    return evolve_(std::move(state), event);
  }
  [[nodiscard]] constexpr bool is_terminal(const State& state) const
      requires(!std::is_same_v<Terminal, detail::no_terminal>) {
    return terminal_(state);
  }

 private:
  State initial_;
  [[no_unique_address]] Decide decide_;
  [[no_unique_address]] Evolve evolve_;
  [[no_unique_address]] Terminal terminal_;
};

template <class Event, class State, class Evolve>
class lambda_view {
 public:
  using event_type = Event;
  using state_type = State;

  constexpr lambda_view(State initial, Evolve evolve_fn)
      : initial_(std::move(initial)), evolve_(std::move(evolve_fn)) {}

  [[nodiscard]] constexpr State initial_state() const { return initial_; }
  [[nodiscard]] constexpr State evolve(State state, const Event& event) const {
    return evolve_(std::move(state), event);
  }

 private:
  State initial_;
  [[no_unique_address]] Evolve evolve_;
};

template <class Event, class Command, class React>
class lambda_process {
 public:
  using event_type = Event;
  using command_type = Command;

  constexpr explicit lambda_process(React react_fn) : react_(std::move(react_fn)) {}

  [[nodiscard]] constexpr std::vector<Command> react(const Event& event) const { return react_(event); }

 private:
  [[no_unique_address]] React react_;
};

// make_decider<Command, Event, State, Error>(initial, decide, evolve [, is_terminal])
//   decide: (const Command&, const State&) -> decision<Event, Error>
//   evolve: (State, const Event&) -> State
//   is_terminal: (const State&) -> bool
template <class Command, class Event, class State, class Error, class Decide, class Evolve>
[[nodiscard]] constexpr auto make_decider(State initial, Decide decide_fn, Evolve evolve_fn) {
  static_assert(std::is_invocable_r_v<decision<Event, Error>, const Decide&, const Command&, const State&>,
                "decider::make_decider: decide must be callable as (const Command&, const State&) and return "
                "decider::decision<Event, Error>.");
  static_assert(std::is_invocable_r_v<State, const Evolve&, State&&, const Event&>,
                "decider::make_decider: evolve must be callable as (State, const Event&) and return State.");
  return lambda_decider<Command, Event, State, Error, Decide, Evolve>(std::move(initial), std::move(decide_fn),
                                                                      std::move(evolve_fn));
}

template <class Command, class Event, class State, class Error, class Decide, class Evolve, class Terminal>
[[nodiscard]] constexpr auto make_decider(State initial, Decide decide_fn, Evolve evolve_fn, Terminal terminal_fn) {
  static_assert(std::is_invocable_r_v<decision<Event, Error>, const Decide&, const Command&, const State&>,
                "decider::make_decider: decide must be callable as (const Command&, const State&) and return "
                "decider::decision<Event, Error>.");
  static_assert(std::is_invocable_r_v<State, const Evolve&, State&&, const Event&>,
                "decider::make_decider: evolve must be callable as (State, const Event&) and return State.");
  static_assert(std::is_invocable_r_v<bool, const Terminal&, const State&>,
                "decider::make_decider: is_terminal must be callable as (const State&) and return bool.");
  return lambda_decider<Command, Event, State, Error, Decide, Evolve, Terminal>(
      std::move(initial), std::move(decide_fn), std::move(evolve_fn), std::move(terminal_fn));
}

// make_view<Event, State>(initial, evolve)
template <class Event, class State, class Evolve>
[[nodiscard]] constexpr auto make_view(State initial, Evolve evolve_fn) {
  static_assert(std::is_invocable_r_v<State, const Evolve&, State&&, const Event&>,
                "decider::make_view: evolve must be callable as (State, const Event&) and return State.");
  return lambda_view<Event, State, Evolve>(std::move(initial), std::move(evolve_fn));
}

// make_process<Event, Command>(react): react is (const Event&) -> std::vector<Command>
template <class Event, class Command, class React>
[[nodiscard]] constexpr auto make_process(React react_fn) {
  static_assert(std::is_invocable_r_v<std::vector<Command>, const React&, const Event&>,
                "decider::make_process: react must be callable as (const Event&) and return std::vector<Command>.");
  return lambda_process<Event, Command, React>(std::move(react_fn));
}

}  // namespace decider
