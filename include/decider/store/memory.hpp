// decider/store/memory.hpp — the in-memory reference event store: thread-safe (concurrent readers, appends
// serialized), with tag and type indexes so that reads and condition checks cost O(matching events), not O(store).
// Use it in tests, in examples, and as the model a durable store is compared with.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "decider/store/append_rules.hpp"
#include "decider/store/capabilities.hpp"
#include "decider/store/concepts.hpp"
#include "decider/store/detail/chunked_log.hpp"
#include "decider/store/detail/prefetch.hpp"
#include "decider/store/detail/string_index.hpp"
#include "decider/store/event.hpp"
#include "decider/store/query.hpp"

namespace decider {

// How a memory store names the events it is given without an id: `<id_prefix>-<position>`. It refuses a given id of
// that form (see judge_batch). A store that keeps its events elsewhere as well (a file, say) names its own.
struct memory_options {
  std::string id_prefix = "memory";
};

template <class Event>
class memory_store {
  static_assert(storable_event<Event>,
                "decider::memory_store: the event type declares no identity: give each event type `static constexpr "
                "std::string_view type_name` and `std::vector<decider::tag> tags() const`, or specialize "
                "decider::event_traits.");

 public:
  using event_type = Event;

  memory_store() = default;
  explicit memory_store(memory_options options) : options_(std::move(options)) {}
  memory_store(const memory_store&) = delete;
  memory_store& operator=(const memory_store&) = delete;

  [[nodiscard]] read_result<Event> read(const query& q, const read_options& options = {}) const {
    std::shared_lock lock(mutex_);
    std::vector<stored_event<Event>> out;
    for (const auto& h : matching(q, options)) {
      out.push_back(log_[h.at - 1]);
    }
    return out;
  }

  // Hands each matching event to visit(const stored_event<Event>&) where it lies, under the read lock: no copy;
  // or to visit(event, matched_items), with the query's items it matched. visit must not call the store.
  // Returns how many events it visited.
  static constexpr bool reports_matched_items = true;

  template <class Visit>
  [[nodiscard]] expected<std::size_t, read_error> read_each(const query& q, const read_options& options,
                                                            Visit&& visit) const {
    std::shared_lock lock(mutex_);
    const auto found = matching(q, options);
    for (const auto& h : found) {
      const stored_event<Event>& e = log_[h.at - 1];
      if constexpr (std::is_invocable_v<Visit&, const stored_event<Event>&, matched_items>) {
        visit(e, h.items);
      } else {
        visit(e);
      }
    }
    return found.size();
  }

  [[nodiscard]] append_result append(std::vector<event_to_append<Event>> batch,
                                     const std::optional<append_condition>& condition = std::nullopt) {
    if (condition) {
      return append_checked(std::move(batch), &condition->fail_if_events_match, condition->after);
    }
    return append_checked(std::move(batch), nullptr, std::nullopt);
  }

  // append(batch, append_condition{q, after}), with the query borrowed (decider::borrowing_event_store).
  [[nodiscard]] append_result append_unless(std::vector<event_to_append<Event>> batch, const query& q,
                                            std::optional<position> after) {
    return append_checked(std::move(batch), &q, after);
  }

  // The batch, unless an event matching item i of q is stored after items_after[i]
  // (decider::item_conditional_event_store).
  [[nodiscard]] append_result append_unless_items(std::vector<event_to_append<Event>> batch, const query& q,
                                                  std::span<const position> items_after) {
    return append_checked(std::move(batch), &q, std::nullopt, items_after);
  }

  // A hint that a read or a condition of q follows: starts loading, for each item, the index of its first tag
  // (stage 0), then the tag's entry (stage 1), then the end of its list of positions (stage 2), each stage once
  // the one before has likely arrived, so that the lookups of a decision's items wait for memory together and
  // while the decision does other work (decider::prefetching_event_store).
  void prefetch(const query& q, int stage) const {
    std::shared_lock lock(mutex_);
    for (const auto& item : q.items) {
      if (item.tags.empty()) {
        continue;
      }
      const auto& t = item.tags.front();
      if (stage == 0) {
        by_tag_.prefetch(t);
      } else if (stage == 1) {
        by_tag_.prefetch_entry(t);
      } else if (const auto* list = by_tag_.find(t); list != nullptr && !list->empty()) {
        detail::prefetch(&list->back());
      }
    }
  }

