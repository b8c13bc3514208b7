// decider/store/detail/string_index.hpp — a map from strings to values for the memory store's indexes: open addressing
// over a flat array of (hash bits, entry number), entries kept in chunks. A lookup touches one slot, one entry
// and the value, where a node-based map walks a chain of separately allocated nodes: on a store of many tags the
// lookups were the largest cost of a decision. Values never move once inserted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "decider/store/detail/chunked_log.hpp"
#include "decider/store/detail/prefetch.hpp"

namespace decider::detail {

template <class Value>
class string_index {
 public:
  string_index() = default;
  string_index(const string_index&) = delete;
  string_index& operator=(const string_index&) = delete;

  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }

  // The value stored for `key`, or nullptr.
  [[nodiscard]] const Value* find(std::string_view key) const noexcept {
    if (slots_.empty()) {
      return nullptr;
    }
    const std::uint64_t h = hash_of(key);
    for (std::size_t i = h & mask(); slots_[i].entry != 0; i = (i + 1) & mask()) {
      if (slots_[i].check == check_of(h)) {
        const auto& e = entries_[slots_[i].entry - 1];
        if (e.key.size() == key.size() && std::string_view(e.key) == key) {
          return &e.value;
        }
      }
    }
    return nullptr;
  }

  // Starts loading the slot where `key` would be, so that lookups of several keys wait for memory together.
  void prefetch(std::string_view key) const noexcept {
    if (!slots_.empty()) {
      detail::prefetch(&slots_[hash_of(key) & mask()]);
    }
  }
  // The next step of a lookup to come, once the slot is likely loaded: starts loading the entry the slot names.
  void prefetch_entry(std::string_view key) const noexcept {
    if (!slots_.empty()) {
      const std::uint64_t h = hash_of(key);
      const auto& s = slots_[h & mask()];
      if (s.entry != 0 && s.check == check_of(h)) {
        detail::prefetch(&entries_[s.entry - 1]);
      }
    }
  }

  // The value stored for `key`, inserted (value-initialized) when there is none.
  Value& operator[](std::string_view key) {
    if ((entries_.size() + 1) * 2 > slots_.size()) {
      grow();
    }
    const std::uint64_t h = hash_of(key);
    std::size_t i = h & mask();
    for (; slots_[i].entry != 0; i = (i + 1) & mask()) {
      if (slots_[i].check == check_of(h)) {
        auto& e = entries_[slots_[i].entry - 1];
        if (e.key.size() == key.size() && std::string_view(e.key) == key) {
          return e.value;
        }
      }
    }
    entries_.push_back(entry{std::string(key), Value{}, h});
    slots_[i] = slot{check_of(h), static_cast<std::uint32_t>(entries_.size())};
    return entries_[entries_.size() - 1].value;
  }

 private:
  struct entry {
    std::string key;
    Value value;
    std::uint64_t hash = 0;  // kept for growing without hashing again
  };
  struct slot {
    std::uint32_t check = 0;  // high bits of the hash: most mismatches are told apart without touching the entry
    std::uint32_t entry = 0;  // 1 + the entry's number; 0: empty
  };

  static std::uint64_t hash_of(std::string_view key) noexcept {
    return static_cast<std::uint64_t>(std::hash<std::string_view>{}(key));
  }
  static std::uint32_t check_of(std::uint64_t h) noexcept { return static_cast<std::uint32_t>(h >> 32); }
  [[nodiscard]] std::size_t mask() const noexcept { return slots_.size() - 1; }

  // Doubles the slots (at least 16) and places every entry again; at most half the slots are in use.
  void grow() {
    std::vector<slot> bigger(slots_.empty() ? 16 : slots_.size() * 2);
    const std::size_t m = bigger.size() - 1;
    for (std::size_t n = 0; n < entries_.size(); ++n) {
      const std::uint64_t h = entries_[n].hash;
      std::size_t i = h & m;
      while (bigger[i].entry != 0) {
        i = (i + 1) & m;
      }
      bigger[i] = slot{check_of(h), static_cast<std::uint32_t>(n + 1)};
    }
    slots_.swap(bigger);
  }

  std::vector<slot> slots_;
  chunked_log<entry> entries_;
};

}  // namespace decider::detail
