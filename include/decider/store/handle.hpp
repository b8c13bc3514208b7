// decider/store/handle.hpp — one decider, run on an event store with the boundary it derives for each command:
//   handle(store, d, command)                 read the command's boundary once, fold only the instances it selects,
//                                             decide with d's own decide, append under {boundary, last position
//                                             read}; retry on conflict; the refusal is the one step() returns
//   command_handler handler(store, d);        the same, with instance states cached across commands; returns the
//   handler.handle(command)                   events stored (handled<Event>), the states staying in the cache
// The boundary comes from the decider (decider/store/boundary.hpp); check_boundary in the test kit proves it
// sufficient for a domain's rules.
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "decider/concepts.hpp"
#include "decider/detail/type_list.hpp"
#include "decider/store/boundary.hpp"
#include "decider/store/capabilities.hpp"
#include "decider/store/concepts.hpp"
#include "decider/store/dcb.hpp"
#include "decider/store/query.hpp"
#include "decider/store/run.hpp"

namespace decider {

namespace detail {

// A decision's model for execute(): the union of the command's boundary, a partial state of D holding only the
// instances it selects, and, per instance, the position its cached state covers. With a cache, the instances'
// states are taken from it when a decision starts and moved back into it when an attempt ends (never copied).
template <class D, bool Caching>
class boundary_model {
  using node = node_t<D>;

 public:
  struct state_type {
    state_of<D> partial;
  };

  boundary_model(const D& d, const command_of<D>& command, typename node::cache_type* cache,
                 boundary_buffers<D>& buffers, bool decide_first = false)
      : d_(d), cache_(cache), b_(buffers), decide_first_(decide_first) {
    b_.planner.reset();
    node::make_plan(d, node::select(d, command), b_.planner, b_.plan);
    if constexpr (Caching) {
      node::prefetch(b_.plan, cache_, 0);  // every instance's index cell on its way before start() takes any
    }
    slots_ = b_.planner.slots();
    b_.by_tag.clear();
    b_.untagged.clear();
    const auto& all_items = items();
    if (all_items.size() > 64) {
      for (std::size_t i = 0; i < all_items.size(); ++i) {
        const auto& item = all_items[i];
        if (item.tags.empty()) {
          b_.untagged.push_back(i);
        } else {
          b_.by_tag[item.tags.front()].push_back(i);
        }
      }
    }
  }

  boundary_model(const boundary_model&) = delete;
  boundary_model(boundary_model&&) = delete;
  boundary_model& operator=(boundary_model&&) = delete;
  boundary_model& operator=(const boundary_model&) = delete;

  // The union query; when a part reads every event it matches all, and items() still tells the parts apart.
  [[nodiscard]] const query& selects() const noexcept { return b_.planner.union_query(); }
  [[nodiscard]] const std::vector<query_item>& items() const noexcept { return b_.planner.items(); }

  // The initial state, every instance starting from nothing (one decision at a time uses the buffers' positions).
  [[nodiscard]] state_type initial_state() const {
    b_.from.assign(slots_, 0);
    return {d_.initial_state()};
  }

  // The starting state: instances from the cache; read after the oldest, guarded from the newest.
  [[nodiscard]] auto start() const {
    state_type s = initial_state();
    node::release(b_.plan, cache_);  // what an earlier attempt took and did not keep
    if constexpr (Caching) {
      node::prefetch(b_.plan, cache_, 1);  // then the slots the cells name, before any is waited for
    }
    node::start(d_, b_.plan, s.partial, b_.from, cache_);
    const auto& from = b_.from;
    position lowest = from.empty() ? 0 : *std::min_element(from.begin(), from.end());
    position highest = from.empty() ? 0 : *std::max_element(from.begin(), from.end());
    // Each item is read from where the states reading it start, so that a store can skip what they cover.
    // (A read of every event has no items to hint at.)
    constexpr auto unset = static_cast<position>(-1);
    b_.items_after.clear();
    if (!selects().matches_all()) {
      b_.items_after.assign(items().size(), unset);
      node::bound(b_.plan, from, b_.items_after);
      std::replace(b_.items_after.begin(), b_.items_after.end(), unset, position{0});
    }
    // Likely current when every item is covered by a cached state (an item read from the start is not).
    const bool current = decide_first_ && !b_.items_after.empty() &&
                         std::none_of(b_.items_after.begin(), b_.items_after.end(), [](position p) { return p == 0; });
    return model_start<state_type>{std::move(s), lowest, highest, b_.items_after, current};
  }

  template <class Event>
  [[nodiscard]] state_type evolve(state_type s, const stored_event<Event>& e, matched_items matched = 0) const {
    const auto& items = this->items();
    item_hits hits;
    if (items.size() <= 64) {
      hits.bits = matched;
      if (matched == 0) {
        for (std::size_t i = 0; i < items.size(); ++i) {
          hits.bits |= items[i].matches(e.type, e.tags) ? matched_items{1} << i : 0;
        }
      }
    } else {
      auto& list = b_.hit_list;
      list.clear();
      for (const auto& t : e.tags) {
        if (const auto at = b_.by_tag.find(t); at != b_.by_tag.end()) {
          for (const std::size_t i : at->second) {
            if (items[i].matches(e.type, e.tags)) {
              list.push_back(i);
            }
          }
        }
      }
      for (const std::size_t i : b_.untagged) {
        if (items[i].matches(e.type, e.tags)) {
          list.push_back(i);
        }
      }
      std::sort(list.begin(), list.end());
      hits.list = &list;
    }
    node::evolve(d_, b_.plan, s.partial, b_.from, e, hits);
    return s;
  }

