// decider/combine.hpp — compose deciders (or views) side by side into one, and the neutral decider.
// Commands, events and errors become one flattened variant; state is a tuple of the parts' states.
// An event type that several parts share is delivered to each of them; a command type shared by several
// parts is decided by each, in order, and their events are concatenated (the first refusal wins).
#pragma once

#include <cstddef>
#include <optional>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "decider/concepts.hpp"
#include "decider/detail/type_list.hpp"

namespace decider {

struct neutral_state {
  friend constexpr bool operator==(const neutral_state&, const neutral_state&) noexcept = default;
};

// The identity of combine: no commands, no events, no errors, a unit state that is always terminal.
struct neutral_decider {
  using command_type = never;
  using event_type = never;
  using state_type = neutral_state;
  using error_type = never;

  [[nodiscard]] constexpr neutral_state initial_state() const noexcept { return {}; }
  [[nodiscard]] decision<never, never> decide(const never&, const neutral_state&) const { return {}; }
  [[nodiscard]] constexpr neutral_state evolve(neutral_state state, const never&) const noexcept { return state; }
  [[nodiscard]] constexpr bool is_terminal(const neutral_state&) const noexcept { return true; }
};
inline constexpr neutral_decider neutral{};

// Views (or deciders used as views) side by side: one event variant, a tuple of states.
template <class... Vs>
class combined_view {
 public:
  using event_type = detail::flat_variant_t<event_of<Vs>...>;
  using state_type = std::tuple<state_of<Vs>...>;

  constexpr explicit combined_view(Vs... parts) : parts_(std::move(parts)...) {}

  [[nodiscard]] constexpr const std::tuple<Vs...>& parts() const noexcept { return parts_; }

  [[nodiscard]] constexpr state_type initial_state() const {
    return std::apply([](const auto&... part) { return state_type(part.initial_state()...); }, parts_);
  }

  [[nodiscard]] constexpr state_type evolve(state_type state, const event_type& event) const {
    std::visit(
        [&](const auto& alternative) { evolve_parts(state, event, alternative, std::index_sequence_for<Vs...>{}); },
        event);
    return state;
  }

  // Terminal when every part is; offered only when every part can tell.
  [[nodiscard]] constexpr bool is_terminal(const state_type& state) const requires(has_terminal<Vs>&&...) {
    return [&]<std::size_t... Is>(std::index_sequence<Is...>) {
      return (std::get<Is>(parts_).is_terminal(std::get<Is>(state)) && ...);
    }
    (std::index_sequence_for<Vs...>{});
  }

 protected:
  std::tuple<Vs...> parts_;

 private:
  template <class A, std::size_t... Is>
  constexpr void evolve_parts(state_type& state, const event_type& event, const A& alternative,
                              std::index_sequence<Is...>) const {
    (evolve_part<Is>(state, event, alternative), ...);
  }

  // A part whose event type is the combined one, or the alternative itself, gets the event by reference;
  // a part with a narrower variant gets the alternative copied into that variant.
  template <std::size_t I, class A>
  constexpr void evolve_part(state_type& state, const event_type& event, const A& alternative) const {
    using part_event = event_of<std::tuple_element_t<I, std::tuple<Vs...>>>;
    if constexpr (detail::contains_v<A, detail::alternatives_t<part_event>>) {
      auto& part_state = std::get<I>(state);
      if constexpr (std::is_same_v<part_event, event_type>) {
        part_state = std::get<I>(parts_).evolve(std::move(part_state), event);
      } else {
        part_state = std::get<I>(parts_).evolve(std::move(part_state), detail::embed<part_event>(alternative));
      }
    }
  }
};

template <class... Ds>
class combined_decider : public combined_view<Ds...> {
  using base = combined_view<Ds...>;

 public:
  using typename base::event_type;
  using typename base::state_type;
  using command_type = detail::flat_variant_t<command_of<Ds>...>;
  using error_type = detail::flat_variant_t<error_of<Ds>...>;

