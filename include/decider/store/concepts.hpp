// decider/store/concepts.hpp — the event_store concept (dynamic consistency boundaries) and its errors.
// A store a user owns models it with two members: read(query, options) and append(events, condition).
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "decider/config.hpp"
#include "decider/store/event.hpp"
#include "decider/store/query.hpp"

namespace decider {

// The append condition failed: an event matching its query was stored after the position it names.
// Not an I/O problem: re-read, decide again, append again.
struct condition_failed {
  decider::position conflicting = 0;  // a stored event that matched (the first one found)
  friend bool operator==(const condition_failed&, const condition_failed&) = default;
};

// The store could not do it: I/O, a lost connection, a full disk. The append may or may not have happened;
// retrying with the same event ids is safe (a store never stores an event id twice).
struct store_unavailable {
  std::string message;
  friend bool operator==(const store_unavailable&, const store_unavailable&) = default;
};

// The request itself is wrong: an empty batch, an event id repeated within a batch, an event id already stored
// by a different batch. Retrying does not help.
struct invalid_append {
  std::string reason;
  friend bool operator==(const invalid_append&, const invalid_append&) = default;
};

using append_error = std::variant<condition_failed, store_unavailable, invalid_append>;
using read_error = store_unavailable;

template <class Event>
using read_result = expected<std::vector<stored_event<Event>>, read_error>;
using append_result = expected<position, append_error>;

// A DCB event store: reads by query, appends a non-empty batch atomically, optionally under a condition.
template <class S>
concept event_store = requires(S& store, const query& q, const read_options& options,
                               std::vector<event_to_append<typename S::event_type>> batch,
                               const std::optional<append_condition>& condition) {
  typename S::event_type;
  { store.read(q, options) } -> std::same_as<read_result<typename S::event_type>>;
  { store.append(std::move(batch), condition) } -> std::same_as<append_result>;
};

}  // namespace decider
