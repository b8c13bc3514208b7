// decider/map.hpp — adapt a decider's types without touching its rules:
//   map_command<C2>(d, f)          decide C2 by turning it into d's command with f
//   map_event(d, to_new, to_old)   publish events as another type; to_old may return std::optional to skip
//   map_state(d, to_new, to_old)   keep state as another type
//   map_error(d, f)                refuse with another error type
#pragma once

#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "decider/concepts.hpp"

namespace decider {

namespace detail {

// command_type and error_type, present only when the adapted type is a decider.
template <class V, bool = decider<V>>
struct decider_types {};
template <class D>
struct decider_types<D, true> {
  using command_type = command_of<D>;
  using error_type = error_of<D>;
};

template <class T>
inline constexpr bool is_optional_v = false;
template <class T>
inline constexpr bool is_optional_v<std::optional<T>> = true;

}  // namespace detail

template <class NewCommand, class D, class F>
class command_mapped : public detail::wrapped<D> {
 public:
  using command_type = NewCommand;
  using event_type = event_of<D>;
  using state_type = state_of<D>;
  using error_type = error_of<D>;

  constexpr command_mapped(D inner, F to_inner)
      : detail::wrapped<D>(std::move(inner)), to_inner_(std::move(to_inner)) {}

  [[nodiscard]] decision<event_type, error_type> decide(const NewCommand& command, const state_type& state) const {
    return this->inner_.decide(to_inner_(command), state);
  }

 private:
  [[no_unique_address]] F to_inner_;
};

template <class D, class ToNew, class ToOld>
class event_mapped : public detail::decider_types<D> {
 public:
  using event_type = std::remove_cvref_t<std::invoke_result_t<const ToNew&, const event_of<D>&>>;
  using state_type = state_of<D>;

  constexpr event_mapped(D inner, ToNew to_new, ToOld to_old)
      : inner_(std::move(inner)), to_new_(std::move(to_new)), to_old_(std::move(to_old)) {}

  [[nodiscard]] constexpr state_type initial_state() const { return inner_.initial_state(); }

  template <class Inner = D>
  requires decider<Inner>
  [[nodiscard]] decision<event_type, error_of<Inner>> decide(const command_of<Inner>& command,
                                                             const state_type& state) const {
    using result = decision<event_type, error_of<Inner>>;
    auto decided = inner_.decide(command, state);
    if (!decided.has_value()) {
      return result(unexpected<error_of<Inner>>(std::move(decided).error()));
    }
    std::vector<event_type> events;
    events.reserve(decided->size());
    for (const auto& event : *decided) {
      events.push_back(to_new_(event));
    }
    return result(std::move(events));
  }

  // An event that maps to no inner event (to_old returned nullopt) leaves the state as it is.
  [[nodiscard]] constexpr state_type evolve(state_type state, const event_type& event) const {
    if constexpr (detail::is_optional_v<std::remove_cvref_t<std::invoke_result_t<const ToOld&, const event_type&>>>) {
      auto inner_event = to_old_(event);
      if (!inner_event) {
        return state;
      }
      return inner_.evolve(std::move(state), *inner_event);
    } else {
      return inner_.evolve(std::move(state), to_old_(event));
    }
  }

  [[nodiscard]] constexpr bool is_terminal(const state_type& state) const requires has_terminal<D> {
    return inner_.is_terminal(state);
  }

 private:
  D inner_;
  [[no_unique_address]] ToNew to_new_;
  [[no_unique_address]] ToOld to_old_;
};

template <class D, class ToNew, class ToOld>
class state_mapped : public detail::decider_types<D> {
 public:
  using event_type = event_of<D>;
  using state_type = std::remove_cvref_t<std::invoke_result_t<const ToNew&, state_of<D>>>;

  constexpr state_mapped(D inner, ToNew to_new, ToOld to_old)
      : inner_(std::move(inner)), to_new_(std::move(to_new)), to_old_(std::move(to_old)) {}