  // Puts the instances' states back into the cache, as of `through`; without a position, gives back empty what
  // was taken (nothing was read).
  void keep(state_type&& s, std::optional<position> through) const requires Caching {
    if (through) {
      node::keep(d_, b_.plan, s.partial, *through, cache_);
    } else {
      node::release(b_.plan, cache_);
    }
  }

  ~boundary_model() {
    if constexpr (Caching) {
      node::release(b_.plan, cache_);  // what an attempt took and did not keep (an error, an exception)
    }
  }

 private:
  const D& d_;
  typename node::cache_type* cache_;
  boundary_buffers<D>& b_;
  std::size_t slots_ = 0;
  bool decide_first_ = false;
};

}  // namespace detail

// What a decision through a command_handler returns: the events it stored (nothing when the decision was to do
// nothing), the attempts it took, and the position of its last event (of the last event read when it stored none).
// The instances' states stay in the handler's cache.
template <class Event>
struct handled {
  std::vector<Event> events;
  std::size_t attempts = 0;
  decider::position position = 0;
};

namespace detail {

template <class Store, class D>
constexpr bool check_handle() {
  if constexpr (!check_event_store<Store>() || !check_decider<D>()) {
    return false;
  } else if constexpr (!has_boundary<D>) {
    static_assert(has_boundary<D>,
                  "decider::handle: this decider has no boundary for a store: build it from many<Key>(d, key_of, "
                  "tags_of), combine and extend<Command>(d, decide_fn, boundary_fn), or give it a member "
                  "`decider::query boundary(const command_type&) const`.");
    return false;
  } else {
    return true;
  }
}

// The decided events, as D's own events (moved when the store's event type is D's).
template <class D, class Event>
std::vector<event_of<D>> own_events(std::vector<Event>&& stored) {
  if constexpr (std::is_same_v<Event, event_of<D>>) {
    return std::move(stored);
  } else {
    std::vector<event_of<D>> events;
    events.reserve(stored.size());
    for (const auto& e : stored) {
      if (auto mine = narrow<event_of<D>>(e)) {
        events.push_back(std::move(*mine));
      }
    }
    return events;
  }
}

}  // namespace detail

struct handle_with_cache_fn {
  // handle_with_cache(store, d, command, options, cache): as handle, starting from the instance states kept in
  // `cache` and keeping them there after; the states are not returned (see command_handler).
  template <class Store, class D>
  [[nodiscard]] auto operator()(Store& store, const D& d, const command_of<D>& command, const execute_options& options,
                                state_cache_of<D>& cache) const {
    if constexpr (!(detail::check_handle<Store, D>())) {
      return;
    } else {
      using result = expected<handled<event_of<D>>, execute_error<error_of<D>>>;
      auto buffers = cache.buffers.lend();  // allocated once, used again by the next decisions
      auto done = [&] {
        const detail::boundary_model<D, true> model(d, command, &cache.states, *buffers, cache.decide_first);
        return execute(
            store, model, [&](const auto& state) { return d.decide(command, state.partial); }, options);
      }();
      cache.buffers.give_back(std::move(buffers));
      if (!done.has_value()) {
        return result(unexpected<execute_error<error_of<D>>>(std::move(done).error()));
      }
      return result(
          handled<event_of<D>>{detail::own_events<D>(std::move(done->events)), done->attempts, done->position});
    }
  }
};
inline constexpr handle_with_cache_fn handle_with_cache{};

struct handle_fn {
  // handle(store, d, command, options): d's decision of `command` on the events of its boundary, appended under it.
  // The outcome's state holds the instances the boundary selects (others are as in the initial state).
  template <class Store, class D>
  [[nodiscard]] auto operator()(Store& store, const D& d, const command_of<D>& command,
                                const execute_options& options = {}) const {
    if constexpr (!(detail::check_handle<Store, D>())) {
      return;
    } else {
      using error = execute_error<error_of<D>>;
      using outcome = run_outcome<state_of<D>, event_of<D>>;
      using result = expected<outcome, error>;
      detail::boundary_buffers<D> buffers;
      const detail::boundary_model<D, false> model(d, command, nullptr, buffers);
      auto done = execute(
          store, model, [&](const auto& state) { return d.decide(command, state.partial); }, options);
      if (!done.has_value()) {
        return result(unexpected<error>(std::move(done).error()));
      }
      return result(outcome{std::move(done->state.partial), detail::own_events<D>(std::move(done->events)),
                            done->attempts, done->position});
    }
  }
};
inline constexpr handle_fn handle{};

// A decider bound to a store, with the states of the instances it touched cached across commands (bounded,
// thread-safe): a decision reads only what was stored since. Share one across threads. handle(command, options)
// returns handled<event> (the events stored, attempts, position) or the same errors as decider::handle.
template <class Store, class D>
class command_handler {
  static_assert(detail::check_handle<Store, D>());

 public:
  command_handler(Store& store, D d, cache_options options = {}) : store_(store), d_(std::move(d)), cache_(options) {}

  [[nodiscard]] auto handle(const command_of<D>& command, const execute_options& options = {}) {
    return handle_with_cache(store_, d_, command, options, cache_);
  }

  [[nodiscard]] const D& decider() const noexcept { return d_; }

 private:
  Store& store_;
  D d_;
  state_cache_of<D> cache_;
};

}  // namespace decider
