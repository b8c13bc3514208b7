// decider/extend.hpp — extend<Command>(d, decide_fn): a decider that also decides Command over d's whole state.
// This is how a rule that spans the parts of a combination is written without changing the parts: the parts keep
// their own commands and rules, and the new command sees every part's state at once and decides events that
// the parts then evolve on (an event type shared by several parts reaches each of them).
#pragma once

#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "decider/concepts.hpp"
#include "decider/detail/type_list.hpp"

namespace decider {

namespace detail {
template <class T>
inline constexpr bool is_decision_v = false;
template <class E, class Err>
inline constexpr bool is_decision_v<decision<E, Err>> = true;

template <class List, class Of>
inline constexpr bool all_in_v = false;
template <class... Ts, class Of>
inline constexpr bool all_in_v<type_list<Ts...>, Of> = (contains_v<Ts, Of> && ...);

template <class F, class Command, class State>
using extension_result = std::remove_cvref_t<std::invoke_result_t<const F&, const Command&, const State&>>;

// A rule given as two functions: how it decides, and which instances it reads (its boundary on a store).
template <class Decide, class Boundary>
struct rule_with_boundary {
  [[no_unique_address]] Decide decide_fn;
  [[no_unique_address]] Boundary boundary_fn;
  template <class C, class S>
  auto operator()(const C& command, const S& state) const -> decltype(decide_fn(command, state)) {
    return decide_fn(command, state);
  }
  template <class C>
  auto boundary(const C& command) const -> decltype(boundary_fn(command)) {
    return boundary_fn(command);
  }
};
}  // namespace detail

template <class Command, class D, class F>
class extended : public detail::wrapped<D> {
  using extension = detail::extension_result<F, Command, state_of<D>>;
  using extension_error = typename extension::error_type;

 public:
  using command_type = detail::flat_variant_t<command_of<D>, Command>;
  using event_type = event_of<D>;
  using state_type = state_of<D>;
  using error_type = detail::flat_variant_t<error_of<D>, extension_error>;

  constexpr extended(D inner, F decide_fn) : detail::wrapped<D>(std::move(inner)), decide_(std::move(decide_fn)) {}

  // The rule decide_fn (the second argument of extend).
  [[nodiscard]] constexpr const F& rule() const noexcept { return decide_; }

  // A command of the extension is decided by decide_fn (even if d also owns it); any other by d.
  [[nodiscard]] decision<event_type, error_type> decide(const command_type& command, const state_type& state) const {
    return std::visit([&](const auto& alternative) { return decide_alternative(alternative, state); }, command);
  }

 private:
  template <class C>
  decision<event_type, error_type> decide_alternative(const C& command, const state_type& state) const {
    if constexpr (detail::contains_v<C, detail::alternatives_t<Command>>) {
      return detail::widen_decision<event_type, error_type>(decide_(detail::embed<Command>(command), state));
    } else {
      return detail::widen_decision<event_type, error_type>(
          this->inner_.decide(detail::embed<command_of<D>>(command), state));
    }
  }

  [[no_unique_address]] F decide_;
};

template <class Command>
struct extend_fn {
  // extend<Command>(d, decide_fn): decide_fn is (const Command&, const state_type&) -> decision<Events, Error>,
  // where every event decide_fn returns is one of d's event types.
  template <class D, class F>
  [[nodiscard]] constexpr auto operator()(D inner, F decide_fn) const {
    if constexpr (!detail::check_decider<D>()) {
      return;
    } else {
      static_assert(std::is_invocable_v<const F&, const Command&, const state_of<D>&>,
                    "decider::extend: decide_fn must be callable as (const Command&, const state_type&).");
      using result = std::remove_cvref_t<std::invoke_result_t<const F&, const Command&, const state_of<D>&>>;
      static_assert(detail::is_decision_v<result>,
                    "decider::extend: decide_fn must return decider::decision<Events, Error>.");
      static_assert(detail::is_decision_v<result> &&
                        detail::all_in_v<detail::alternatives_t<typename result::value_type::value_type>,
                                         detail::alternatives_t<event_of<D>>>,
                    "decider::extend: every event decide_fn returns must be one of the decider's event types.");
      return extended<Command, D, F>(std::move(inner), std::move(decide_fn));
    }
  }

  // extend<Command>(d, decide_fn, boundary_fn): the same, and boundary_fn(const Command&) names what the rule reads
  // when the decider runs on an event store (see decider/store/boundary.hpp). A rule object may instead have a
  // member `boundary(const Command&)`.
  template <class D, class F, class B>
  [[nodiscard]] constexpr auto operator()(D inner, F decide_fn, B boundary_fn) const {
    static_assert(std::is_invocable_v<const B&, const Command&>,
                  "decider::extend: boundary_fn must be callable as (const Command&).");
    return (*this)(std::move(inner), detail::rule_with_boundary<F, B>{std::move(decide_fn), std::move(boundary_fn)});
  }
};
template <class Command>
inline constexpr extend_fn<Command> extend{};

}  // namespace decider