  using base::base;

  [[nodiscard]] decision<event_type, error_type> decide(const command_type& command, const state_type& state) const {
    return std::visit([&](const auto& alternative) { return decide_alternative(alternative, state); }, command);
  }

 private:
  using result = decision<event_type, error_type>;

  template <class C>
  static constexpr bool handles(std::size_t i) {
    constexpr bool by_part[] = {detail::contains_v<C, detail::alternatives_t<command_of<Ds>>>...};
    return by_part[i];
  }
  template <class C>
  static constexpr std::size_t handlers() {
    std::size_t n = 0;
    for (std::size_t i = 0; i < sizeof...(Ds); ++i) n += handles<C>(i) ? 1 : 0;
    return n;
  }
  template <class C>
  static constexpr std::size_t first_handler() {
    std::size_t i = 0;
    while (!handles<C>(i)) ++i;
    return i;
  }

  template <class C>
  result decide_alternative(const C& command, const state_type& state) const {
    if constexpr (handlers<C>() == 1) {
      // The usual case, a command of one part: its decision, widened, with nothing gathered on the way.
      constexpr std::size_t I = first_handler<C>();
      using part = std::tuple_element_t<I, std::tuple<Ds...>>;
      return detail::widen_decision<event_type, error_type>(
          std::get<I>(this->parts_).decide(detail::embed<command_of<part>>(command), std::get<I>(state)));
    } else {
      return decide_shared(command, state);
    }
  }

  // A command several parts take: each decides in turn, until one refuses.
  template <class C>
  result decide_shared(const C& command, const state_type& state) const {
    std::vector<event_type> events;
    std::optional<error_type> refusal;
    [&]<std::size_t... Is>(std::index_sequence<Is...>) {
      // && stops at the first part that refuses.
      static_cast<void>((decide_part<Is>(command, state, events, refusal) && ...));
    }
    (std::index_sequence_for<Ds...>{});
    if (refusal) {
      return result(unexpected<error_type>(std::move(*refusal)));
    }
    return result(std::move(events));
  }

  template <std::size_t I, class C>
  bool decide_part(const C& command, const state_type& state, std::vector<event_type>& events,
                   std::optional<error_type>& refusal) const {
    using part = std::tuple_element_t<I, std::tuple<Ds...>>;
    if constexpr (detail::contains_v<C, detail::alternatives_t<command_of<part>>>) {
      auto decided = std::get<I>(this->parts_).decide(detail::embed<command_of<part>>(command), std::get<I>(state));
      if constexpr (!detail::is_never_v<error_of<part>>) {
        if (!decided.has_value()) {
          refusal.emplace(detail::widen<error_type>(std::move(decided).error()));
          return false;
        }
      }
      if constexpr (!detail::is_never_v<event_of<part>>) {
        events.reserve(events.size() + decided->size());
        for (auto& event : *decided) {
          events.push_back(detail::widen<event_type>(std::move(event)));
        }
      }
    }
    return true;
  }
};

struct combine_fn {
  // combine(a, b, ...): a combined_decider when every argument is a decider, a combined_view otherwise.
  template <class... Vs>
  [[nodiscard]] constexpr auto operator()(Vs... parts) const {
    static_assert(sizeof...(Vs) > 0, "decider::combine: give at least one decider or view.");
    // Each branch ends the call after its own check has said what is wrong: alike, on purpose.
    // NOLINTNEXTLINE(bugprone-branch-clone)
    if constexpr (!(detail::check_view<Vs>() && ...)) {
      return;
    } else if constexpr (!(detail::check_would_be_decider<Vs>() && ...)) {
      return;
    } else if constexpr ((decider<Vs> && ...)) {
      return combined_decider<Vs...>(std::move(parts)...);
    } else {
      return combined_view<Vs...>(std::move(parts)...);
    }
  }
};
inline constexpr combine_fn combine{};

}  // namespace decider
