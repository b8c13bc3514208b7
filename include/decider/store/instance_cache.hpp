// decider/store/instance_cache.hpp — instance states kept across commands with the position each reflects, so
// that the next decision touching an instance reads only what was stored since. Bounded by a count of instances
// (those not used for longest go first); thread-safe. The store stays the truth: a cached state is a starting point,
// and the append condition still guards the whole boundary from the position the states cover.
#pragma once

#include <concepts>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "decider/store/event.hpp"

namespace decider {

struct cache_options {
  std::size_t max_instances = 10'000;  // per kind of instance (per many<Key> part of a decider); 0: no caching
};

namespace detail {

template <class Key>
concept hashable_key = requires(const Key& k) {
  { std::hash<Key>{}(k) } -> std::convertible_to<std::size_t>;
};

// A hash map for keys std::hash knows, an ordered map for the others.
template <class Key, class Value>
using instance_map = std::conditional_t<hashable_key<Key>, std::unordered_map<Key, Value>, std::map<Key, Value>>;

}  // namespace detail

// Eviction is the clock algorithm, an approximation of least recently used that keeps no list: each instance has
// a "used" mark, set when it is put; when the cache is full, a hand sweeps the instances, clearing marks, and
// evicts the first it finds unmarked.
template <class Key, class State>
class instance_cache {
 public:
  struct entry {
    std::optional<State> state;  // nullopt: the instance had seen no event at `through`
    decider::position through = 0;
    std::size_t slot = no_slot;  // where take() found it: put() looks there first
    bool moved = false;          // take() moved it out of the cache (the taker must put it back)
  };
  static constexpr std::size_t no_slot = static_cast<std::size_t>(-1);

  explicit instance_cache(cache_options options = {}) : capacity_(options.max_instances) {}
  instance_cache(const instance_cache&) = delete;
  instance_cache& operator=(const instance_cache&) = delete;

  // The entry kept for the key, if any. An instance one decision at a time uses is taken out of the cache (moved,
  // not copied: `moved` is set), and the decision puts it back when done. An instance that decisions use at the same
  // time (one found it taken) is contended from then on: each decision gets a copy, and the cache keeps the newest.
  [[nodiscard]] std::optional<entry> take(const Key& key) {
    std::lock_guard lock(mutex_);
    const auto at = index_.find(key);
    if (at == index_.end()) {
      return std::nullopt;
    }
    auto& s = slots_[at->second];
    if (!s.held) {
      s.contended = true;  // taken by a decision in progress: this one reads the instance's events
      return std::nullopt;
    }
    std::optional<entry> taken;
    if (s.contended) {
      taken = s.kept;
    } else {
      s.held = false;  // the slot stays: putting it back allocates nothing
      taken = std::move(s.kept);
      taken->moved = true;
    }
    taken->slot = at->second;
    return taken;
  }

  // Keeps the entry unless the one kept already covers more of the log.
  void put(const Key& key, entry e) {
    if (capacity_ == 0) {
      return;
    }
    std::lock_guard lock(mutex_);
    put_locked(key, std::move(e));
  }

  // The number of instances kept (not counting those taken by a decision in progress).
  [[nodiscard]] std::size_t size() const {
    std::lock_guard lock(mutex_);
    std::size_t held = 0;
    for (const auto& s : slots_) {
      held += s.held ? 1 : 0;
    }
    return held;
  }

  void clear() {
    std::lock_guard lock(mutex_);
    index_.clear();
    slots_.clear();
    hand_ = 0;
  }

 private:
  void put_locked(const Key& key, entry e) {
    std::size_t found = no_slot;
    if (e.slot < slots_.size() && slots_[e.slot].key == key) {
      found = e.slot;  // still where it was taken from (not evicted meanwhile)
    } else if (const auto at = index_.find(key); at != index_.end()) {
      found = at->second;
    }
    if (found != no_slot) {
      auto& s = slots_[found];
      if (!s.held || s.kept.through < e.through) {
        s.kept = std::move(e);
        s.held = true;
      }
      s.used = true;
      return;
    }
    std::size_t place = slots_.size();
    if (slots_.size() >= capacity_) {
      place = evict();
    } else {
      slots_.emplace_back();
    }
    auto& s = slots_[place];
    s.key = key;
    s.kept = std::move(e);
    s.held = true;
    s.used = true;
    s.contended = false;
    index_.emplace(key, place);
  }

  struct slot {
    Key key{};
    entry kept{};
    bool held = false;       // false: taken by a decision that has not put it back
    bool used = false;       // the clock's mark
    bool contended = false;  // decisions used it at the same time: they get copies
  };

  // Frees a slot for a new instance: the first one the hand finds unmarked (clearing marks on the way).
  std::size_t evict() {
    while (slots_[hand_].used) {
      slots_[hand_].used = false;
      hand_ = (hand_ + 1) % slots_.size();
    }
    const std::size_t place = hand_;
    hand_ = (hand_ + 1) % slots_.size();
    index_.erase(slots_[place].key);
    return place;
  }

  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::vector<slot> slots_;
  detail::instance_map<Key, std::size_t> index_;
  std::size_t hand_ = 0;
};

}  // namespace decider
