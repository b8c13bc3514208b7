// decider/postgres/detail/sql.hpp — the SQL the PostgreSQL store builds from a query: the events a query matches in
// a window of positions, through the dictionaries of types and tags.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "decider/postgres/detail/libpq.hpp"
#include "decider/store/query.hpp"

namespace decider::detail::pg {

inline constexpr std::string_view columns =
    "e.position, ty.name, e.schema_version, e.payload, e.tags, e.event_id, e.recorded_at, e.correlation_id, "
    "e.causation_id";

// SQL selecting the events a query matches in a window of positions, in order, limited. Tags and types are
// matched through the dictionaries by name: a name no event has matches nothing.
class select_builder {
 public:
  std::string sql;
  params p;
  bool nothing = false;  // the query can match no stored event (every item names text PostgreSQL cannot hold)

  select_builder(std::string schema, const query& raw, std::int64_t lo, std::int64_t hi, bool backwards,
                 std::optional<std::int64_t> limit, bool full_rows)
      : s_(std::move(schema)) {
    bool all = raw.matches_all();
    for (const auto& item : raw.items) {
      auto n = item.normalized();
      if (!std::all_of(n.tags.begin(), n.tags.end(), [](const tag& t) { return storable_text(t); })) {
        continue;  // no stored event carries such a tag
      }
      const bool typed = !n.types.empty();
      n.types.erase(
          std::remove_if(n.types.begin(), n.types.end(), [](const std::string& t) { return !storable_text(t); }),
          n.types.end());
      if (typed && n.types.empty()) {
        continue;
      }
      all = all || (n.tags.empty() && n.types.empty());
      q_.items.push_back(std::move(n));
    }
    // An item given twice is one subquery, not two.
    std::sort(q_.items.begin(), q_.items.end());
    q_.items.erase(std::unique(q_.items.begin(), q_.items.end()), q_.items.end());
    nothing = !all && q_.items.empty();
    const std::string what = full_rows ? std::string(columns) : std::string("e.position");
    const std::string types_join = full_rows ? " JOIN " + s_ + ".event_types ty ON ty.id = e.type_id" : "";
    const char* order = backwards ? " DESC" : "";
    const std::string window_lo = p.number(lo);
    const std::string window_hi = p.number(hi);
    if (all || nothing) {
      sql = "SELECT " + what + " FROM " + s_ + ".events e" + types_join + " WHERE e.position BETWEEN " + window_lo +
            " AND " + window_hi + " ORDER BY e.position" + order;
    } else if (q_.items.size() == 1 && !q_.items.front().tags.empty()) {
      const auto& item = q_.items.front();
      sql = "SELECT " + what + " FROM " + s_ + ".event_tags t0 JOIN " + s_ + ".events e ON e.position = t0.position" +
            types_join;
      join_tags(item);
      sql += " WHERE t0.tag_id = " + tag_id(item.tags.front()) + " AND t0.position BETWEEN " + window_lo + " AND " +
             window_hi + types_in(item);
      sql += std::string(" ORDER BY t0.position") + order;
    } else if (q_.items.size() == 1) {
      sql = "SELECT " + what + " FROM " + s_ + ".events e" + types_join + " WHERE e.position BETWEEN " + window_lo +
            " AND " + window_hi + types_in(q_.items.front()) + " ORDER BY e.position" + order;
    } else {
      sql = "SELECT " + what + " FROM " + s_ + ".events e" + types_join + " WHERE e.position IN (";
      for (std::size_t i = 0; i < q_.items.size(); ++i) {
        const auto& item = q_.items[i];
        sql += i == 0 ? "" : " UNION ";
        if (item.tags.empty()) {
          sql += "SELECT e.position FROM " + s_ + ".events e WHERE e.position BETWEEN " + window_lo + " AND " +
                 window_hi + types_in(item);
          continue;
        }
        sql += "SELECT t0.position FROM " + s_ + ".event_tags t0";
        if (!item.types.empty()) {
          sql += " JOIN " + s_ + ".events e ON e.position = t0.position";
        }
        join_tags(item);
        sql += " WHERE t0.tag_id = " + tag_id(item.tags.front()) + " AND t0.position BETWEEN " + window_lo + " AND " +
               window_hi + types_in(item);
      }
      sql += std::string(") ORDER BY e.position") + order;
    }
    if (limit) {
      sql += " LIMIT " + p.number(*limit);
    }
  }
  select_builder(const select_builder&) = delete;
  select_builder& operator=(const select_builder&) = delete;

 private:
  std::string tag_id(const std::string& name) {
    return "(SELECT id FROM " + s_ + ".tags WHERE name = " + p.ref(name) + ")";
  }
  void join_tags(const query_item& item) {
    for (std::size_t i = 1; i < item.tags.size(); ++i) {
      const auto alias = "t" + std::to_string(i);
      sql += " JOIN " + s_ + ".event_tags " + alias + " ON " + alias + ".position = t0.position AND " + alias +
             ".tag_id = " + tag_id(item.tags[i]);
    }
  }
  std::string types_in(const query_item& item) {
    if (item.types.empty()) {
      return {};
    }
    std::string out = " AND e.type_id IN (SELECT id FROM " + s_ + ".event_types WHERE name IN (";
    for (std::size_t i = 0; i < item.types.size(); ++i) {
      out += (i == 0 ? "" : ", ") + p.ref(item.types[i]);
    }
    return out + "))";
  }
  std::string s_;
  query q_;
};

}  // namespace decider::detail::pg
