// decider/concepts.hpp — what a view, a decider and a process are, checked on their members; and the base the
// adaptors share.
// A view folds events into state; a decider also decides commands into events or a typed refusal;
// a process reacts to events with commands.
#pragma once

#include <concepts>
#include <type_traits>
#include <utility>
#include <vector>

#include "decider/config.hpp"
#include "decider/detail/type_list.hpp"

namespace decider {

// The type with no values a user can make: the command, event and error type of `neutral`.
// Flattening drops it, so combining with `neutral` adds no alternatives.
struct never {
  friend constexpr bool operator==(const never&, const never&) noexcept = default;

 private:
  never() = default;
};

// What decide returns: the events to append, or the domain's reason to refuse.
template <class Event, class Error>
using decision = expected<std::vector<Event>, Error>;

// decider::refuse(error) is the refusal branch of a decision: `return decider::refuse(course_full{});`
struct refuse_fn {
  template <class Error>
  [[nodiscard]] constexpr auto operator()(Error&& error) const {
    return unexpected<std::remove_cvref_t<Error>>(std::forward<Error>(error));
  }
};
inline constexpr refuse_fn refuse{};

// decider::widen<Wider>(value): a value of a part (an event, command or refusal, or a variant of them) as a value
// of a wider variant that has all its alternatives: a part's refusal as the combination's, say.
template <class Target>
struct widen_fn {
  template <class Source>
  [[nodiscard]] constexpr Target operator()(Source&& source) const {
    return detail::widen<Target>(std::forward<Source>(source));
  }
};
template <class Target>
inline constexpr widen_fn<Target> widen{};

template <class T>
using state_of = typename T::state_type;
template <class T>
using event_of = typename T::event_type;
template <class T>
using command_of = typename T::command_type;
template <class T>
using error_of = typename T::error_type;

namespace detail {

template <class T>
concept has_state_type = requires {
  typename T::state_type;
};
template <class T>
concept has_event_type = requires {
  typename T::event_type;
};
template <class T>
concept has_command_type = requires {
  typename T::command_type;
};
template <class T>
concept has_error_type = requires {
  typename T::error_type;
};

template <class T>
concept has_initial_state = requires(const T& t) {
  { t.initial_state() } -> std::convertible_to<typename T::state_type>;
};
// evolve receives the state as an rvalue so that `S evolve(S, const E&)` folds without copying.
template <class T>
concept has_evolve = requires(const T& t, typename T::state_type&& s, const typename T::event_type& e) {
  { t.evolve(std::move(s), e) } -> std::convertible_to<typename T::state_type>;
};
template <class T>
concept has_decide = requires(const T& t, const typename T::command_type& c, const typename T::state_type& s) {
  { t.decide(c, s) } -> std::same_as<decision<typename T::event_type, typename T::error_type>>;
};
template <class T>
concept has_react = requires(const T& t, const typename T::event_type& e) {
  { t.react(e) } -> std::convertible_to<std::vector<typename T::command_type>>;
};

}  // namespace detail

// A view (projection): an initial state and a pure evolve(state, event) -> state.
template <class V>
concept view = std::copy_constructible<V> && detail::has_state_type<V> && detail::has_event_type<V> &&
    std::move_constructible<typename V::state_type> && detail::has_initial_state<V> && detail::has_evolve<V>;

// A decider: a view that also turns a command and the current state into events or a typed error.
template <class D>
concept decider = view<D> && detail::has_command_type<D> && detail::has_error_type<D> && detail::has_decide<D>;

// A process (saga): reacts to an event with the commands to send next.
template <class P>
concept process =
    std::copy_constructible<P> && detail::has_event_type<P> && detail::has_command_type<P> && detail::has_react<P>;

// The optional is_terminal(state): a terminal state takes no more decisions and absorbs further events.
template <class V>
concept has_terminal = view<V> && requires(const V& v, const typename V::state_type& s) {
  { v.is_terminal(s) } -> std::convertible_to<bool>;
};

struct is_terminal_fn {
  template <view V>
  [[nodiscard]] constexpr bool operator()(const V& v, const state_of<V>& state) const {
    if constexpr (has_terminal<V>) {
      return static_cast<bool>(v.is_terminal(state));
    } else {
      return false;
    }
  }
};
inline constexpr is_terminal_fn is_terminal{};

namespace detail {

template <class>
inline constexpr bool always_false = false;

// Entry points call these so that a type that is not a view/decider/process fails with one sentence
// naming the first missing piece, instead of a page of template errors.
template <class V>
constexpr bool check_view() {
  if constexpr (!has_state_type<V>) {
    static_assert(has_state_type<V>,
                  "decider: this type is not a view or decider: it has no member type `state_type`.");
    return false;
  } else if constexpr (!has_event_type<V>) {
    static_assert(has_event_type<V>,
                  "decider: this type is not a view or decider: it has no member type `event_type`.");
    return false;
  } else if constexpr (!has_initial_state<V>) {
    static_assert(has_initial_state<V>,
                  "decider: this type is not a view or decider: it has no const member `initial_state()` "
                  "returning `state_type`.");
    return false;
  } else if constexpr (!has_evolve<V>) {
    static_assert(has_evolve<V>,
                  "decider: this type is not a view or decider: it has no const member "
                  "`evolve(state_type, const event_type&)` returning `state_type`.");
    return false;
  } else if constexpr (!view<V>) {
    static_assert(view<V>, "decider: this type is not a view: it or its `state_type` cannot be copied or moved.");
    return false;
  } else {
    return true;
  }
}

template <class D>
constexpr bool check_decider() {
  if constexpr (!check_view<D>()) {
    return false;
  } else if constexpr (!has_command_type<D>) {
    static_assert(has_command_type<D>, "decider: this type is not a decider: it has no member type `command_type`.");
    return false;
  } else if constexpr (!has_error_type<D>) {
    static_assert(has_error_type<D>,
                  "decider: this type is not a decider: it has no member type `error_type` (use decider::never "
                  "when decide cannot refuse).");
    return false;
  } else if constexpr (!has_decide<D>) {
    static_assert(has_decide<D>,
                  "decider: this type is not a decider: it has no const member "
                  "`decide(const command_type&, const state_type&)` returning "
                  "`decider::decision<event_type, error_type>`.");
    return false;
  } else {
    return true;
  }
}

// A type that declares command_type means to be a decider: say what it lacks rather than silently
// treating it as a view.
template <class V>
constexpr bool check_would_be_decider() {
  if constexpr (has_command_type<V>) {
    return check_decider<V>();
  } else {
    return true;
  }
}

template <class P>
constexpr bool check_process() {
  if constexpr (!has_event_type<P> || !has_command_type<P>) {
    static_assert(has_event_type<P> && has_command_type<P>,
                  "decider: this type is not a process: it needs member types `event_type` and `command_type`.");
    return false;
  } else if constexpr (!has_react<P>) {
    static_assert(has_react<P>,
                  "decider: this type is not a process: it has no const member `react(const event_type&)` "
                  "returning `std::vector<command_type>`.");
    return false;
  } else {
    return true;
  }
}

// The pieces the adaptors (map, extend, combine) share: a base that forwards the view half of a decider
// (initial_state, evolve, is_terminal) to the wrapped one, and the widening of a decision into wider event and
// error variants.
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

}  // namespace detail
}  // namespace decider
