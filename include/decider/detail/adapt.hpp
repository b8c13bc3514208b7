// decider/detail/adapt.hpp — shared pieces of the adaptors: a base that forwards the view half of a decider
// (initial_state, evolve, is_terminal) to the wrapped one, and the widening of a decision into wider
// event and error variants.
#pragma once

#include <type_traits>
#include <utility>
#include <vector>

#include "decider/concepts.hpp"
#include "decider/detail/type_list.hpp"

namespace decider::detail {

template <class D>
class wrapped {
 public:
  constexpr explicit wrapped(D inner) : inner_(std::move(inner)) {}

  [[nodiscard]] constexpr const D& inner() const noexcept { return inner_; }
  [[nodiscard]] constexpr state_of<D> initial_state() const { return inner_.initial_state(); }
  [[nodiscard]] constexpr state_of<D> evolve(state_of<D> state, const event_of<D>& event) const {
    return inner_.evolve(std::move(state), event);
  }
  [[nodiscard]] constexpr bool is_terminal(const state_of<D>& state) const requires has_terminal<D> {
    return inner_.is_terminal(state);
  }

 protected:
  D inner_;
};

// decision<E, Err> -> decision<Event, Error>, where E's alternatives are among Event's and Err's among Error's.
template <class Event, class Error, class Decided>
decision<Event, Error> widen_decision(Decided&& decided) {
  using result = decision<Event, Error>;
  using decided_error = typename std::remove_cvref_t<Decided>::error_type;
  if constexpr (!is_never_v<decided_error>) {
    if (!decided.has_value()) {
      return result(unexpected<Error>(widen<Error>(std::forward<Decided>(decided).error())));
    }
  }
  if constexpr (std::is_same_v<typename std::remove_cvref_t<Decided>::value_type, std::vector<Event>>) {
    return result(*std::forward<Decided>(decided));
  } else {
    std::vector<Event> events;
    events.reserve(decided->size());
    for (auto& event : *decided) {
      if constexpr (std::is_lvalue_reference_v<Decided>) {
        events.push_back(widen<Event>(event));  // the caller keeps its decision: copy
      } else {
        events.push_back(widen<Event>(std::move(event)));
      }
    }
    return result(std::move(events));
  }
}

}  // namespace decider::detail
