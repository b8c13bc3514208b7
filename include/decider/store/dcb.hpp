// decider/store/dcb.hpp — dynamic consistency boundaries: a decision model composed of projections, each a view
// with the query for the events it needs; one read with the union of their queries; the union query and the last
// position read become the append condition. execute() runs a decision this way with a bounded retry on conflict.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "decider/concepts.hpp"
#include "decider/detail/type_list.hpp"
#include "decider/store/capabilities.hpp"
#include "decider/store/concepts.hpp"
#include "decider/store/query.hpp"

namespace decider {

// A view and the query that selects the events it folds.
template <class V>
struct projection {
  V view;
  query selects;
};

struct project_fn {
  template <class V>
  [[nodiscard]] auto operator()(V view, query selects) const {
    if constexpr (!detail::check_view<V>()) {
      return;
    } else {
      return projection<V>{std::move(view), std::move(selects)};
    }
  }
};
// project(view, query): the view folds the events the query selects.
inline constexpr project_fn project{};

// Several projections read together: the state is a tuple of theirs, the query the union of theirs.
// Each event read is folded only into the projections whose query selects it.
template <class... Vs>
class decision_model {
  static_assert(sizeof...(Vs) > 0, "decider::decision_model: give at least one projection.");
  static constexpr std::size_t parts = sizeof...(Vs);

 public:
  using state_type = std::tuple<state_of<Vs>...>;

  explicit decision_model(projection<Vs>... ps) : views_(std::move(ps.view)...) {
    const bool any_all = (ps.selects.matches_all() || ...);
    const std::size_t total = (ps.selects.items.size() + ...);
    if (!any_all && total <= 64) {
      // The usual case, a few items: each part's items move into the union, and a part is known by the items of
      // the union it is made of. Nothing is copied, and an event is matched against the union's items only.
      query_.items.reserve(total);
      std::size_t i = 0;
      ((items_of_[i++] = take_into_union(std::move(ps.selects))), ...);
      const matched_items every =
          query_.items.size() == 64 ? ~matched_items{0} : (matched_items{1} << query_.items.size()) - 1;
      for (std::size_t p = 0; p < parts; ++p) {
        sees_all_[p] = items_of_[p] == every;
      }
      return;
    }
    // A part that selects every event, or many items (a billing batch reads one per activity): the parts keep
    // their queries, and the union is built beside them.
    std::size_t i = 0;
    ((own_[i++] = std::move(ps.selects)), ...);
    query_ = own_[0];  // start from the first query, not from the empty query (which would select every event)
    for (std::size_t p = 1; p < parts; ++p) {
      query_ |= own_[p];
    }
    // A part whose query is the whole union sees every event read: no need to match each one (matching would
    // cost O(items) per event).
    for (std::size_t p = 0; p < parts; ++p) {
      sees_all_[p] = own_[p] == query_;
    }
    if (!query_.matches_all() && query_.items.size() <= 64) {
      for (std::size_t p = 0; p < parts; ++p) {
        items_of_[p] = items_in_union(own_[p]);
      }
    }
  }

  [[nodiscard]] const query& selects() const noexcept { return query_; }

  [[nodiscard]] state_type initial_state() const {
    return std::apply([](const auto&... v) { return state_type(v.initial_state()...); }, views_);
  }

  // Folds an event read with selects() into the projections whose query selects it. `matched`: the items of
  // selects() the event matched, as a store reports them (decider::matched_items), or 0 to match here.
  template <class Event>
  [[nodiscard]] state_type evolve(state_type state, const stored_event<Event>& e, matched_items matched = 0) const {
    [&]<std::size_t... Is>(std::index_sequence<Is...>) { (evolve_part<Is>(state, e, matched), ...); }
    (std::index_sequence_for<Vs...>{});
    return state;
  }

 private:
  // Moves the query's items that the union lacks into it; returns which items of the union the query is made of.
  matched_items take_into_union(query part) {
    matched_items bits = 0;
    for (auto& item : part.items) {
      const auto at = std::find(query_.items.begin(), query_.items.end(), item);
      bits |= matched_items{1} << static_cast<std::size_t>(at - query_.items.begin());
      if (at == query_.items.end()) {
        query_.items.push_back(std::move(item));
      }
    }
    return bits;
  }

