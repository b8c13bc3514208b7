// Billable user activities: a User owns its activities and enforces the rules that need all of them
// (at most one open activity). Billing runs outside the user and records what it saw as a value:
// "batched activity a1 when it was at version 4". A batch that saw an older version is refused, so an edit
// that races with a billing run is never lost silently.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "decider/concepts.hpp"
#include "decider/make.hpp"
#include "decider/many.hpp"
#include "decider/store/event.hpp"
#include "decider/store/fields.hpp"
#include "decider/visit.hpp"

namespace activities {

// Every event on an activity increases its version by one: started is version 1.
using version_number = std::int64_t;
// A day as "YYYY-MM-DD": the day an activity was completed.
using day = std::string;

// [docs:types]
struct start_activity {
  std::string activity_id;
  std::string description;
  friend bool operator==(const start_activity&, const start_activity&) = default;
};
struct edit_activity {
  std::string activity_id;
  std::string description;
  friend bool operator==(const edit_activity&, const edit_activity&) = default;
};
struct complete_activity {
  std::string activity_id;
  day on;
  friend bool operator==(const complete_activity&, const complete_activity&) = default;
};
// Sent by a billing run: "batch `batch_id` took this activity when it was at `version`".
struct mark_batched {
  std::string activity_id;
  std::string batch_id;
  version_number version = 0;
  friend bool operator==(const mark_batched&, const mark_batched&) = default;
};
using command = std::variant<start_activity, edit_activity, complete_activity, mark_batched>;

struct activity_started {
  std::string activity_id;
  std::string description;
  static constexpr std::string_view type_name = "activity_started";
  static constexpr auto json_fields = std::tuple{decider::field("activity_id", &activity_started::activity_id),
                                                 decider::field("description", &activity_started::description)};
  [[nodiscard]] std::vector<decider::tag> tags() const { return {decider::make_tag("activity", activity_id)}; }
  friend bool operator==(const activity_started&, const activity_started&) = default;
};
struct activity_edited {
  std::string activity_id;
  std::string description;
  static constexpr std::string_view type_name = "activity_edited";
  static constexpr auto json_fields = std::tuple{decider::field("activity_id", &activity_edited::activity_id),
                                                 decider::field("description", &activity_edited::description)};
  [[nodiscard]] std::vector<decider::tag> tags() const { return {decider::make_tag("activity", activity_id)}; }
  friend bool operator==(const activity_edited&, const activity_edited&) = default;
};
struct activity_completed {
  std::string activity_id;
  day on;
  static constexpr std::string_view type_name = "activity_completed";
  static constexpr auto json_fields = std::tuple{decider::field("activity_id", &activity_completed::activity_id),
                                                 decider::field("on", &activity_completed::on)};
  // The day tag lets a billing run select the activities completed in a date range.
  [[nodiscard]] std::vector<decider::tag> tags() const {
    return {decider::make_tag("activity", activity_id), decider::make_tag("day", on)};
  }
  friend bool operator==(const activity_completed&, const activity_completed&) = default;
};
struct activity_batched {
  std::string activity_id;
  std::string batch_id;
  version_number version = 0;  // the version the batch saw; this event itself makes it version + 1
  static constexpr std::string_view type_name = "activity_batched";
  static constexpr auto json_fields = std::tuple{decider::field("activity_id", &activity_batched::activity_id),
                                                 decider::field("batch_id", &activity_batched::batch_id),
                                                 decider::field("version", &activity_batched::version)};
  [[nodiscard]] std::vector<decider::tag> tags() const {
    return {decider::make_tag("activity", activity_id), decider::make_tag("batch", batch_id)};
  }
  friend bool operator==(const activity_batched&, const activity_batched&) = default;
};
using event = std::variant<activity_started, activity_edited, activity_completed, activity_batched>;
// [/docs:types]

// [docs:errors]
struct another_activity_open {
  std::string open_activity_id;
  friend bool operator==(const another_activity_open&, const another_activity_open&) = default;
};
struct activity_exists {
  std::string activity_id;
  friend bool operator==(const activity_exists&, const activity_exists&) = default;
};
struct unknown_activity {
  std::string activity_id;
  friend bool operator==(const unknown_activity&, const unknown_activity&) = default;
};
struct already_completed {
  std::string activity_id;
  friend bool operator==(const already_completed&, const already_completed&) = default;
};
struct not_completed {
  std::string activity_id;
  friend bool operator==(const not_completed&, const not_completed&) = default;
};
struct already_batched {
  std::string activity_id;
  std::string batch_id;
  friend bool operator==(const already_batched&, const already_batched&) = default;
};
struct stale_version {
  std::string activity_id;
  version_number seen = 0;
  version_number current = 0;
  friend bool operator==(const stale_version&, const stale_version&) = default;
};
using error = std::variant<another_activity_open, activity_exists, unknown_activity, already_completed, not_completed,
                           already_batched, stale_version>;
// [/docs:errors]

struct batch_receipt {
  std::string batch_id;
  version_number version = 0;
  friend bool operator==(const batch_receipt&, const batch_receipt&) = default;
};

struct activity {
  std::string description;
  version_number version = 0;
  bool completed = false;
  std::optional<batch_receipt> batched;
  friend bool operator==(const activity&, const activity&) = default;