  // The position of the last event stored (0 when empty).
  [[nodiscard]] position head() const {
    std::shared_lock lock(mutex_);
    return log_.size();
  }

  // Blocks until an event after `after` is stored or the timeout passes; true when there is one.
  // Subscriptions use it to be live without polling.
  bool wait_for_append(position after, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(wake_mutex_);
    return appended_.wait_for(lock, timeout, [&] { return published_.load() > after; });
  }

 private:
  // An append, under the condition {*fail_if, after} when fail_if is not null (item i of *fail_if from
  // items_after[i] when given).
  append_result append_checked(std::vector<event_to_append<Event>> batch, const query* fail_if,
                               std::optional<position> after, std::span<const position> items_after = {}) {
    std::unique_lock lock(mutex_);
    const auto verdict = judge_batch(
        batch, [this](const std::string& id) { return stored(id); }, options_.id_prefix);
    if (auto answer = verdict.answer()) {
      return std::move(*answer);
    }
    if (fail_if != nullptr) {
      if (auto conflict = first_match_after(*fail_if, after.value_or(0), items_after)) {
        return unexpected<append_error>(condition_failed{*conflict});
      }
    }
    const auto now = std::chrono::system_clock::now();
    const position first = log_.size() + 1;
    for (auto& item : batch) {
      const position p = log_.size() + 1;
      auto& record = log_.emplace_back(p, std::string(type_name_of(item.event)), tags_of(item.event),
                                       std::move(item.event), std::move(item.metadata));
      if (record.metadata.recorded_at == std::chrono::system_clock::time_point{}) {
        record.metadata.recorded_at = now;  // a time already given is kept: imports, stores replaying their files
      }
      if (record.metadata.event_id.empty()) {
        record.metadata.event_id = generated_id(p);  // for readers; only given ids are indexed
      } else {
        by_id_.emplace(record.metadata.event_id, p);
      }
      auto& of_type = by_type_[record.type];
      if (of_type.positions.empty()) {
        of_type.number = static_cast<std::uint32_t>(by_type_.size() - 1);
      }
      of_type.positions.push_back(p);
      type_at_.push_back(of_type.number);
      for (const auto& t : record.tags) {
        by_tag_[t].push_back(p);
      }
    }
    const position last = log_.size();
    if (!log_[first - 1].metadata.event_id.empty() && by_id_.count(log_[first - 1].metadata.event_id) != 0) {
      batch_ends_.emplace(first, last);  // a batch with ids can be retried: remember where it ends
    }
    published_.store(last);
    lock.unlock();
    {
      std::lock_guard wake(wake_mutex_);  // no lost wake-up between a waiter's check and its wait
    }
    appended_.notify_all();
    return last;
  }

  struct hit {
    position at = 0;
    matched_items items = 0;
  };

