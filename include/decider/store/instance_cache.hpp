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
#include <utility>
#include <vector>

#include "decider/store/detail/prefetch.hpp"
#include "decider/store/detail/slot_index.hpp"
#include "decider/store/event.hpp"

namespace decider {

struct cache_options {
  std::size_t max_instances = 10'000;  // per kind of instance (per many<Key> part of a decider); 0: no caching
  // When every instance of a decision is cached, decide on the cached states and append under a condition that
  // checks each instance from the position its state covers, without reading first; read what is new and decide
  // again only when that condition fails or the decision is a refusal or nothing to do. On a store that cannot
  // check a condition per item (decider::item_conditional_event_store), or with event ids, decisions read first.
  // false: every decision reads first (better when other processes write the same instances most of the time).
  bool decide_first = true;
};

namespace detail {

template <class Key>
concept hashable_key = requires(const Key& k) {
  { std::hash<Key>{}(k) } -> std::convertible_to<std::size_t>;
};

// Where the cache finds a key's slot: an open-addressing index for keys std::hash knows (see slot_index.hpp), an
// ordered map for the others.
template <class Key>
class instance_index {
 public:
  static constexpr std::size_t none = no_slot;
  template <class KeyAt>
  [[nodiscard]] std::size_t find(const Key& key, const KeyAt& key_at) const {
    if constexpr (hashable_key<Key>) {
      return hashed_.find(key, key_at);
    } else {
      const auto at = ordered_.find(key);
      return at == ordered_.end() ? none : at->second;
    }
  }
  void insert(const Key& key, std::size_t slot) {
    if constexpr (hashable_key<Key>) {
      hashed_.insert(key, slot);
    } else {
      ordered_.emplace(key, slot);
    }
  }
  template <class KeyAt>
  void erase(const Key& key, const KeyAt& key_at) {
    if constexpr (hashable_key<Key>) {
      hashed_.erase(key, key_at);
    } else {
      ordered_.erase(key);
    }
  }
  void clear() {
    hashed_.clear();
    ordered_.clear();
  }
  // Prefetching hints (keys std::hash knows only): the cell a lookup starts at; the slot it likely ends at.
  void prefetch(const Key& key) const {
    if constexpr (hashable_key<Key>) {
      hashed_.prefetch(key);
    }
  }
  [[nodiscard]] std::size_t likely(const Key& key) const {
    if constexpr (hashable_key<Key>) {
      return hashed_.likely(key);
    } else {
      return none;
    }
  }

 private:
  struct nothing {
    void clear() {}
  };
  [[no_unique_address]] std::conditional_t<hashable_key<Key>, slot_index<Key>, nothing> hashed_;
  [[no_unique_address]] std::conditional_t<hashable_key<Key>, nothing, std::map<Key, std::size_t>> ordered_;
};

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
  static constexpr std::size_t no_slot = detail::no_slot;

  explicit instance_cache(cache_options options = {}) : capacity_(options.max_instances) {}
  instance_cache(const instance_cache&) = delete;
  instance_cache& operator=(const instance_cache&) = delete;

  // The entry kept for the key, if any. An instance one decision at a time uses is taken out of the cache (moved,
  // not copied: `moved` is set), and the decision puts it back when done. An instance that decisions use at the same
  // time (one found it taken) is contended from then on: each decision gets a copy, and the cache keeps the newest.
  [[nodiscard]] std::optional<entry> take(const Key& key) {
    std::lock_guard lock(mutex_);
    const std::size_t at = index_.find(key, key_at());
    if (at == no_slot) {
      return std::nullopt;
    }
    auto& s = slots_[at];
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
    taken->slot = at;
    return taken;
  }

  // A hint that take(key) follows, in two stages: fetch the index cell (stage 0), then the slot it names (stage 1).
  // A decision gives each stage for all its instances before taking any, so that their memory fetches overlap.
  void prefetch(const Key& key, int stage) const {
    std::lock_guard lock(mutex_);
    if (stage == 0) {
      index_.prefetch(key);
    } else if (const std::size_t at = index_.likely(key); at < slots_.size()) {
      detail::prefetch(&slots_[at]);
    }
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
    } else {
      found = index_.find(key, key_at());
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
    index_.insert(key, place);
  }

  struct slot {
    Key key{};
    entry kept{};
    bool held = false;       // false: taken by a decision that has not put it back
    bool used = false;       // the clock's mark
    bool contended = false;  // decisions used it at the same time: they get copies
  };

  // The key a slot holds, for the index to compare keys with.
  [[nodiscard]] auto key_at() const {
    return [this](std::size_t at) -> const Key& { return slots_[at].key; };
  }

  // Frees a slot for a new instance: the first one the hand finds unmarked (clearing marks on the way).
  std::size_t evict() {
    while (slots_[hand_].used) {
      slots_[hand_].used = false;
      hand_ = (hand_ + 1) % slots_.size();
    }
    const std::size_t place = hand_;
    hand_ = (hand_ + 1) % slots_.size();
    index_.erase(slots_[place].key, key_at());
    return place;
  }

  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::vector<slot> slots_;
  detail::instance_index<Key> index_;
  std::size_t hand_ = 0;
};

}  // namespace decider
