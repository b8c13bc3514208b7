// decider/store/instance_cache.hpp — instance states kept across commands with the position each reflects, so
// that the next decision touching an instance reads only what was stored since. Bounded by a count of instances
// (the least recently used go first); thread-safe. The store stays the truth: a cached state is a starting point,
// and the append condition still guards the whole boundary from the position the states cover.
#pragma once

#include <cstddef>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <utility>

#include "decider/store/event.hpp"

namespace decider {

struct cache_options {
  std::size_t max_instances = 10'000;  // per kind of instance (per many<Key> part of a decider); 0: no caching
};

template <class Key, class State>
class instance_cache {
 public:
  struct entry {
    std::optional<State> state;  // nullopt: the instance had seen no event at `through`
    decider::position through = 0;
  };

  explicit instance_cache(cache_options options = {}) : capacity_(options.max_instances) {}
  instance_cache(const instance_cache&) = delete;
  instance_cache& operator=(const instance_cache&) = delete;

  // The entry kept for the key, if any (a copy: the caller decides on it while others may update the cache).
  [[nodiscard]] std::optional<entry> get(const Key& key) const {
    std::lock_guard lock(mutex_);
    const auto at = entries_.find(key);
    if (at == entries_.end()) {
      return std::nullopt;
    }
    order_.splice(order_.begin(), order_, at->second.second);  // most recently used first
    return at->second.first;
  }

  // Keeps the entry unless the one kept already covers more of the log.
  void put(const Key& key, entry e) {
    if (capacity_ == 0) {
      return;
    }
    std::lock_guard lock(mutex_);
    const auto at = entries_.find(key);
    if (at != entries_.end()) {
      if (at->second.first.through < e.through) {
        at->second.first = std::move(e);
      }
      order_.splice(order_.begin(), order_, at->second.second);
      return;
    }
    if (entries_.size() >= capacity_) {
      entries_.erase(order_.back());
      order_.pop_back();
    }
    order_.push_front(key);
    entries_.emplace(key, std::pair{std::move(e), order_.begin()});
  }

  [[nodiscard]] std::size_t size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
  }

  void clear() {
    std::lock_guard lock(mutex_);
    entries_.clear();
    order_.clear();
  }

 private:
  std::size_t capacity_;
  mutable std::mutex mutex_;
  mutable std::list<Key> order_;
  std::map<Key, std::pair<entry, typename std::list<Key>::iterator>> entries_;
};

}  // namespace decider
