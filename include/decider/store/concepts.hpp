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

namespace detail {
template <class S>
concept has_store_event_type = requires {
  typename S::event_type;
};
template <class S>
concept has_read = requires(S& store, const query& q, const read_options& options) {
  store.read(q, options);
};
template <class S>
concept read_returns_result = requires(S& store, const query& q, const read_options& options) {
  { store.read(q, options) } -> std::same_as<read_result<typename S::event_type>>;
};
template <class S>
concept has_append = requires(S& store, std::vector<event_to_append<typename S::event_type>> batch,
                              const std::optional<append_condition>& condition) {
  store.append(std::move(batch), condition);
};

// What a store lacks, said at the entry point that needs one (handle, command_handler, execute, run_dcb, the
// conformance suite): the first missing piece, as a sentence, instead of "not a decider::event_store".
template <class S>
constexpr bool check_event_store() {
  if constexpr (!has_store_event_type<S>) {
    static_assert(has_store_event_type<S>,
                  "decider: this type is not an event store: it has no member type `event_type` (the std::variant "
                  "of the events it stores).");
    return false;
  } else if constexpr (!storable_event<typename S::event_type>) {
    static_assert(storable_event<typename S::event_type>,
                  "decider: this type is not an event store: its event_type declares no identity: give each event "
                  "type `static constexpr std::string_view type_name` and `std::vector<decider::tag> tags() const`, "
                  "or specialize decider::event_traits.");
    return false;
  } else if constexpr (!has_read<S>) {
    static_assert(has_read<S>,
                  "decider: this type is not an event store: it has no member "
                  "`read(const decider::query&, const decider::read_options&)`.");
    return false;
  } else if constexpr (!read_returns_result<S>) {
    static_assert(read_returns_result<S>,
                  "decider: this type is not an event store: its read must return "
                  "`decider::read_result<event_type>` (the stored events, or a decider::read_error).");
    return false;
  } else if constexpr (!has_append<S>) {
    static_assert(has_append<S>,
                  "decider: this type is not an event store: it has no member "
                  "`append(std::vector<decider::event_to_append<event_type>>, "
                  "const std::optional<decider::append_condition>&)`.");
    return false;
  } else if constexpr (!event_store<S>) {
    static_assert(event_store<S>,
                  "decider: this type is not an event store: its append must return `decider::append_result` (the "
                  "last position stored, or a decider::append_error).");
    return false;
  } else {
    return true;
  }
}
}  // namespace detail

}  // namespace decider
