// decider/store/detail/slot_index.hpp — an index from keys to the numbers of the slots that hold them, for the instance
// cache: open addressing over a flat array of (hash bits, slot number), the keys themselves kept in the slots the
// caller owns (key_at(slot) gives a slot's key). A lookup touches one cell and the slot it names, where a
// node-based map walks separately allocated nodes: with tens of thousands of instances cached, those walks were the
// largest cost of starting a decision. Keys are erased by shifting the cells after them back (no tombstones).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "decider/store/detail/prefetch.hpp"

namespace decider::detail {

// "No slot": what the index, the cache's other index and the cache itself answer for a key they do not hold.
inline constexpr std::size_t no_slot = static_cast<std::size_t>(-1);

template <class Key>
class slot_index {
 public:
  static constexpr std::size_t none = no_slot;

  // The slot holding `key`, or none.
  template <class KeyAt>
  [[nodiscard]] std::size_t find(const Key& key, const KeyAt& key_at) const {
    const std::size_t at = cell_of(key, key_at);
    return at == none ? none : cells_[at].slot - 1;
  }

  // Hints at a lookup of `key` to come: asks for the cell where it starts, reading nothing.
  void prefetch(const Key& key) const {
    if (!cells_.empty()) {
      detail::prefetch(&cells_[hash_of(key) & mask()]);
    }
  }

  // The slot a lookup of `key` most likely ends at (the first cell with its hash bits), keys not compared: a hint
  // for prefetching the slot, or none.
  [[nodiscard]] std::size_t likely(const Key& key) const {
    if (cells_.empty()) {
      return none;
    }
    const std::uint32_t h = hash_of(key);
    const std::size_t m = mask();
    for (std::size_t i = h & m; cells_[i].slot != 0; i = (i + 1) & m) {
      if (cells_[i].hash == h) {
        return cells_[i].slot - 1;
      }
    }
    return none;
  }

  // Indexes `key` (not indexed yet) as held by `slot`.
  void insert(const Key& key, std::size_t slot) {
    if ((size_ + 1) * 2 > cells_.size()) {
      grow();
    }
    place(cell{hash_of(key), static_cast<std::uint32_t>(slot + 1)});
    ++size_;
  }

  // Removes `key` from the index, if it is there.
  template <class KeyAt>
  void erase(const Key& key, const KeyAt& key_at) {
    std::size_t hole = cell_of(key, key_at);
    if (hole == none) {
      return;
    }
    const std::size_t m = mask();
    cells_[hole] = cell{};
    --size_;
    // Each following cell of the run moves into the hole unless its home lies cyclically in (hole, next].
    for (std::size_t next = (hole + 1) & m; cells_[next].slot != 0; next = (next + 1) & m) {
      const std::size_t home = cells_[next].hash & m;
      const bool stays = hole <= next ? (hole < home && home <= next) : (hole < home || home <= next);
      if (!stays) {
        cells_[hole] = cells_[next];
        cells_[next] = cell{};
        hole = next;
      }
    }
  }

  void clear() {
    cells_.clear();
    size_ = 0;
  }

 private:
  struct cell {
    std::uint32_t hash = 0;  // the key's hash, low bits: its home cell, and most mismatches told apart
    std::uint32_t slot = 0;  // 1 + the slot's number; 0: empty
  };

  static std::uint32_t hash_of(const Key& key) { return static_cast<std::uint32_t>(std::hash<Key>{}(key)); }
  [[nodiscard]] std::size_t mask() const noexcept { return cells_.size() - 1; }

  template <class KeyAt>
  [[nodiscard]] std::size_t cell_of(const Key& key, const KeyAt& key_at) const {
    if (cells_.empty()) {
      return none;
    }
    const std::uint32_t h = hash_of(key);
    const std::size_t m = mask();
    for (std::size_t i = h & m; cells_[i].slot != 0; i = (i + 1) & m) {
      if (cells_[i].hash == h && key_at(cells_[i].slot - 1) == key) {
        return i;
      }
    }
    return none;
  }

  void place(cell c) {
    const std::size_t m = mask();
    std::size_t i = c.hash & m;
    while (cells_[i].slot != 0) {
      i = (i + 1) & m;
    }
    cells_[i] = c;
  }

  // Doubles the cells (at least 16) and places every key again.
  void grow() {
    std::vector<cell> old(cells_.empty() ? 16 : cells_.size() * 2);
    old.swap(cells_);
    for (const cell& c : old) {
      if (c.slot != 0) {
        place(c);
      }
    }
  }

  std::vector<cell> cells_;
  std::size_t size_ = 0;
};

}  // namespace decider::detail
