// decider/fold.hpp — replay: fold any input range of events into state, and step: decide one command
// on a state and evolve it with the resulting events. Pure, in memory; the stores build on these.
#pragma once

#include <concepts>
#include <range/v3/range/access.hpp>
#include <range/v3/range/concepts.hpp>
#include <range/v3/range/traits.hpp>
#include <utility>
#include <vector>

#include "decider/concepts.hpp"

namespace decider {

struct fold_fn {
  // fold(view, state, events): evolve `state` with each event of an input range, in order.
  template <class V, class S, class R>
  [[nodiscard]] constexpr auto operator()(const V& v, S&& initial, R&& events) const {
    if constexpr (!detail::check_view<V>()) {
      return;
    } else {
      static_assert(std::convertible_to<S, state_of<V>>, "decider::fold: the state does not convert to state_type.");
      state_of<V> state(std::forward<S>(initial));
      static_assert(ranges::input_range<R>, "decider::fold: the events argument is not an input range.");
      static_assert(std::convertible_to<ranges::range_reference_t<R>, event_of<V>>,
                    "decider::fold: the range's elements do not convert to the view's event_type.");
      for (auto&& event : events) {
        state = v.evolve(std::move(state), event);
      }
      return state;
    }
  }

  // fold(view, events): the same, from the view's initial state.
  template <class V, class R>
  [[nodiscard]] constexpr auto operator()(const V& v, R&& events) const {
    if constexpr (!detail::check_view<V>()) {
      return;
    } else {
      return (*this)(v, v.initial_state(), std::forward<R>(events));
    }
  }
};
// Left fold of events into state: fold(a ++ b) == fold(fold(a), b) for every view.
inline constexpr fold_fn fold{};

template <class State, class Event>
struct step_result {
  State state;
  std::vector<Event> events;
  friend bool operator==(const step_result&, const step_result&) = default;
};

struct step_fn {
  // step(decider, state, command): decide, then evolve the state with the decided events.
  template <class D, class S, class C>
  [[nodiscard]] constexpr auto operator()(const D& d, S&& initial, const C& command) const {
    if constexpr (!detail::check_decider<D>()) {
      return;
    } else {
      static_assert(std::convertible_to<S, state_of<D>>, "decider::step: the state does not convert to state_type.");
      static_assert(std::convertible_to<const C&, command_of<D>>,
                    "decider::step: the command does not convert to command_type.");
      state_of<D> state(std::forward<S>(initial));
      using result = expected<step_result<state_of<D>, event_of<D>>, error_of<D>>;
      auto decided = d.decide(static_cast<const command_of<D>&>(command), state);
      if (!decided.has_value()) {
        return result(unexpected<error_of<D>>(std::move(decided).error()));
      }
      for (const auto& event : *decided) {
        state = d.evolve(std::move(state), event);
      }
      return result(step_result<state_of<D>, event_of<D>>{std::move(state), std::move(*decided)});
    }
  }
};
// One in-memory command: the decided events and the state after them, or the refusal.
inline constexpr step_fn step{};

}  // namespace decider