  matched_items items_in_union(const query& part) const {
    matched_items bits = 0;
    for (const auto& item : part.items) {
      const auto at = std::find(query_.items.begin(), query_.items.end(), item);
      bits |= matched_items{1} << static_cast<std::size_t>(at - query_.items.begin());
    }
    return bits;
  }

  // Whether the event matches one of the union's items in `bits`.
  template <class Event>
  bool matches_one_of(matched_items bits, const stored_event<Event>& e) const {
    for (; bits != 0; bits &= bits - 1) {
      if (query_.items[static_cast<std::size_t>(std::countr_zero(bits))].matches(e.type, e.tags)) {
        return true;
      }
    }
    return false;
  }

  template <std::size_t I, class Event>
  void evolve_part(state_type& state, const stored_event<Event>& e, matched_items matched) const {
    bool selected = sees_all_[I];
    if (!selected && items_of_[I] != 0) {
      selected = matched != 0 ? (matched & items_of_[I]) != 0 : matches_one_of(items_of_[I], e);
    } else if (!selected) {
      selected = own_[I].matches(e.type, e.tags);
    }
    if (!selected) {
      return;
    }
    using view_type = std::tuple_element_t<I, std::tuple<Vs...>>;
    detail::with_narrowed<event_of<view_type>>(e.event, [&](const event_of<view_type>& mine) {
      auto& s = std::get<I>(state);
      s = std::get<I>(views_).evolve(std::move(s), mine);
    });
  }

  std::tuple<Vs...> views_;
  query query_;                                  // the union of the parts' queries
  std::array<query, parts> own_{};               // the parts' queries, kept only when they are not items of query_
  std::array<bool, parts> sees_all_{};           // the part selects every event of the union
  std::array<matched_items, parts> items_of_{};  // the part's items in query_; 0 when own_ decides
};

template <class... Vs>
decision_model(projection<Vs>...) -> decision_model<Vs...>;

// A decision model that remembers the state it reached and the position it has read through, so that the next
// decision reads only what was stored since: constant work per decision on a boundary whose history keeps growing.
// Share one per boundary across threads (it locks). The store stays the truth: the snapshot is a starting point,
// and the append condition still guards the whole boundary from the position the snapshot covers.
template <class Model>
class cached_model {
 public:
  using state_type = typename Model::state_type;

  explicit cached_model(Model model) : model_(std::move(model)), state_(model_.initial_state()) {}

  [[nodiscard]] const query& selects() const noexcept { return model_.selects(); }
  [[nodiscard]] state_type initial_state() const { return model_.initial_state(); }
  template <class Event>
  [[nodiscard]] state_type evolve(state_type state, const stored_event<Event>& e, matched_items matched = 0) const {
    return model_.evolve(std::move(state), e, matched);
  }

  // The state with every matching event up to `through` folded in (nothing read yet: the initial state, nullopt).
  [[nodiscard]] std::pair<state_type, std::optional<position>> snapshot() const {
    std::lock_guard lock(mutex_);
    return {state_, through_};
  }
  // Keeps a state reached by a read or a decision, when it covers more of the log than the one kept.
  void remember(const state_type& state, std::optional<position> through) const {
    std::lock_guard lock(mutex_);
    if (through && (!through_ || *through > *through_)) {
      state_ = state;
      through_ = through;
    }
  }

