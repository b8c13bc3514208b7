// decider/testing/laws.hpp — the laws every view and decider obeys, as plain predicates over inputs,
// independent of any test framework (decider/testing/rapidcheck.hpp feeds them random inputs):
//   fold(a ++ b) == fold(fold(a), b); decide is deterministic; terminal states absorb;
//   combine is associative and neutral is its identity; combine's state projects onto its parts.
#pragma once

#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "decider/combine.hpp"
#include "decider/concepts.hpp"
#include "decider/detail/type_list.hpp"
#include "decider/fold.hpp"
#include "decider/testing/print.hpp"

namespace decider::testing {

// Why a law failed, with the values involved; converts to true when the law held.
struct law_result {
  bool holds = true;
  std::string detail;
  explicit operator bool() const noexcept { return holds; }
  static law_result ok() { return {}; }
  static law_result broken(std::string why) { return {false, std::move(why)}; }
};

// What running a sequence of commands against a decider did: refused commands change nothing.
template <class D>
struct trace {
  state_of<D> state;                                          // after the last command
  std::vector<event_of<D>> events;                            // every accepted event, in order
  std::vector<state_of<D>> states;                            // the initial state, then the state after each command
  std::vector<decision<event_of<D>, error_of<D>>> decisions;  // one per command
};

struct run_commands_fn {
  template <class D, class Commands>
  [[nodiscard]] auto operator()(const D& d, const Commands& commands) const {
    if constexpr (!decider::detail::check_decider<D>()) {
      return;
    } else {
      trace<D> t{d.initial_state(), {}, {}, {}};
      t.states.push_back(t.state);
      for (const auto& command : commands) {
        auto decided = d.decide(command, t.state);
        if (decided.has_value()) {
          for (const auto& event : *decided) {
            t.state = d.evolve(std::move(t.state), event);
            t.events.push_back(event);
          }
        }
        t.decisions.push_back(std::move(decided));
        t.states.push_back(t.state);
      }
      return t;
    }
  }
};
// run_commands(d, commands): decide each command on the state so far from the initial state.
inline constexpr run_commands_fn run_commands{};

namespace detail {

template <class T>
inline constexpr bool is_tuple_v = false;
template <class... Ts>
inline constexpr bool is_tuple_v<std::tuple<Ts...>> = true;

// tuple<tuple<A, B>, C> and tuple<A, tuple<B, C>> both become tuple<A, B, C>.
template <class T>
auto flatten_tuple(const T& value) {
  if constexpr (is_tuple_v<T>) {
    return std::apply([](const auto&... parts) { return std::tuple_cat(flatten_tuple(parts)...); }, value);
  } else {
    return std::tuple<T>(value);
  }
}

template <class Target, class Source>
Target widen_decision(const Source& source) {
  return decider::detail::widen_decision<typename Target::value_type::value_type, typename Target::error_type>(source);
}

}  // namespace detail

namespace laws {

// fold(a ++ b) == fold(fold(a), b)
template <class V, class Events>
law_result fold_concatenation(const V& v, const Events& a, const Events& b) {
  std::vector<event_of<V>> ab(a.begin(), a.end());
  ab.insert(ab.end(), b.begin(), b.end());
  const auto whole = decider::fold(v, ab);
  const auto stepwise = decider::fold(v, decider::fold(v, a), b);
  if (whole == stepwise) {
    return law_result::ok();
  }
  return law_result::broken("fold(a ++ b) != fold(fold(a), b)\n  a: " + describe(a) + "\n  b: " + describe(b) +
                            "\n  fold(a ++ b):     " + describe(whole) + "\n  fold(fold(a), b): " + describe(stepwise));
}

// evolve gives the same state for the same state and event.
template <class V>
law_result evolve_deterministic(const V& v, const state_of<V>& state, const event_of<V>& event) {
  const auto first = v.evolve(state_of<V>(state), event);
  const auto second = v.evolve(state_of<V>(state), event);
  if (first == second) {
    return law_result::ok();
  }
  return law_result::broken("evolve is not deterministic for event " + describe(event) + ": " + describe(first) +
                            " then " + describe(second));
}

// decide gives the same decision for the same command and state.
template <class D>
law_result decide_deterministic(const D& d, const state_of<D>& state, const command_of<D>& command) {
  const auto first = d.decide(command, state);
  const auto second = d.decide(command, state);
  if (first == second) {
    return law_result::ok();
  }
  return law_result::broken("decide is not deterministic for " + describe(command) + " on " + describe(state));
}

// A terminal state takes no more events from decide and absorbs every event given to evolve.
template <class D, class Events>
law_result terminal_absorbs(const D& d, const state_of<D>& state, const command_of<D>& command, const Events& events) {
  if (!decider::is_terminal(d, state)) {
    return law_result::ok();
  }
  const auto decided = d.decide(command, state);
  if (decided.has_value() && !decided->empty()) {
    return law_result::broken("a terminal state decided events: " + describe(*decided) + " for " + describe(command) +
                              " on " + describe(state));
  }
  for (const auto& event : events) {
    const auto after = d.evolve(state_of<D>(state), event);
    if (!(after == state)) {
      return law_result::broken("a terminal state changed: " + describe(state) + " became " + describe(after) + " on " +
                                describe(event));
    }
  }
  return law_result::ok();
}

// combine(combine(a, b), c) and combine(a, combine(b, c)) decide the same and reach the same (flattened) state.
template <class A, class B, class C, class Commands>
law_result combine_associative(const A& a, const B& b, const C& c, const Commands& commands) {
  const auto left = decider::combine(decider::combine(a, b), c);
  const auto right = decider::combine(a, decider::combine(b, c));
  static_assert(std::is_same_v<event_of<decltype(left)>, event_of<decltype(right)>>);
  const auto l = run_commands(left, commands);
  const auto r = run_commands(right, commands);
  if (!(l.decisions == r.decisions)) {
    return law_result::broken("combine is not associative: decisions differ for " + describe(commands));
  }
  for (std::size_t i = 0; i < l.states.size(); ++i) {
    if (!(detail::flatten_tuple(l.states[i]) == detail::flatten_tuple(r.states[i]))) {
      return law_result::broken("combine is not associative: states differ after " + std::to_string(i) +
                                " commands: " + describe(l.states[i]) + " vs " + describe(r.states[i]));
    }
  }
  return law_result::ok();
}

// combine(d, neutral) and combine(neutral, d) decide as d does and carry d's state.
template <class D, class Commands>
law_result neutral_identity(const D& d, const Commands& commands) {
  const auto alone = run_commands(d, commands);
  const auto right = run_commands(decider::combine(d, decider::neutral), commands);
  const auto left = run_commands(decider::combine(decider::neutral, d), commands);
  using combined_decision = typename decltype(right.decisions)::value_type;
  for (std::size_t i = 0; i < commands.size(); ++i) {
    const auto expected = detail::widen_decision<combined_decision>(alone.decisions[i]);
    if (!(right.decisions[i] == expected) || !(left.decisions[i] == expected)) {
      return law_result::broken("neutral is not an identity: the decision on command " + std::to_string(i) +
                                " differs for " + describe(commands));
    }
    if (!(std::get<0>(right.states[i + 1]) == alone.states[i + 1]) ||
        !(std::get<1>(left.states[i + 1]) == alone.states[i + 1])) {
      return law_result::broken("neutral is not an identity: the state after command " + std::to_string(i) +
                                " differs: " + describe(alone.states[i + 1]));
    }
  }
  return law_result::ok();
}

// Running commands on combine(a, b): each part's state equals the fold of that part alone over the events
// it understands, and a command only one part owns is decided as that part decides it on its own state.
template <class A, class B, class Commands>
law_result combine_projects(const A& a, const B& b, const Commands& commands) {
  const auto both = decider::combine(a, b);
  using both_type = std::remove_const_t<decltype(both)>;
  const auto t = run_commands(both, commands);
  auto project = [&](const auto& part, auto index) -> law_result {
    using part_type = std::remove_cvref_t<decltype(part)>;
    constexpr std::size_t I = decltype(index)::value;
    state_of<part_type> alone = part.initial_state();
    for (std::size_t i = 0; i < commands.size(); ++i) {
      const auto owned = decider::detail::narrow<command_of<part_type>>(commands[i]);
      const auto other_owns = decider::detail::narrow<command_of<std::conditional_t<I == 0, B, A>>>(commands[i]);
      if (owned && !other_owns) {
        const auto expected =
            detail::widen_decision<decision<event_of<both_type>, error_of<both_type>>>(part.decide(*owned, alone));
        if (!(expected == t.decisions[i])) {
          return law_result::broken("combine does not project: part " + std::to_string(I) +
                                    " alone decides otherwise on command " + describe(commands[i]));
        }
      }
      if (t.decisions[i].has_value()) {
        for (const auto& event : *t.decisions[i]) {
          if (auto mine = decider::detail::narrow<event_of<part_type>>(event)) {
            alone = part.evolve(std::move(alone), *mine);
          }
        }
      }
      if (!(std::get<I>(t.states[i + 1]) == alone)) {
        return law_result::broken("combine does not project: part " + std::to_string(I) + " state " +
                                  describe(std::get<I>(t.states[i + 1])) + " but alone " + describe(alone));
      }
    }
    return law_result::ok();
  };
  if (auto first = project(a, std::integral_constant<std::size_t, 0>{}); !first) {
    return first;
  }
  return project(b, std::integral_constant<std::size_t, 1>{});
}

}  // namespace laws
}  // namespace decider::testing