  [[nodiscard]] constexpr state_type initial_state() const { return to_new_(inner_.initial_state()); }

  template <class Inner = D>
  requires decider<Inner>
  [[nodiscard]] decision<event_type, error_of<Inner>> decide(const command_of<Inner>& command,
                                                             const state_type& state) const {
    return inner_.decide(command, to_old_(state));
  }

  [[nodiscard]] constexpr state_type evolve(state_type state, const event_type& event) const {
    return to_new_(inner_.evolve(to_old_(std::move(state)), event));
  }

  [[nodiscard]] constexpr bool is_terminal(const state_type& state) const requires has_terminal<D> {
    return inner_.is_terminal(to_old_(state));
  }

 private:
  D inner_;
  [[no_unique_address]] ToNew to_new_;
  [[no_unique_address]] ToOld to_old_;
};

template <class D, class F>
class error_mapped : public detail::wrapped<D> {
 public:
  using command_type = command_of<D>;
  using event_type = event_of<D>;
  using state_type = state_of<D>;
  using error_type = std::remove_cvref_t<std::invoke_result_t<const F&, error_of<D>>>;

  constexpr error_mapped(D inner, F to_new) : detail::wrapped<D>(std::move(inner)), to_new_(std::move(to_new)) {}

  [[nodiscard]] decision<event_type, error_type> decide(const command_type& command, const state_type& state) const {
    using result = decision<event_type, error_type>;
    auto decided = this->inner_.decide(command, state);
    if (!decided.has_value()) {
      return result(unexpected<error_type>(to_new_(std::move(decided).error())));
    }
    return result(std::move(*decided));
  }

 private:
  [[no_unique_address]] F to_new_;
};

template <class NewCommand>
struct map_command_fn {
  template <class D, class F>
  [[nodiscard]] constexpr auto operator()(D inner, F to_inner) const {
    if constexpr (!detail::check_decider<D>()) {
      return;
    } else {
      static_assert(std::is_invocable_r_v<command_of<D>, const F&, const NewCommand&>,
                    "decider::map_command: f must turn the new command type into the decider's command_type.");
      return command_mapped<NewCommand, D, F>(std::move(inner), std::move(to_inner));
    }
  }
};
template <class NewCommand>
inline constexpr map_command_fn<NewCommand> map_command{};

struct map_event_fn {
  template <class V, class ToNew, class ToOld>
  [[nodiscard]] constexpr auto operator()(V inner, ToNew to_new, ToOld to_old) const {
    if constexpr (!detail::check_view<V>()) {
      return;
    } else {
      static_assert(std::is_invocable_v<const ToNew&, const event_of<V>&>,
                    "decider::map_event: to_new must accept the inner event_type.");
      return event_mapped<V, ToNew, ToOld>(std::move(inner), std::move(to_new), std::move(to_old));
    }
  }
};
inline constexpr map_event_fn map_event{};

struct map_state_fn {
  template <class V, class ToNew, class ToOld>
  [[nodiscard]] constexpr auto operator()(V inner, ToNew to_new, ToOld to_old) const {
    if constexpr (!detail::check_view<V>()) {
      return;
    } else {
      static_assert(std::is_invocable_v<const ToNew&, state_of<V>>,
                    "decider::map_state: to_new must accept the inner state_type.");
      return state_mapped<V, ToNew, ToOld>(std::move(inner), std::move(to_new), std::move(to_old));
    }
  }
};
inline constexpr map_state_fn map_state{};

struct map_error_fn {
  template <class D, class F>
  [[nodiscard]] constexpr auto operator()(D inner, F to_new) const {
    if constexpr (!detail::check_decider<D>()) {
      return;
    } else {
      static_assert(std::is_invocable_v<const F&, error_of<D>>,
                    "decider::map_error: f must accept the decider's error_type.");
      return error_mapped<D, F>(std::move(inner), std::move(to_new));
    }
  }
};
inline constexpr map_error_fn map_error{};

}  // namespace decider