  std::string generated_id(position p) const {
    std::array<char, 24> digits{};
    const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), p).ptr;
    std::string id;
    id.reserve(options_.id_prefix.size() + 1 + static_cast<std::size_t>(end - digits.data()));
    id.append(options_.id_prefix).append("-").append(digits.data(), end);
    return id;
  }

  // The events matching the query, in the order and window the options ask for, with the items each matched.
  std::vector<hit> matching(const query& q, const read_options& options) const {
    const position last = log_.size();
    position low = 1;
    position high = last;
    if (options.from && options.backwards) {
      high = std::min(*options.from, last);
    } else if (options.from) {
      low = std::max<position>(*options.from, 1);
    }
    std::vector<hit> found;
    const std::size_t limit = options.limit.value_or(static_cast<std::size_t>(-1));
    // A decision's boundary: tens of events, one allocation; none when nothing matches (a cached state's read).
    const auto add = [&](position p, matched_items items) {
      if (found.capacity() == 0) {
        found.reserve(std::min<std::size_t>(limit, 32));
      }
      found.push_back({p, items});
    };
    if (low > high || limit == 0) {
      return found;
    }
    // Item i needs no event at or before the reader's items_after[i] (a forward read's hint).
    const auto low_of = [&](std::size_t i) {
      return !options.backwards && i < options.items_after.size() ? std::max(low, options.items_after[i] + 1) : low;
    };
    if (q.matches_all() || q.items.size() == 1) {
      // One list to walk, in the order asked: stop as soon as the limit is reached.
      const query_item everything{};
      const query_item& item = q.matches_all() ? everything : q.items.front();
      const matched_items items = q.matches_all() ? 0 : 1;
      for_each_match(item, q.matches_all() ? low : low_of(0), high, options.backwards, [&](position p) {
        add(p, items);
        return found.size() < limit;
      });
      return found;
    }
    // Several items: gather every item's matches, then order them once (a query of thousands of items, one per
    // activity of a billing batch, stays O(M log M) in the M events it matches).
    const bool report = q.items.size() <= 64;
    if (report) {
      for (const auto& item : q.items) {
        if (!item.tags.empty()) by_tag_.prefetch(item.tags.front());
      }
    }
    for (std::size_t i = 0; i < q.items.size(); ++i) {
      const auto& item = q.items[i];
      const matched_items bit = report ? matched_items{1} << i : 0;
      // With a limit L, the union's first (or, backwards, last) L events are among each item's first (last) L:
      // no item is walked past that. An event kept at the end lies within the first L of every item it matches,
      // so the items reported for it are complete.
      std::size_t taken = 0;
      for_each_match(item, low_of(i), high, options.backwards, [&](position p) {
        add(p, bit);
        return ++taken < limit;
      });
    }
    std::sort(found.begin(), found.end(), [](const hit& a, const hit& b) { return a.at < b.at; });
    std::size_t kept = 0;  // one hit per event, with every item it matched
    for (std::size_t i = 0; i < found.size(); ++i) {
      if (kept > 0 && found[kept - 1].at == found[i].at) {
        found[kept - 1].items |= found[i].items;
      } else {
        found[kept++] = found[i];
      }
    }
    found.resize(kept);
    if (options.backwards) {
      std::reverse(found.begin(), found.end());
    }
    if (found.size() > limit) {
      found.resize(limit);
    }
    return found;
  }

  // Calls visit(p) for each position in [low, high] the item matches, in increasing order (decreasing when
  // backwards), until visit returns false. The candidates come from the shortest of the item's tags' position
  // lists, or from the union of its types' lists; what the list does not guarantee is checked, a type by its
  // number in a compact array, so that a one-tag item's candidates are checked without touching the events.
  template <class Visit>
  void for_each_match(const query_item& item, position low, position high, bool backwards, Visit visit) const {
    auto scan = [&](auto first, auto last, auto keep) {  // a sorted range of positions
      const auto from = std::lower_bound(first, last, low);
      const auto to = std::upper_bound(from, last, high);
      if (backwards) {
        for (auto at = to; at != from;) {
          --at;
          if (keep(*at) && !visit(*at)) {
            return;
          }
        }
      } else {
        for (auto at = from; at != to; ++at) {
          if (keep(*at) && !visit(*at)) {
            return;
          }
        }
      }
    };
    if (!item.tags.empty()) {
      const std::vector<position>* shortest = nullptr;
      for (const auto& t : item.tags) {
        const auto* const at = by_tag_.find(t);
        if (at == nullptr) {
          return;  // a required tag no event has: nothing matches
        }
        if (shortest == nullptr || at->size() < shortest->size()) {
          shortest = at;
        }
      }
      if (shortest->empty() || shortest->back() < low || shortest->front() > high) {
        return;  // none in the window: a condition with nothing newer ends here
      }
      if (item.tags.size() > 1) {
        scan(shortest->begin(), shortest->end(),
             [&](position p) { return item.matches(log_[p - 1].type, log_[p - 1].tags); });
      } else if (item.types.empty()) {
        scan(shortest->begin(), shortest->end(), [](position) { return true; });
      } else {
        std::uint64_t wanted = 0;  // the item's types by number (a store with more than 64 types compares names)
        bool numbered = true;
        for (const auto& type : item.types) {
          if (const auto at = by_type_.find(type); at != by_type_.end()) {
            numbered = numbered && at->second.number < 64;
            wanted |= at->second.number < 64 ? std::uint64_t{1} << at->second.number : 0;
          }
        }
        if (numbered) {
          scan(shortest->begin(), shortest->end(), [&](position p) { return ((wanted >> type_at_[p - 1]) & 1U) != 0; });
        } else {
          scan(shortest->begin(), shortest->end(), [&](position p) { return item.has_type(log_[p - 1].type); });
        }
      }
      return;
    }
    if (!item.types.empty()) {
      std::vector<position> merged;
      for (const auto& type : detail::normalize(item.types)) {  // a type listed twice is one list
        if (const auto at = by_type_.find(type); at != by_type_.end()) {
          const auto& list = at->second.positions;
          const auto from = std::lower_bound(list.begin(), list.end(), low);
          const auto to = std::upper_bound(from, list.end(), high);
          const auto middle = merged.insert(merged.end(), from, to);
          std::inplace_merge(merged.begin(), middle, merged.end());
        }
      }
      scan(merged.begin(), merged.end(), [](position) { return true; });
      return;
    }
    for (position i = 0; i <= high - low; ++i) {  // an item with neither types nor tags matches everything
      if (!visit(backwards ? high - i : low + i)) {
        return;
      }
    }
  }

  // The first event after `after` matching q (item i: after max(after, items_after[i]) when items_after has it).
  std::optional<position> first_match_after(const query& q, position after,
                                            std::span<const position> items_after = {}) const {
    const position last = log_.size();
    if (after >= last) {
      return std::nullopt;
    }
    if (q.matches_all()) {
      return after + 1;
    }
    std::optional<position> first;
    for (std::size_t i = 0; i < q.items.size(); ++i) {
      const position floor = i < items_after.size() ? std::max(after, items_after[i]) : after;
      if (floor >= last) {
        continue;
      }
      for_each_match(q.items[i], floor + 1, last, false, [&](position p) {
        first = first ? std::min(*first, p) : p;
        return false;
      });
    }
    return first;
  }

  // Where a given event id is stored, for judge_batch.
  std::optional<stored_id> stored(const std::string& id) const {
    const auto at = by_id_.find(id);
    if (at == by_id_.end()) {
      return std::nullopt;
    }
    const auto batch = batch_ends_.find(at->second);
    return stored_id{at->second, batch == batch_ends_.end() ? std::nullopt : std::optional<position>(batch->second)};
  }

  memory_options options_;
  mutable std::shared_mutex mutex_;
  // log_[p - 1] is the event at position p. It grows in chunks: an append never moves the events stored.
  detail::chunked_log<stored_event<Event>> log_;
  struct type_index {
    std::uint32_t number = 0;  // in order of first appearance
    std::vector<position> positions;
  };
  std::unordered_map<std::string, type_index> by_type_;
  std::vector<std::uint32_t> type_at_;                  // type_at_[p - 1]: the number of the type of the event at p
  detail::string_index<std::vector<position>> by_tag_;  // the positions of the events carrying each tag
  std::unordered_map<std::string, position> by_id_;
  std::unordered_map<position, position> batch_ends_;  // first position of a batch with ids -> its last
  std::atomic<position> published_{0};
  mutable std::mutex wake_mutex_;
  mutable std::condition_variable appended_;
};

namespace detail {
struct memory_store_probe_event {
  static constexpr std::string_view type_name = "probe";
  [[nodiscard]] std::vector<tag> tags() const { return {}; }
};
}  // namespace detail
static_assert(streaming_event_store<memory_store<detail::memory_store_probe_event>> &&
                  borrowing_event_store<memory_store<detail::memory_store_probe_event>>,
              "decider::memory_store must model decider::event_store, decider::streaming_event_store and "
              "decider::borrowing_event_store");

}  // namespace decider