  // A compact form for the scenario printout; decider::testing::describe uses operator<< when a type has one.
  friend std::ostream& operator<<(std::ostream& os, const activity& a) {
    os << "activity{\"" << a.description << "\", v" << a.version << (a.completed ? ", completed" : ", open");
    if (a.batched) {
      os << ", batched by " << a.batched->batch_id << " at v" << a.batched->version;
    }
    return os << '}';
  }
};

struct state {
  std::map<std::string, activity> activities;
  friend bool operator==(const state&, const state&) = default;
};

// The started-but-not-completed activity, if there is one (the rules keep it to at most one).
inline std::optional<std::string> open_activity(const state& s) {
  for (const auto& [id, a] : s.activities) {
    if (!a.completed) {
      return id;
    }
  }
  return std::nullopt;
}

// [docs:decider]
struct user {
  using command_type = command;
  using event_type = event;
  using state_type = state;
  using error_type = error;
  using result = decider::decision<event, error>;

  [[nodiscard]] state initial_state() const { return {}; }

  [[nodiscard]] result decide(const command& c, const state& s) const {
    return decider::match(
        c, [&](const start_activity& start) { return decide_start(start, s); },
        [&](const edit_activity& edit) { return decide_edit(edit, s); },
        [&](const complete_activity& complete) { return decide_complete(complete, s); },
        [&](const mark_batched& mark) { return decide_batched(mark, s); });
  }

  [[nodiscard]] state evolve(state s, const event& e) const {
    decider::match(
        e,
        [&](const activity_started& started) {
          s.activities[started.activity_id] = {started.description, 0, false, {}};
        },
        [&](const activity_edited& edited) { s.activities[edited.activity_id].description = edited.description; },
        [&](const activity_completed& completed) { s.activities[completed.activity_id].completed = true; },
        [&](const activity_batched& batched) {
          s.activities[batched.activity_id].batched = batch_receipt{batched.batch_id, batched.version};
        });
    // Whatever happened to an activity, it is one version newer.
    ++s.activities[std::visit([](const auto& any) { return any.activity_id; }, e)].version;
    return s;
  }

 private:
  static result decide_start(const start_activity& c, const state& s) {
    if (s.activities.contains(c.activity_id)) {
      return decider::refuse(error{activity_exists{c.activity_id}});
    }
    if (const auto open = open_activity(s)) {
      return decider::refuse(error{another_activity_open{*open}});
    }
    return std::vector<event>{activity_started{c.activity_id, c.description}};
  }

  static result decide_edit(const edit_activity& c, const state& s) {
    const auto at = s.activities.find(c.activity_id);
    if (at == s.activities.end()) {
      return decider::refuse(error{unknown_activity{c.activity_id}});
    }
    // Completed activities may still be corrected, until a billing batch has taken them.
    if (at->second.batched) {
      return decider::refuse(error{already_batched{c.activity_id, at->second.batched->batch_id}});
    }
    return std::vector<event>{activity_edited{c.activity_id, c.description}};
  }

  static result decide_complete(const complete_activity& c, const state& s) {
    const auto at = s.activities.find(c.activity_id);
    if (at == s.activities.end()) {
      return decider::refuse(error{unknown_activity{c.activity_id}});
    }
    if (at->second.completed) {
      return decider::refuse(error{already_completed{c.activity_id}});
    }
    return std::vector<event>{activity_completed{c.activity_id, c.on}};
  }

  static result decide_batched(const mark_batched& c, const state& s) {
    const auto at = s.activities.find(c.activity_id);
    if (at == s.activities.end()) {
      return decider::refuse(error{unknown_activity{c.activity_id}});
    }
    const activity& a = at->second;
    if (a.batched) {
      return decider::refuse(error{already_batched{c.activity_id, a.batched->batch_id}});
    }
    if (!a.completed) {
      return decider::refuse(error{not_completed{c.activity_id}});
    }
    // The batch priced what it saw; if the activity changed since, the batch must look again.
    if (c.version != a.version) {
      return decider::refuse(error{stale_version{c.activity_id, c.version, a.version}});
    }
    return std::vector<event>{activity_batched{c.activity_id, c.batch_id, c.version}};
  }
};
// [/docs:decider]

// [docs:users]
// All users, addressed by user id.
inline auto users() { return decider::many<std::string>(user{}); }

using user_command = decider::keyed<std::string, command>;
using user_event = decider::keyed<std::string, event>;
using users_state = std::map<std::string, state>;
// [/docs:users]

}  // namespace activities

// [docs:instance-kind]
// On a store, a user's events (keyed<std::string, activities::event>) are tagged "user:<user id>".
template <>
struct decider::instance_kind<activities::event> {
  static constexpr std::string_view name = "user";
};
// [/docs:instance-kind]
