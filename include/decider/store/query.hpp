// decider/store/query.hpp — which events a read returns and an append condition guards (the DCB query model).
// A query is a list of items OR'ed together; an item matches an event when the event's type is one of the item's
// types (or the item lists none) AND the event carries every tag of the item. A query with no items matches all.
#pragma once

#include <algorithm>
#include <compare>
#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "decider/store/event.hpp"

namespace decider {

struct query_item {
  std::vector<std::string> types;  // any of these; none: any type
  std::vector<tag> tags;           // all of these; none: no tag required
  friend bool operator==(const query_item&, const query_item&) = default;
  friend auto operator<=>(const query_item&, const query_item&) = default;

  // Both lists as sets (sorted, unique): what the stores index and compare.
  [[nodiscard]] query_item normalized() const { return {detail::normalize(types), detail::normalize(tags)}; }

  // `event_tags` must be a tag set (as tags_of and the stores give).
  [[nodiscard]] bool matches(std::string_view type, const std::vector<tag>& event_tags) const {
    const bool type_ok = types.empty() || std::find(types.begin(), types.end(), type) != types.end();
    if (!type_ok) {
      return false;
    }
    // Events carry a few tags: a scan compares lengths before bytes, which beats a binary search's ordering
    // compares; many tags: binary search.
    if (event_tags.size() <= 8) {
      return std::all_of(tags.begin(), tags.end(), [&](const tag& t) {
        return std::find(event_tags.begin(), event_tags.end(), t) != event_tags.end();
      });
    }
    return std::all_of(tags.begin(), tags.end(),
                       [&](const tag& t) { return std::binary_search(event_tags.begin(), event_tags.end(), t); });
  }
};

struct query {
  std::vector<query_item> items;  // OR'ed; none: every event
  friend bool operator==(const query&, const query&) = default;

  [[nodiscard]] static query all() { return {}; }
  [[nodiscard]] bool matches_all() const noexcept { return items.empty(); }

  [[nodiscard]] bool matches(std::string_view type, const std::vector<tag>& event_tags) const {
    return items.empty() || std::any_of(items.begin(), items.end(),
                                        [&](const query_item& item) { return item.matches(type, event_tags); });
  }

  // This query OR'ed with another: the union a decision model reads.
  [[nodiscard]] query operator|(const query& other) const {
    if (matches_all() || other.matches_all()) {
      return all();
    }
    // Items in first-seen order, each once; a set keeps the union O((n + m) log(n + m)) for queries of many items
    // (a billing batch reads one item per activity).
    query out = *this;
    out.items.reserve(items.size() + other.items.size());  // `seen` points into out.items: no reallocation
    if (items.size() * other.items.size() <= 64) {         // a few items: a scan allocates nothing
      for (const auto& item : other.items) {
        if (std::find(out.items.begin(), out.items.end(), item) == out.items.end()) {
          out.items.push_back(item);
        }
      }
      return out;
    }
    std::set<const query_item*, item_order> seen;
    for (const auto& item : out.items) {
      seen.insert(&item);
    }
    for (const auto& item : other.items) {
      if (!seen.contains(&item)) {
        out.items.push_back(item);
        seen.insert(&item);
      }
    }
    return out;
  }

 private:
  struct item_order {
    bool operator()(const query_item* a, const query_item* b) const { return *a < *b; }
  };
};

// One item: events of these types (none: any) carrying all these tags.
[[nodiscard]] inline query events(std::vector<std::string> types, std::vector<tag> tags = {}) {
  return query{{query_item{std::move(types), std::move(tags)}}};
}
// One item: events of any type carrying all these tags.
[[nodiscard]] inline query tagged(std::vector<tag> tags) { return query{{query_item{{}, std::move(tags)}}}; }

struct read_options {
  // Forwards: positions >= from (default: the first). Backwards: positions <= from (default: the last).
  std::optional<decider::position> from{};
  bool backwards = false;
  std::optional<std::size_t> limit{};  // at most this many events
};

// An append succeeds only if no stored event matching `fail_if_events_match` has a position > after.
// Without `after`, any matching event fails it (uniqueness: "this must not have happened yet").
struct append_condition {
  query fail_if_events_match{};
  std::optional<decider::position> after{};
};

}  // namespace decider
