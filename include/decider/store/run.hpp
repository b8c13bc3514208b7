// decider/store/run.hpp — one decider, three ways to run a command against storage:
//   run_event_sourced(streams, d, stream, command)   read the stream, fold, decide, append at the version read
//   run_state_stored(states, d, id, command)         load the state, decide, evolve, save at the version loaded
//   run_dcb(store, d, query, command)                a decision model of one projection (d, query), see execute()
// and, with the boundary derived from the decider itself, handle(store, d, command) (decider/store/handle.hpp).
// Each retries a conflicting command (bounded, with backoff) and returns the decided events, or the refusal.
#pragma once

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "decider/concepts.hpp"
#include "decider/detail/type_list.hpp"
#include "decider/store/dcb.hpp"
#include "decider/store/state.hpp"
#include "decider/store/stream.hpp"

namespace decider {

template <class State, class Event>
struct run_outcome {
  State state;                // after the decided events
  std::vector<Event> events;  // what was stored (nothing when the decision was to do nothing)
  std::size_t attempts = 0;
  // Of the last event appended, or on an event store of the last event read when nothing was appended; 0 for
  // the stream and state runners.
  decider::position position = 0;
};

struct run_event_sourced_fn {
  template <class Streams, class D>
  [[nodiscard]] auto operator()(Streams& streams, const D& d, const std::string& stream, const command_of<D>& command,
                                const execute_options& options = {}) const {
    static_assert(stream_store<Streams>, "decider::run_event_sourced: the first argument is not a stream_store.");
    static_assert(detail::check_decider<D>());
    using Event = typename Streams::event_type;
    using error = execute_error<error_of<D>>;
    using result = expected<run_outcome<state_of<D>, event_of<D>>, error>;
    return detail::with_retry<result>(
        options, [&](std::size_t attempt, detail::retry_reason& reason) -> std::optional<result> {
          auto read = streams.read_stream(stream);
          if (!read.has_value()) {
            if (auto failure = detail::unless_retried<error>(read.error(), options, reason)) {
              return result(unexpected<error>(std::move(*failure)));
            }
            return std::nullopt;
          }
          state_of<D> state = d.initial_state();
          for (const auto& e : read->events) {
            detail::with_narrowed<event_of<D>>(
                e.event, [&](const event_of<D>& mine) { state = d.evolve(std::move(state), mine); });
          }
          auto decided = d.decide(command, state);
          if (!decided.has_value()) {
            return result(unexpected<error>(detail::widen<error>(std::move(decided).error())));
          }
          for (const auto& e : *decided) {
            state = d.evolve(std::move(state), e);
          }
          if (decided->empty()) {
            return result(run_outcome<state_of<D>, event_of<D>>{std::move(state), {}, attempt});
          }
          std::vector<Event> events;
          for (const auto& e : *decided) {
            events.push_back(detail::widen<Event>(e));
          }
          auto appended = streams.append_to_stream(stream, detail::to_append(events, options),
                                                   expected_version::exact(read->version()));
          if (appended.has_value()) {
            return result(run_outcome<state_of<D>, event_of<D>>{std::move(state), std::move(*decided), attempt});
          }
          // With an idempotency key, an append whose answer was lost is decided again on a fresh read: the events'
          // ids keep it stored once (the store answers the same batch with its first position).
          if (const auto* down = std::get_if<store_unavailable>(&appended.error());
              down != nullptr && options.retry_unavailable && !options.idempotency_key.empty()) {
            reason.unavailable = *down;
            return std::nullopt;
          }
          if (auto failure = detail::unless_conflict<error>(appended.error())) {
            return result(unexpected<error>(std::move(*failure)));
          }
          return std::nullopt;
        });
  }
};
inline constexpr run_event_sourced_fn run_event_sourced{};

struct run_state_stored_fn {
  template <class States, class D>
  [[nodiscard]] auto operator()(States& states, const D& d, const std::string& id, const command_of<D>& command,
                                const execute_options& options = {}) const {
    static_assert(state_store<States>, "decider::run_state_stored: the first argument is not a state_store.");
    static_assert(detail::check_decider<D>());
    using error = execute_error<error_of<D>>;
    using result = expected<run_outcome<state_of<D>, event_of<D>>, error>;
    return detail::with_retry<result>(
        options, [&](std::size_t attempt, detail::retry_reason& reason) -> std::optional<result> {
          auto loaded = states.load(id);
          if (!loaded.has_value()) {
            if (auto failure = detail::unless_retried<error>(loaded.error(), options, reason)) {
              return result(unexpected<error>(std::move(*failure)));
            }
            return std::nullopt;
          }
          const stream_version version = *loaded ? (*loaded)->version : 0;
          state_of<D> state = *loaded ? std::move((*loaded)->state) : d.initial_state();
          auto decided = d.decide(command, state);
          if (!decided.has_value()) {
            return result(unexpected<error>(detail::widen<error>(std::move(decided).error())));
          }
          if (decided->empty()) {
            return result(run_outcome<state_of<D>, event_of<D>>{std::move(state), {}, attempt});
          }
          for (const auto& e : *decided) {
            state = d.evolve(std::move(state), e);
          }
          auto saved =
              states.save(id, state, version == 0 ? expected_version::no_stream() : expected_version::exact(version));
          if (saved.has_value()) {
            return result(run_outcome<state_of<D>, event_of<D>>{std::move(state), std::move(*decided), attempt});
          }
          if (auto failure = detail::unless_conflict<error>(saved.error())) {
            return result(unexpected<error>(std::move(*failure)));
          }
          return std::nullopt;
        });
  }
};
inline constexpr run_state_stored_fn run_state_stored{};

struct run_dcb_fn {
  template <class Store, class D>
  [[nodiscard]] auto operator()(Store& store, const D& d, const query& boundary, const command_of<D>& command,
                                const execute_options& options = {}) const {
    if constexpr (!(detail::check_event_store<Store>() && detail::check_decider<D>())) {
      return;
    } else {
      using error = execute_error<error_of<D>>;
      using result = expected<run_outcome<state_of<D>, event_of<D>>, error>;
      const auto model = decision_model(project(d, boundary));
      auto done = execute(
          store, model, [&](const auto& state) { return d.decide(command, std::get<0>(state)); }, options);
      if (!done.has_value()) {
        return result(unexpected<error>(std::move(done).error()));
      }
      std::vector<event_of<D>> events;
      for (const auto& e : done->events) {
        if (auto mine = detail::narrow<event_of<D>>(e)) {
          events.push_back(std::move(*mine));
        }
      }
      return result(run_outcome<state_of<D>, event_of<D>>{std::get<0>(std::move(done->state)), std::move(events),
                                                          done->attempts, done->position});
    }
  }
};
inline constexpr run_dcb_fn run_dcb{};

}  // namespace decider
