// decider/store/state.hpp — state-stored deciders: load a state and its version, save with an expected version.
// memory_state_store is the reference implementation (thread-safe).
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "decider/store/concepts.hpp"
#include "decider/store/stream.hpp"

namespace decider {

template <class State>
struct versioned_state {
  State state;
  stream_version version = 0;  // the number of saves so far
};

template <class S>
concept state_store = requires(S& store, const std::string& id, typename S::state_type state,
                               expected_version expectation) {
  typename S::state_type;
  { store.load(id) } -> std::same_as<expected<std::optional<versioned_state<typename S::state_type>>, read_error>>;
  { store.save(id, std::move(state), expectation) } -> std::same_as<expected<stream_version, append_error>>;
};

template <class State>
class memory_state_store {
 public:
  using state_type = State;

  [[nodiscard]] expected<std::optional<versioned_state<State>>, read_error> load(const std::string& id) const {
    std::lock_guard lock(mutex_);
    const auto at = states_.find(id);
    if (at == states_.end()) {
      return std::optional<versioned_state<State>>{};
    }
    return std::optional<versioned_state<State>>{at->second};
  }

  [[nodiscard]] expected<stream_version, append_error> save(const std::string& id, State state,
                                                            expected_version expectation) {
    std::lock_guard lock(mutex_);
    const auto at = states_.find(id);
    const stream_version current = at == states_.end() ? 0 : at->second.version;
    const bool ok = expectation.is == expected_version::kind::any ||
                    (expectation.is == expected_version::kind::no_stream && current == 0) ||
                    (expectation.is == expected_version::kind::exists && current > 0) ||
                    (expectation.is == expected_version::kind::exact && current == expectation.version);
    if (!ok) {
      return unexpected<append_error>(condition_failed{current});
    }
    states_.insert_or_assign(id, versioned_state<State>{std::move(state), current + 1});
    return current + 1;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, versioned_state<State>> states_;
};

static_assert(state_store<memory_state_store<int>>, "decider::memory_state_store must model decider::state_store");

}  // namespace decider
