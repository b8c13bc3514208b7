// decider/store/capabilities.hpp — what a store may offer beyond read and append, each optional: the library uses
// a capability when a store has it and falls back when it has not. Every one changes speed or liveness only,
// never an answer.
//
//   capability                     member                                      falls back to
//   streaming_event_store          read_each(query, options, visit)            read
//   reports_matched_items          static constexpr bool reports_matched_items folding by matching again
//   borrowing_event_store          append_unless(batch, query, after)          append with an append_condition
//   item_conditional_event_store   append_unless_items(batch, query, after[])  read, then decide (command_handler)
//   prefetching_event_store        prefetch(query, stage)                      nothing
//   knows_head                     head()                                      a read of the last event
//   notifying_event_store          wait_for_append(after, timeout)             polling (subscriptions)
#pragma once

#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "decider/config.hpp"
#include "decider/store/concepts.hpp"
#include "decider/store/event.hpp"
#include "decider/store/query.hpp"

namespace decider {

// Which items of a read's query an event matched: bit i for item i. 0 means "not reported" (a query of more than
// 64 items, the query that matches everything, or a store that does not report it): match it yourself.
using matched_items = std::uint64_t;

namespace detail {
template <class Event>
struct count_visits {
  void operator()(const stored_event<Event>&) const noexcept {}
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

// Optional, with read_each: a store whose read_each also tells which items of the query each event matched
// (`static constexpr bool reports_matched_items = true`), so that a decision folds each event only into the parts
// whose items it matched, without matching it again.
template <class S>
concept reports_matched_items = streaming_event_store<S> && requires {
  requires S::reports_matched_items;
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
    if constexpr (streaming_event_store<S> && (!wants_items || reports_matched_items<S>)) {
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

// Optional: a store that knows the position of its last event without a read.
template <class S>
concept knows_head = requires(const S& store) {
  { store.head() } -> std::convertible_to<position>;
};

// Optional, for liveness: a store that can wake a waiting subscriber when something is appended:
// `wait_for_append(after, timeout)` returns true once an event after `after` is stored, false when the timeout
// passes first.
template <class S>
concept notifying_event_store = requires(const S& store, position after, std::chrono::milliseconds timeout) {
  { store.wait_for_append(after, timeout) } -> std::convertible_to<bool>;
};

}  // namespace decider