 private:
  Model model_;
  mutable std::mutex mutex_;
  mutable state_type state_;
  mutable std::optional<position> through_;
};

struct cached_fn {
  template <class Model>
  [[nodiscard]] auto operator()(Model model) const {
    return cached_model<Model>(std::move(model));
  }
};
// cached(decision_model(...)): the model, remembering what it read (see cached_model).
inline constexpr cached_fn cached{};

// The decision kept conflicting with concurrent appends for every attempt allowed.
struct retries_exhausted {
  std::size_t attempts = 0;
  friend bool operator==(const retries_exhausted&, const retries_exhausted&) = default;
};

struct execute_options {
  std::size_t max_attempts = 8;
  std::chrono::microseconds first_backoff{50};  // doubled after each conflict
  std::chrono::microseconds max_backoff{5'000};
  // Names this command: its events get ids "<key>#<n>", so a command retried after a lost acknowledgement is
  // stored once (the store answers a repeated batch of ids with the first append's position).
  std::string idempotency_key{};
  event_metadata metadata{};  // correlation and causation ids for every event of the decision
  // A store_unavailable is retried too, within max_attempts and with the same backoff: a failed read always; a
  // failed append only when the command has an idempotency_key, by sending the same batch under the same
  // condition again (stored once, whether or not the lost attempt arrived). Without a key a failed append is
  // returned at once: it may have been stored, and only the caller can tell. After the last attempt the error
  // is the store_unavailable, its message naming the attempts.
  bool retry_unavailable = true;
};

template <class Event, class State>
struct execution {
  decider::position position = 0;  // of the last event appended, or of the last event read if none
  std::vector<Event> events;       // what was appended (nothing when the decision was to do nothing)
  std::size_t attempts = 0;
  State state;  // the decision model's state after the decided events
};

template <class Error>
using execute_error = detail::flat_variant_t<Error, retries_exhausted, store_unavailable, invalid_append>;

namespace detail {

// Why an attempt asks for another: a failed condition, or a store that could not answer.
struct retry_reason {
  std::optional<store_unavailable> unavailable{};  // set: the store failed; empty: a conflict
};

// Runs attempt(n, reason) for n = 1.. until it returns a result; between attempts, backs off (doubling, capped).
// An attempt that returns nullopt says why in `reason`. After the last one: retries_exhausted for conflicts, or
// the store's error, naming the attempts, when the store was failing.
template <class Result, class Attempt>
Result with_retry(const execute_options& options, Attempt attempt) {
  using error = typename Result::error_type;
  auto backoff = options.first_backoff;
  retry_reason reason;
  for (std::size_t n = 1; n <= options.max_attempts; ++n) {
    reason.unavailable.reset();
    std::optional<Result> done = attempt(n, reason);
    if (done) {
      return std::move(*done);
    }
    if (n < options.max_attempts) {
      // A sleep rounds up to the timer's slack (tens of microseconds); a short backoff only yields the core.
      if (backoff < std::chrono::microseconds{50}) {
        std::this_thread::yield();
      } else {
        std::this_thread::sleep_for(backoff);
      }
      backoff = std::min(backoff * 2, options.max_backoff);
    }
  }
  if (reason.unavailable) {
    return Result(unexpected<error>(error(store_unavailable{"gave up after " + std::to_string(options.max_attempts) +
                                                            " attempts: " + reason.unavailable->message})));
  }
  return Result(unexpected<error>(error(retries_exhausted{options.max_attempts})));
}

// A read's error: nullopt to try again (recorded in reason), or the error to return.
template <class Error>
std::optional<Error> unless_retried(const store_unavailable& e, const execute_options& options, retry_reason& reason) {
  if (options.retry_unavailable) {
    reason.unavailable = e;
    return std::nullopt;
  }
  return Error(e);
}

// A store's append error as a runner error; nullopt for a failed condition (retry).
template <class Error>
std::optional<Error> unless_conflict(const append_error& e) {
  if (const auto* down = std::get_if<store_unavailable>(&e)) {
    return Error(*down);
  }
  if (const auto* invalid = std::get_if<invalid_append>(&e)) {
    return Error(*invalid);
  }
  return std::nullopt;
}

template <class Model>
concept remembering_model = requires(const Model& m, const typename Model::state_type& s, std::optional<position> p) {
  m.remember(s, p);
};

// Where a decision starts: the state, the position after which to read, and the position the state covers (the
// append condition's floor). They differ when the state's parts cover different positions (decider::handle).
template <class State>
struct model_start {
  State state;
  position read_after = 0;
  position through = 0;
  std::span<const position> items_after{};  // per item of the model's query, what its state covers (a read hint)
  // The state is likely current (every item covered by a cached state): decide on it first and append under
  // {item i after items_after[i]} on a store that checks a condition item by item, reading only when that fails
  // or the decision is a refusal or nothing to do.
  bool decide_first = false;
};

template <class Model>
concept starting_model = requires(const Model& m) {
  { m.start() } -> std::same_as<model_start<typename Model::state_type>>;
};
template <class Model>
concept snapshot_model = requires(const Model& m) {
  m.snapshot();
};

// A model that starts itself, a cached model's snapshot, or the initial state with nothing read.
template <class Model>
model_start<typename Model::state_type> start_of(const Model& model) {
  if constexpr (starting_model<Model>) {
    return model.start();
  } else if constexpr (snapshot_model<Model>) {
    auto [state, through] = model.snapshot();
    return {std::move(state), through.value_or(0), through.value_or(0)};
  } else {
    return {model.initial_state(), 0, 0};
  }
}

template <class Model>
void remember(const Model& model, const typename Model::state_type& state, std::optional<position> through) {
  if constexpr (remembering_model<Model>) {
    model.remember(state, through);
  }
}

// A model that keeps the states it reaches (moved into it, not copied): execute hands it the state wherever an
// attempt ends (a refusal, a conflict, an append) and returns a default state in its place.
template <class Model>
concept keeping_model = requires(const Model& m, typename Model::state_type s, std::optional<position> p) {
  m.keep(std::move(s), p);
};

// Where an attempt is done with its state: a keeping model takes it (the caller gets a default state), another
// remembers it (when it can) and the caller gets it back.
template <class Model>
typename Model::state_type done_with(const Model& model, typename Model::state_type& state,
                                     std::optional<position> through) {
  if constexpr (keeping_model<Model>) {
    model.keep(std::move(state), through);
    return typename Model::state_type{};
  } else {
    remember(model, state, through);
    return std::move(state);
  }
}

template <class Event>
std::vector<event_to_append<Event>> to_append(const std::vector<Event>& events, const execute_options& options) {
  std::vector<event_to_append<Event>> batch;
  for (std::size_t i = 0; i < events.size(); ++i) {
    event_metadata metadata = options.metadata;
    if (!options.idempotency_key.empty()) {
      metadata.event_id = options.idempotency_key + "#" + std::to_string(i);
    }
    batch.push_back({events[i], std::move(metadata)});
  }
  return batch;
}

}  // namespace detail

struct execute_fn {
  // execute(store, model, decide, options): read the model's union query once, fold, decide on the states,
  // append the events under the condition {union query, last position read}; on conflict, back off and redo.
  // decide: (const model state&) -> decision<Events, Error>.
  template <class Store, class Model, class Decide>
  [[nodiscard]] auto operator()(Store& store, const Model& model, const Decide& decide,
                                const execute_options& options = {}) const {
    if constexpr (!detail::check_event_store<Store>()) {
      return;
    } else {
      using Event = typename Store::event_type;
      using decided = std::remove_cvref_t<std::invoke_result_t<const Decide&, const typename Model::state_type&>>;
      using error = execute_error<typename decided::error_type>;
      using state_type = typename Model::state_type;
      using result = expected<execution<Event, state_type>, error>;

      // An append whose answer was lost, kept to be sent again as it was (idempotency_key set).
      struct unanswered {
        std::vector<Event> events;
        state_type state;
        position through = 0;
        std::optional<position> last;
      };
      std::optional<unanswered> resend;
      // The decision's events as the store's.
      auto widened = [](auto& decision) {
        std::vector<Event> events;
        for (auto& e : *decision) {
          events.push_back(detail::widen<Event>(std::move(e)));
        }
        return events;
      };
      // The result of an append stored at `appended`: the decided events are folded as the store now holds them, so
      // the caller need not read again. (A retried batch the store recognized is already in what was read: nothing
      // to fold again.)
      auto stored = [&](std::vector<Event> events, state_type& state, position through, position appended,
                        std::size_t attempt) {
        position p = appended - events.size();
        for (auto& e : events) {
          if (p + 1 <= through) {
            break;
          }
          // The event is lent to the fold and taken back (not copied).
          stored_event<Event> lent{++p, std::string(type_name_of(e)), tags_of(e), std::move(e), {}};
          state = model.evolve(std::move(state), lent);
          e = std::move(lent.event);
        }
        return result(execution<Event, state_type>{appended, std::move(events), attempt,
                                                   detail::done_with(model, state, appended)});
      };
      // Decides on a start that is likely current and appends under its per-item floors, without reading: the
      // result, or nullopt to read what is new and decide again (a failed condition, a refusal, nothing to do; a
      // refusal stands only once a read confirms it). Not with event ids: a batch the store recognized as a retry
      // would be folded over what was never read.
      auto decide_first = [&]([[maybe_unused]] state_type& state,
                              [[maybe_unused]] const detail::model_start<state_type>& start,
                              [[maybe_unused]] std::size_t attempt) -> std::optional<result> {
        if constexpr (item_conditional_event_store<Store>) {
          if (!start.decide_first || !options.idempotency_key.empty() || !options.metadata.event_id.empty()) {
            return std::nullopt;
          }
          auto decision = decide(static_cast<const state_type&>(state));
          if (!decision.has_value() || decision->empty()) {
            return std::nullopt;
          }
          if constexpr (prefetching_event_store<Store>) {
            store.prefetch(model.selects(), 2);
          }
          auto events = widened(decision);
          auto appended =
              store.append_unless_items(detail::to_append(events, options), model.selects(), start.items_after);
          if (appended.has_value()) {
            return stored(std::move(events), state, start.through, *appended, attempt);
          }
          if (auto failure = detail::unless_conflict<error>(appended.error())) {
            return result(unexpected<error>(std::move(*failure)));
          }
        }
        return std::nullopt;
      };
      // Sends the decided events under the condition {union query, last}; the result, or nullopt to try again.
      auto append = [&](std::vector<Event> events, state_type state, position through, std::optional<position> last,
                        std::size_t attempt, detail::retry_reason& reason) -> std::optional<result> {
        auto appended = append_unless(store, detail::to_append(events, options), model.selects(), last);
        if (appended.has_value()) {
          return stored(std::move(events), state, through, *appended, attempt);
        }
        if (const auto* down = std::get_if<store_unavailable>(&appended.error())) {
          if (!options.retry_unavailable || options.idempotency_key.empty()) {
            return result(unexpected<error>(error(*down)));
          }
          reason.unavailable = *down;
          resend = unanswered{std::move(events), std::move(state), through, last};
          return std::nullopt;  // send the same batch again: the store recognizes it if the lost attempt arrived
        }
        if (auto failure = detail::unless_conflict<error>(appended.error())) {
          return result(unexpected<error>(std::move(*failure)));
        }
        if constexpr (detail::keeping_model<Model>) {
          model.keep(std::move(state), last);  // what was read is still true: the next attempt reads only what is new
        }
        return std::nullopt;  // a concurrent append to the boundary: read and decide again
      };
      return detail::with_retry<result>(
          options, [&](std::size_t attempt, detail::retry_reason& reason) -> std::optional<result> {
            if (resend) {
              auto again = std::move(*resend);
              resend.reset();
              return append(std::move(again.events), std::move(again.state), again.through, again.last, attempt,
                            reason);
            }
            // Hints for a model that starts from cached states: its start takes them while the store's lookups load.
            const auto prefetch = [&](int stage) {
              if constexpr (prefetching_event_store<Store> && detail::starting_model<Model>) {
                store.prefetch(model.selects(), stage);
              }
            };
            prefetch(0);
            auto start = detail::start_of(model);  // not a structured binding: lambdas capture these below
            prefetch(1);
            auto state = std::move(start.state);
            if (auto done = decide_first(state, start, attempt)) {
              return done;
            }
            position through = start.through;  // the last position covered; 0: none (positions start at 1)
            read_options window{};
            if (start.read_after > 0) {
              window.from = start.read_after + 1;  // a cached model has folded everything up to there
            }
            window.items_after = start.items_after;
            const auto read =
                read_each(store, model.selects(), window, [&](const stored_event<Event>& e, matched_items items) {
                  state = model.evolve(std::move(state), e, items);
                  through = std::max(through, e.position);
                });
            if (!read.has_value()) {
              if (auto failure = detail::unless_retried<error>(read.error(), options, reason)) {
                return result(unexpected<error>(std::move(*failure)));
              }
              return std::nullopt;
            }
            const std::optional<position> last = through > 0 ? std::optional<position>(through) : std::nullopt;
            auto decision = decide(static_cast<const typename Model::state_type&>(state));
            if (!decision.has_value()) {
              static_cast<void>(detail::done_with(model, state, last));  // what was read
              return result(unexpected<error>(detail::widen<error>(std::move(decision).error())));
            }
            if (decision->empty()) {
              return result(execution<Event, state_type>{through, {}, attempt, detail::done_with(model, state, last)});
            }
            return append(widened(decision), std::move(state), through, last, attempt, reason);
          });
    }
  }
};
inline constexpr execute_fn execute{};

}  // namespace decider
