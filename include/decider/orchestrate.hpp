// decider/orchestrate.hpp — run a process (saga) against a decider until no more commands come.
// The first command is decided; each decided event is shown to the process, whose commands are decided
// in turn (first in, first out). The run is all-or-nothing: a refusal or the step bound yields an error
// and no events, so a caller never appends half of a cascade.
#pragma once

#include <cstddef>
#include <deque>
#include <utility>
#include <vector>

#include "decider/concepts.hpp"
#include "decider/detail/type_list.hpp"

namespace decider {

// The cascade did not settle within the bound: most likely the process and the decider feed each other.
struct step_limit_exceeded {
  std::size_t limit = 0;    // commands decided before stopping
  std::size_t pending = 0;  // commands still queued when the bound was hit
  friend constexpr bool operator==(const step_limit_exceeded&, const step_limit_exceeded&) = default;
};

template <class D>
using orchestration_error = detail::flat_variant_t<error_of<D>, step_limit_exceeded>;

template <class State, class Event>
struct orchestration_result {
  State state;                // after every decided event
  std::vector<Event> events;  // in decision order: what to append
  std::size_t commands = 0;   // commands decided, the first one included
  friend bool operator==(const orchestration_result&, const orchestration_result&) = default;
};

struct orchestrate_options {
  std::size_t max_commands = 1000;
};

struct orchestrate_fn {
  template <class D, class P, class S, class C>
  [[nodiscard]] auto operator()(const D& d, const P& p, S&& initial, const C& first,
                                orchestrate_options options = {}) const {
    if constexpr (!detail::check_decider<D>() || !detail::check_process<P>()) {
      return;
    } else {
      using error = orchestration_error<D>;
      using result = expected<orchestration_result<state_of<D>, event_of<D>>, error>;
      static_assert(std::convertible_to<S, state_of<D>>, "decider::orchestrate: the state does not convert.");

      orchestration_result<state_of<D>, event_of<D>> run{state_of<D>(std::forward<S>(initial)), {}, 0};
      std::deque<command_of<D>> queue;
      queue.push_back(to_command<D>(first));
      while (!queue.empty()) {
        if (run.commands == options.max_commands) {
          return result(unexpected<error>(error(step_limit_exceeded{options.max_commands, queue.size()})));
        }
        auto decided = d.decide(queue.front(), run.state);
        queue.pop_front();
        ++run.commands;
        if constexpr (!detail::is_never_v<error_of<D>>) {
          if (!decided.has_value()) {
            return result(unexpected<error>(detail::widen<error>(std::move(decided).error())));
          }
        }
        for (auto& event : *decided) {
          run.state = d.evolve(std::move(run.state), event);
          if (auto seen = detail::narrow<event_of<P>>(event)) {
            for (auto& next : p.react(*seen)) {
              queue.push_back(to_command<D>(std::move(next)));
            }
          }
          run.events.push_back(std::move(event));
        }
      }
      return result(std::move(run));
    }
  }

 private:
  template <class D, class C>
  static command_of<D> to_command(C&& command) {
    if constexpr (std::is_convertible_v<C&&, command_of<D>>) {
      return command_of<D>(std::forward<C>(command));
    } else {
      return detail::widen<command_of<D>>(std::forward<C>(command));
    }
  }
};
// orchestrate(decider, process, state, command [, {.max_commands = n}])
inline constexpr orchestrate_fn orchestrate{};

}  // namespace decider
