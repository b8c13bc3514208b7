// Memberships: one membership per member and year, kept by the Member decider itself (no unique index in the
// store, no read-model lookup on the write side). A membership id is "<member id>@<unique id>": the caller
// supplies the unique id, since a pure decide cannot draw one, and the id never depends on the yearly rule.
#pragma once

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "decider/concepts.hpp"
#include "decider/many.hpp"
#include "decider/store/event.hpp"
#include "decider/store/fields.hpp"
#include "decider/visit.hpp"

namespace memberships {

// [docs:messages]
struct add_membership {
  std::string member_id;
  int year = 0;
  std::string unique_id;  // e.g. a UUID drawn by the caller; the same one on a retry
  friend bool operator==(const add_membership&, const add_membership&) = default;
};
using member_command = std::variant<add_membership>;

struct membership_added {
  std::string member_id;
  std::string membership_id;  // "<member id>@<unique id>"
  int year = 0;
  // For the stores: a stable name, the tags a query selects it by, the fields a codec writes.
  static constexpr std::string_view type_name = "membership_added";
  static constexpr auto json_fields = std::tuple{decider::field("member_id", &membership_added::member_id),
                                                 decider::field("membership_id", &membership_added::membership_id),
                                                 decider::field("year", &membership_added::year)};
  [[nodiscard]] std::vector<decider::tag> tags() const {
    return {decider::make_tag("member", member_id), decider::make_tag("year", std::to_string(year))};
  }
  friend bool operator==(const membership_added&, const membership_added&) = default;
};
using member_event = std::variant<membership_added>;
// [/docs:messages]

struct already_member_for_year {
  int year = 0;
  std::string membership_id;  // the membership the member already has that year
  friend bool operator==(const already_member_for_year&, const already_member_for_year&) = default;
};
struct membership_id_taken {
  std::string membership_id;
  friend bool operator==(const membership_id_taken&, const membership_id_taken&) = default;
};
struct invalid_member_id {  // empty, or holding the separator
  friend bool operator==(const invalid_member_id&, const invalid_member_id&) = default;
};
struct invalid_unique_id {  // empty
  friend bool operator==(const invalid_unique_id&, const invalid_unique_id&) = default;
};
using member_error = std::variant<already_member_for_year, membership_id_taken, invalid_member_id, invalid_unique_id>;

struct membership {
  std::string id;
  int year = 0;
  friend bool operator==(const membership&, const membership&) = default;
};

struct member_state {
  std::vector<membership> memberships;  // in the order they were added
  friend bool operator==(const member_state&, const member_state&) = default;
};

// The business rule that may change: today one membership per year, tomorrow perhaps several.
enum class yearly_rule { one_per_year, several_per_year };

// [docs:ids]
inline constexpr char id_separator = '@';

inline std::string make_membership_id(const std::string& member_id, const std::string& unique_id) {
  return member_id + id_separator + unique_id;
}

// The write side finds the member of a membership from its id alone: member ids never hold the separator.
inline std::string member_of(const std::string& membership_id) {
  return membership_id.substr(0, membership_id.find(id_separator));
}
// [/docs:ids]

// One member and its memberships; the member id in commands is routed by members(), the rule is a parameter.
// [docs:member]
struct member {
  using command_type = member_command;
  using event_type = member_event;
  using state_type = member_state;
  using error_type = member_error;
  using result = decider::decision<member_event, member_error>;

  yearly_rule rule = yearly_rule::one_per_year;

  [[nodiscard]] member_state initial_state() const { return {}; }

  [[nodiscard]] result decide(const member_command& command, const member_state& s) const {
    return decider::match(command, [&](const add_membership& c) -> result {
      if (c.member_id.empty() || c.member_id.find(id_separator) != std::string::npos) {
        return decider::refuse(member_error{invalid_member_id{}});
      }
      if (c.unique_id.empty()) {
        return decider::refuse(member_error{invalid_unique_id{}});
      }
      const auto id = make_membership_id(c.member_id, c.unique_id);
      const auto has = [&](auto matches) { return std::find_if(s.memberships.begin(), s.memberships.end(), matches); };
      if (has([&](const membership& m) { return m.id == id; }) != s.memberships.end()) {
        return decider::refuse(member_error{membership_id_taken{id}});
      }
      if (rule == yearly_rule::one_per_year) {
        const auto same_year = has([&](const membership& m) { return m.year == c.year; });
        if (same_year != s.memberships.end()) {
          return decider::refuse(member_error{already_member_for_year{c.year, same_year->id}});
        }
      }
      return std::vector<member_event>{membership_added{c.member_id, id, c.year}};
    });
  }

  [[nodiscard]] member_state evolve(member_state s, const member_event& event) const {
    decider::match(event, [&](const membership_added& e) { s.memberships.push_back({e.membership_id, e.year}); });
    return s;
  }
};
// [/docs:member]

// Every member, one instance per member id; commands and events carry the id as a field, and a member's events
// are those tagged "member:<id>" in a store.
// [docs:members]
inline auto members(yearly_rule rule = yearly_rule::one_per_year) {
  return decider::many<std::string>(
      member{rule}, [](const auto& message) { return message.member_id; }, decider::tag_as("member"));
}
// [/docs:members]

using state = decider::state_of<decltype(members())>;  // member id -> member_state

// The invariants, as predicates over a reachable state and the events that reached it. The property tests
// and the example program check them after every command of random command sequences.
namespace checks {

// At most one membership per member and year: in the state, and counted over the decided events.
inline bool one_membership_per_year(const state& s, const std::vector<member_event>& events) {
  std::set<std::pair<std::string, int>> seen;
  for (const auto& e : events) {
    const auto& added = std::get<membership_added>(e);
    if (!seen.emplace(added.member_id, added.year).second) {
      return false;
    }
  }
  for (const auto& [member_id, m] : s) {
    std::set<int> years;
    for (const auto& ms : m.memberships) {
      if (!years.insert(ms.year).second) {
        return false;
      }
    }
  }
  return true;
}

// Every membership id is "<member id>@..." and leads back to its member; no id is given twice.
inline bool ids_lead_to_their_member(const state&, const std::vector<member_event>& events) {
  std::set<std::string> ids;
  for (const auto& e : events) {
    const auto& added = std::get<membership_added>(e);
    const auto prefix = added.member_id + id_separator;
    if (added.membership_id.compare(0, prefix.size(), prefix) != 0 ||
        member_of(added.membership_id) != added.member_id || !ids.insert(added.membership_id).second) {
      return false;
    }
  }
  return true;
}

// [docs:relaxed]
// The history the strict rule accepted is accepted by the relaxed rule too, command for command, with the same
// events and so the same membership ids: relaxing the rule later changes no id already handed out.
inline bool relaxed_rule_keeps_the_ids(const state&, const std::vector<member_event>& events) {
  const auto relaxed = members(yearly_rule::several_per_year);
  auto s = relaxed.initial_state();
  for (const auto& e : events) {
    const auto& added = std::get<membership_added>(e);
    if (added.membership_id.size() <= added.member_id.size()) {
      return false;
    }
    const auto unique_id = added.membership_id.substr(added.member_id.size() + 1);
    const auto decided = relaxed.decide(add_membership{added.member_id, added.year, unique_id}, s);
    if (!decided.has_value() || *decided != std::vector<member_event>{e}) {
      return false;
    }
    s = relaxed.evolve(std::move(s), e);
  }
  return true;
}
// [/docs:relaxed]

}  // namespace checks
}  // namespace memberships
