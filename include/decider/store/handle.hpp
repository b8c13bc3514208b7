// decider/store/handle.hpp — one decider, run on an event store with the boundary it derives for each command:
//   handle(store, d, command)                 read the command's boundary once, fold only the instances it selects,
//                                             decide with d's own decide, append under {boundary, last position
//                                             read}; retry on conflict; the refusal is the one step() returns
//   command_handler handler(store, d);        the same, with instance states cached across commands
//   handler.handle(command)
// The boundary comes from the decider (decider/store/boundary.hpp); check_boundary in the test kit proves it
// sufficient for a domain's rules.
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "decider/concepts.hpp"
#include "decider/detail/type_list.hpp"
#include "decider/store/boundary.hpp"
#include "decider/store/concepts.hpp"
#include "decider/store/dcb.hpp"
#include "decider/store/query.hpp"
#include "decider/store/run.hpp"

namespace decider {

namespace detail {

// A decision's model for execute(): the union of the command's boundary, a partial state of D holding only the
// instances it selects, and, per instance, the position its cached state covers.
template <class D>
class boundary_model {
  using node = node_t<D>;

 public:
  struct state_type {
    state_of<D> partial;
    std::vector<position> from;  // per slot: the position its starting state covers
  };

  boundary_model(const D& d, const command_of<D>& command, typename node::cache_type* cache = nullptr)
      : d_(d), cache_(cache), plan_(node::make_plan(d, node::select(d, command), planner_)), slots_(planner_.slots()) {
    // The union query owns the items (moved, not copied); a part that reads every event makes the query match all,
    // and the items are kept beside it, to tell which parts an event concerns.
    if (planner_.all()) {
      every_item_ = planner_.take_items();
    } else {
      query_.items = planner_.take_items();
    }
    const auto& all_items = items();
    if (all_items.size() > 64) {
      for (std::size_t i = 0; i < all_items.size(); ++i) {
        const auto& item = all_items[i];
        if (item.tags.empty()) {
          untagged_.push_back(i);
        } else {
          by_tag_[item.tags.front()].push_back(i);
        }
      }
    }
  }

  boundary_model(const boundary_model&) = delete;  // by_tag_ points into the items
  boundary_model& operator=(const boundary_model&) = delete;

  [[nodiscard]] const query& selects() const noexcept { return query_; }
  [[nodiscard]] const std::vector<query_item>& items() const noexcept {
    return query_.matches_all() ? every_item_ : query_.items;
  }

  [[nodiscard]] state_type initial_state() const { return {d_.initial_state(), std::vector<position>(slots_, 0)}; }

  // The starting state: instances from the cache; read after the oldest, guarded from the newest.
  [[nodiscard]] auto start() const {
    state_type s = initial_state();
    node::start(d_, plan_, s.partial, s.from, cache_);
    position lowest = s.from.empty() ? 0 : *std::min_element(s.from.begin(), s.from.end());
    position highest = s.from.empty() ? 0 : *std::max_element(s.from.begin(), s.from.end());
    return model_start<state_type>{std::move(s), lowest, highest};
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
      hit_list_.clear();
      for (const auto& t : e.tags) {
        if (const auto at = by_tag_.find(t); at != by_tag_.end()) {
          for (const std::size_t i : at->second) {
            if (items[i].matches(e.type, e.tags)) {
              hit_list_.push_back(i);
            }
          }
        }
      }
      for (const std::size_t i : untagged_) {
        if (items[i].matches(e.type, e.tags)) {
          hit_list_.push_back(i);
        }
      }
      std::sort(hit_list_.begin(), hit_list_.end());
      hits.list = &hit_list_;
    }
    node::evolve(d_, plan_, s.partial, s.from, e, hits);
    return s;
  }

  void remember(const state_type& s, std::optional<position> through) const {
    if (cache_ != nullptr && through) {
      node::remember(d_, plan_, s.partial, *through, cache_);
    }
  }

 private:
  const D& d_;
  typename node::cache_type* cache_;
  boundary_planner planner_;
  typename node::plan plan_;
  std::size_t slots_ = 0;
  query query_;
  std::vector<query_item> every_item_;                                     // the items, when query_ matches every event
  std::unordered_map<std::string_view, std::vector<std::size_t>> by_tag_;  // many items: by each item's first tag
  std::vector<std::size_t> untagged_;
  mutable std::vector<std::size_t> hit_list_;
};

}  // namespace detail

struct handle_with_cache_fn {
  // handle(store, d, command, options, cache): as handle, starting from and keeping instance states in `cache`
  // (nullptr: none).
  template <class Store, class D>
  [[nodiscard]] auto operator()(Store& store, const D& d, const command_of<D>& command, const execute_options& options,
                                state_cache_of<D>* cache) const {
    static_assert(event_store<Store>, "decider::handle: the first argument is not a decider::event_store.");
    static_assert(detail::check_decider<D>());
    static_assert(has_boundary<D>,
                  "decider::handle: this decider has no boundary for a store: build it from many<Key>(d, key_of, "
                  "tags_of), combine and extend<Command>(d, decide_fn, boundary_fn), or give it a member "
                  "`decider::query boundary(const command_type&) const`.");
    using error = execute_error<error_of<D>>;
    using outcome = run_outcome<state_of<D>, event_of<D>>;
    using result = expected<outcome, error>;
    const detail::boundary_model<D> model(d, command, cache);
    auto done = execute(
        store, model, [&](const auto& state) { return d.decide(command, state.partial); }, options);
    if (!done.has_value()) {
      return result(unexpected<error>(std::move(done).error()));
    }
    std::vector<event_of<D>> events;
    events.reserve(done->events.size());
    for (const auto& e : done->events) {
      if (auto mine = detail::narrow<event_of<D>>(e)) {
        events.push_back(std::move(*mine));
      }
    }
    return result(outcome{std::move(done->state.partial), std::move(events), done->attempts, done->position});
  }
};
inline constexpr handle_with_cache_fn handle_with_cache{};

struct handle_fn {
  // handle(store, d, command, options): d's decision of `command` on the events of its boundary, appended under it.
  // The outcome's state holds the instances the boundary selects (others are as in the initial state).
  template <class Store, class D>
  [[nodiscard]] auto operator()(Store& store, const D& d, const command_of<D>& command,
                                const execute_options& options = {}) const {
    return handle_with_cache(store, d, command, options, static_cast<state_cache_of<D>*>(nullptr));
  }
};
inline constexpr handle_fn handle{};

// A decider bound to a store, with the states of the instances it touched cached across commands (bounded,
// thread-safe): a decision reads only what was stored since. Share one across threads.
template <class Store, class D>
class command_handler {
 public:
  command_handler(Store& store, D d, cache_options options = {}) : store_(store), d_(std::move(d)), cache_(options) {}

  [[nodiscard]] auto handle(const command_of<D>& command, const execute_options& options = {}) {
    return handle_with_cache(store_, d_, command, options, &cache_);
  }

  [[nodiscard]] const D& decider() const noexcept { return d_; }

 private:
  Store& store_;
  D d_;
  state_cache_of<D> cache_;
};

}  // namespace decider
