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

// Which items of a read's query an event matched: bit i for item i. 0 means "not reported" (a query of more than
// 64 items, the query that matches everything, or a store that does not report it): match it yourself.
using matched_items = std::uint64_t;

namespace detail {
template <class Event>
struct count_visits {
  void operator()(const stored_event<Event>&) const noexcept {}
};
template <class S>
concept reports_matched_items = requires {
  requires S::reports_matched_items;
};
}  // namespace detail

// Optional, for speed: a store that hands each matching event to a function where it lies, without copying it,
// and answers how many it visited. The function must not call the store. Runners and subscriptions use it when a
// store has it, and read() otherwise. A store that also declares `static constexpr bool reports_matched_items =
// true` calls a function taking (event, matched_items) with the items each event matched.
template <class S>
concept streaming_event_store = event_store<S> && requires(const S& store, const query& q, const read_options& options,
                                                           detail::count_visits<typename S::event_type> visit) {
  { store.read_each(q, options, visit) } -> std::same_as<expected<std::size_t, read_error>>;
};

struct read_each_fn {
  // read_each(store, query, options, visit): visit(const stored_event<E>&) for each matching event, in order; or
  // visit(const stored_event<E>&, matched_items), with 0 where the store does not report the items.
  template <class Store, class Visit>
  [[nodiscard]] expected<std::size_t, read_error> operator()(Store& store, const query& q, const read_options& options,
                                                             Visit&& visit) const {
    using S = std::remove_const_t<Store>;
    using stored = stored_event<typename S::event_type>;
    constexpr bool wants_items = std::is_invocable_v<Visit&, const stored&, matched_items>;
    if constexpr (streaming_event_store<S> && (!wants_items || detail::reports_matched_items<S>)) {
      return store.read_each(q, options, std::forward<Visit>(visit));
    } else if constexpr (streaming_event_store<S>) {
      return store.read_each(q, options, [&](const stored& e) { visit(e, matched_items{0}); });
    } else {
      auto read = store.read(q, options);
      if (!read) {
        return unexpected<read_error>(std::move(read).error());
      }
      for (const auto& e : *read) {
        if constexpr (wants_items) {
          visit(e, matched_items{0});
        } else {
          visit(e);
        }
      }
      return read->size();
    }
  }
};
inline constexpr read_each_fn read_each{};

// Optional, for speed: a store that takes an append's condition as its parts, the query by reference, so that a
// caller holding the query (a decision model) need not copy it into an append_condition for every append.
// `append_unless(batch, q, after)` must do exactly what `append(batch, append_condition{q, after})` does.
template <class S>
concept borrowing_event_store = event_store<S> &&
    requires(S& store, std::vector<event_to_append<typename S::event_type>> batch, const query& q,
             std::optional<position> after) {
  { store.append_unless(std::move(batch), q, after) } -> std::same_as<append_result>;
};

struct append_unless_fn {
  // append_unless(store, batch, q, after): append the batch unless an event matching q is stored after `after`
  // (any matching event, without `after`); the store's own append_unless when it has one, else append with an
  // append_condition made of the two.
  template <class Store>
  [[nodiscard]] append_result operator()(Store& store, std::vector<event_to_append<typename Store::event_type>> batch,
                                         const query& q, std::optional<position> after) const {
    if constexpr (borrowing_event_store<Store>) {
      return store.append_unless(std::move(batch), q, after);
    } else {
      return store.append(std::move(batch), std::optional<append_condition>{append_condition{q, after}});
    }
  }
};
inline constexpr append_unless_fn append_unless{};

// Optional, for speed: a store that can be told that a read or a condition of a query follows, in stages (0, 1, 2:
// each a step of the lookups, given once the step before has likely arrived); decisions give the stages between
// their other work. It changes nothing but timing.
template <class S>
concept prefetching_event_store = requires(const S& store, const query& q, int stage) {
  store.prefetch(q, stage);
};

// Optional, for speed: a store that checks an append's condition item by item, with a floor per item of the query:
// `append_unless_items(batch, q, items_after)` appends the batch unless an event matching item i of q is stored
// after items_after[i] (one floor per item; the same errors as append). With it, a decision whose instances' states
// are cached as of different positions can append without reading first: decider::command_handler decides on its
// cached states and reads only when this condition fails or the decision is a refusal or nothing to do.
template <class S>
concept item_conditional_event_store = event_store<S> &&
    requires(S& store, std::vector<event_to_append<typename S::event_type>> batch, const query& q,
             std::span<const position> items_after) {
  { store.append_unless_items(std::move(batch), q, items_after) } -> std::same_as<append_result>;
};

}  // namespace decider
