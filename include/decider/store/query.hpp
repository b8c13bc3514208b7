// decider/store/query.hpp — which events a read returns and an append condition guards (the DCB query model).
// A query is a list of items OR'ed together; an item matches an event when the event's type is one of the item's
// types (or the item lists none) AND the event carries every tag of the item. A query with no items matches all.
#pragma once

#include <algorithm>
#include <compare>
#include <cstddef>
#include <optional>
#include <set>
#include <span>
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
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads a defaulted <=>
  friend auto operator<=>(const query_item&, const query_item&) = default;

  // Both lists as sets (sorted, unique): what the stores index and compare.
  [[nodiscard]] query_item normalized() const { return {detail::normalize(types), detail::normalize(tags)}; }

  // True when the item lists no types or lists this one.
  [[nodiscard]] bool has_type(std::string_view type) const noexcept {
    return types.empty() || std::any_of(types.begin(), types.end(), [&](const std::string& t) { return t == type; });
  }

  // `event_tags` must be a tag set (as tags_of and the stores give).
  [[nodiscard]] bool matches(std::string_view type, const std::vector<tag>& event_tags) const {
    if (!has_type(type)) {
      return false;
    }
    // Events carry a few tags: a scan compares lengths before bytes, which beats a binary search's ordering
    // compares; many tags: binary search.
    if (event_tags.size() <= 8) {
      return std::all_of(tags.begin(), tags.end(), [&](const tag& t) {
        return std::any_of(event_tags.begin(), event_tags.end(), [&](const tag& e) { return e == t; });
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
  // A query that selects no event: one item of the reserved type name "decider:none" (name no event type so).
  // A decision whose boundary names nothing reads nothing, and its append condition guards nothing.
  [[nodiscard]] static const query& none() {
    static const query nothing{{query_item{{std::string(none_type)}, {}}}};
    return nothing;
  }
  static constexpr std::string_view none_type = "decider:none";

  [[nodiscard]] bool matches(std::string_view type, const std::vector<tag>& event_tags) const {
    return items.empty() || std::any_of(items.begin(), items.end(),
                                        [&](const query_item& item) { return item.matches(type, event_tags); });
  }

  // Adds the other query's items that this one lacks, in their order.
  query& operator|=(const query& other) {
    if (matches_all() || other.matches_all()) {
      items.clear();
      return *this;
    }
    items.reserve(items.size() + other.items.size());  // `seen` points into items: no reallocation
    if (items.size() * other.items.size() <= 64) {     // a few items: a scan allocates nothing
      for (const auto& item : other.items) {
        if (std::find(items.begin(), items.end(), item) == items.end()) {
          items.push_back(item);
        }
      }
      return *this;
    }
    // Many items (a billing batch reads one per activity): a set keeps the union O((n + m) log(n + m)).
    std::set<const query_item*, item_order> seen;
    for (const auto& item : items) {
      seen.insert(&item);
    }
    for (const auto& item : other.items) {
      if (seen.insert(&item).second) {
        items.push_back(item);
      }
    }
    return *this;
  }

  // The same, moving the other query's items instead of copying them.
  query& operator|=(query&& other) {
    if (matches_all() || other.matches_all() || items.size() * other.items.size() > 64) {
      return *this |= static_cast<const query&>(other);
    }
    items.reserve(items.size() + other.items.size());
    for (auto& item : other.items) {
      if (std::find(items.begin(), items.end(), item) == items.end()) {
        items.push_back(std::move(item));
      }
    }
    return *this;
  }

  // This query OR'ed with another: the union a decision model reads. Temporaries are reused, not copied:
  // `tagged({a}) | tagged({b})` allocates for the two items and once more for the union.
  [[nodiscard]] friend query operator|(query a, query b) {
    a |= std::move(b);
    return a;
  }

 private:
  struct item_order {
    bool operator()(const query_item* a, const query_item* b) const { return *a < *b; }
  };
};

// One item: events of these types (none: any) carrying all these tags.
[[nodiscard]] inline query events(std::vector<std::string> types, std::vector<tag> tags = {}) {
  query q;  // built in place: a braced list would copy the item
  q.items.push_back(query_item{std::move(types), std::move(tags)});
  return q;
}
// One item: events of any type carrying all these tags.
[[nodiscard]] inline query tagged(std::vector<tag> tags) { return events({}, std::move(tags)); }

struct read_options {
  // Forwards: positions >= from (default: the first). Backwards: positions <= from (default: the last).
  std::optional<decider::position> from{};
  bool backwards = false;
  std::optional<std::size_t> limit{};  // at most this many events
  // A hint for forward reads: the reader has already seen every event of query item i up to items_after[i], so a
  // store may leave those out (an event is still returned when another item it matches asks for it). A store may
  // ignore the hint; the reader filters what it has seen. Empty: no hint. decider::handle gives it for the
  // instances its cache holds; the memory store uses it.
  std::span<const decider::position> items_after{};
};

// An append succeeds only if no stored event matching `fail_if_events_match` has a position > after.
// Without `after`, any matching event fails it (uniqueness: "this must not have happened yet").
struct append_condition {
  query fail_if_events_match{};
  std::optional<decider::position> after{};
};

}  // namespace decider
