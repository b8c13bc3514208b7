// Billable user activities on an event store. Activities are sequenced by the store's positions; a billing batch takes
// every completed activity since a position (or completed within a date range) across all users and marks them in one
// atomic append, under a condition that any concurrent edit of those activities breaks. No User aggregate is
// loaded and no lock is held: each rule reads only the events it needs (dynamic consistency boundaries).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "activities/user.hpp"  // the domain's refusals, shared with the User decider
#include "decider/make.hpp"
#include "decider/store/dcb.hpp"
#include "decider/store/fields.hpp"
#include "decider/visit.hpp"

namespace billing {

using activities::version_number;

// A day as "YYYY-MM-DD": completed activities carry the tag "day:<day>", so a date range is a query by tags.
using day = std::string;

// [docs:events]
struct activity_started {
  std::string user;
  std::string activity;
  std::string description;
  static constexpr std::string_view type_name = "activity_started";
  static constexpr auto json_fields = std::tuple{decider::field("user", &activity_started::user),
                                                 decider::field("activity", &activity_started::activity),
                                                 decider::field("description", &activity_started::description)};
  [[nodiscard]] std::vector<decider::tag> tags() const {
    return {decider::make_tag("user", user), decider::make_tag("activity", activity)};
  }
};
struct activity_edited {
  std::string user;
  std::string activity;
  std::string description;
  static constexpr std::string_view type_name = "activity_edited";
  static constexpr auto json_fields =
      std::tuple{decider::field("user", &activity_edited::user), decider::field("activity", &activity_edited::activity),
                 decider::field("description", &activity_edited::description)};
  [[nodiscard]] std::vector<decider::tag> tags() const {
    return {decider::make_tag("user", user), decider::make_tag("activity", activity)};
  }
};
struct activity_completed {
  std::string user;
  std::string activity;
  day on;
  static constexpr std::string_view type_name = "activity_completed";
  static constexpr auto json_fields = std::tuple{decider::field("user", &activity_completed::user),
                                                 decider::field("activity", &activity_completed::activity),
                                                 decider::field("on", &activity_completed::on)};
  [[nodiscard]] std::vector<decider::tag> tags() const {
    return {decider::make_tag("user", user), decider::make_tag("activity", activity), decider::make_tag("day", on)};
  }
};
// "Batch b took activity a when it was at version v": a value, so an edit that raced with the batch shows.
struct activity_batched {
  std::string user;
  std::string activity;
  std::string batch;
  version_number version = 0;
  static constexpr std::string_view type_name = "activity_batched";
  static constexpr auto json_fields = std::tuple{
      decider::field("user", &activity_batched::user), decider::field("activity", &activity_batched::activity),
      decider::field("batch", &activity_batched::batch), decider::field("version", &activity_batched::version)};
  [[nodiscard]] std::vector<decider::tag> tags() const {
    return {decider::make_tag("user", user), decider::make_tag("activity", activity),
            decider::make_tag("batch", batch)};
  }
};
using event = std::variant<activity_started, activity_edited, activity_completed, activity_batched>;
// [/docs:events]

inline const std::string& activity_of(const event& e) {
  return std::visit([](const auto& any) -> const std::string& { return any.activity; }, e);
}
inline const std::string& user_of(const event& e) {
  return std::visit([](const auto& any) -> const std::string& { return any.user; }, e);
}

// What one activity's own events say about it. Every event on an activity makes it one version newer.
struct activity_state {
  std::string user;
  bool started = false;
  bool completed = false;
  std::optional<std::string> batch;
  version_number version = 0;
};

inline activity_state apply(activity_state s, const event& e) {
  decider::match(
      e,
      [&](const activity_started& started) {
        s.started = true;
        s.user = started.user;
      },
      [&](const activity_edited&) {}, [&](const activity_completed&) { s.completed = true; },
      [&](const activity_batched& batched) { s.batch = batched.batch; });
  ++s.version;
  return s;
}

inline decider::query about_activity(const std::string& activity) {
  return decider::tagged({decider::make_tag("activity", activity)});
}

// [docs:rules]
inline auto one_activity() { return decider::make_view<event, activity_state>(activity_state{}, apply); }
// The user's open activity, from the user's starts and completions only (not their edits or batches).
inline auto open_activity() {
  return decider::make_view<event, std::optional<std::string>>(
      std::nullopt, [](std::optional<std::string> open, const event& e) -> std::optional<std::string> {
        if (const auto* started = std::get_if<activity_started>(&e)) return started->activity;
        if (const auto* completed = std::get_if<activity_completed>(&e); completed && open == completed->activity) {
          return std::nullopt;
        }
        return open;
      });
}

inline decider::execute_options retrying() {
  return {.max_attempts = 1'000,
          .first_backoff = std::chrono::microseconds{10},
          .max_backoff = std::chrono::microseconds{1'000}};
}

// A user has at most one open activity: the decision reads the user's starts and completions, and the activity.
template <class Store>
auto start(Store& store, const std::string& user, const std::string& activity, const std::string& description) {
  const auto model = decider::decision_model(
      decider::project(open_activity(),
                       decider::events({"activity_started", "activity_completed"}, {decider::make_tag("user", user)})),
      decider::project(one_activity(), about_activity(activity)));
  return decider::execute(
      store, model,
      [&](const auto& s) -> decider::decision<event, activities::error> {
        const auto& [open, it] = s;
        if (it.started) return decider::refuse(activities::error{activities::activity_exists{activity}});
        if (open) return decider::refuse(activities::error{activities::another_activity_open{*open}});
        return std::vector<event>{activity_started{user, activity, description}};
      },
      retrying());
}

// A completed activity may still be corrected, until a billing batch has taken it.
template <class Store>
auto edit(Store& store, const std::string& activity, const std::string& description) {
  const auto model = decider::decision_model(decider::project(one_activity(), about_activity(activity)));
  return decider::execute(
      store, model,
      [&](const auto& s) -> decider::decision<event, activities::error> {
        const auto& it = std::get<0>(s);
        if (!it.started) return decider::refuse(activities::error{activities::unknown_activity{activity}});
        if (it.batch) return decider::refuse(activities::error{activities::already_batched{activity, *it.batch}});
        return std::vector<event>{activity_edited{it.user, activity, description}};
      },
      retrying());
}
// [/docs:rules]

template <class Store>
auto complete(Store& store, const std::string& activity, const day& on) {
  const auto model = decider::decision_model(decider::project(one_activity(), about_activity(activity)));
  return decider::execute(
      store, model,
      [&](const auto& s) -> decider::decision<event, activities::error> {
        const auto& it = std::get<0>(s);
        if (!it.started) return decider::refuse(activities::error{activities::unknown_activity{activity}});
        if (it.completed) return decider::refuse(activities::error{activities::already_completed{activity}});
        return std::vector<event>{activity_completed{it.user, activity, on}};
      },
      retrying());
}

// Which completed activities a batch considers: a query over completion events and where to start reading.
struct selection {
  decider::query completions;
  decider::read_options window;
};

inline day format_day(std::chrono::sys_days d) {
  const std::chrono::year_month_day ymd{d};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return text;
}

// [docs:selections]
// Every activity completed after store position `sequence` (exclusive): the sequence a billing run remembers.
inline selection completed_since(decider::position sequence) {
  return {decider::events({"activity_completed"}), {.from = sequence + 1}};
}

// Every activity completed on a day in [first, last]: one query item per day tag, so the read is O(matches).
inline selection completed_between(std::chrono::year_month_day first, std::chrono::year_month_day last) {
  selection s{{}, {}};
  for (auto d = std::chrono::sys_days{first}; d <= std::chrono::sys_days{last}; d += std::chrono::days{1}) {
    s.completions.items.push_back({{"activity_completed"}, {decider::make_tag("day", format_day(d))}});
  }
  if (s.completions.items.empty()) {  // an empty query would select everything: select nothing instead
    s.completions.items.push_back({{"activity_completed"}, {"day:none"}});
  }
  return s;
}
// [/docs:selections]

// The whole batch was taken by an earlier run, or nothing was completed in the selection.
struct nothing_to_bill {
  friend bool operator==(const nothing_to_bill&, const nothing_to_bill&) = default;
};

struct taken {
  std::string user;
  std::string activity;
  version_number version = 0;
};

struct batch {
  std::string id;
  std::vector<taken> activities;
  decider::position through = 0;  // the last completion read: the next run's completed_since
  decider::position appended = 0;
  std::size_t attempts = 0;
};

// [docs:bill]
// Takes every selected activity that is completed and not yet batched, at the version it is at, in one append.
// The condition is the union of the activities' queries after the last position read: an edit of any of them
// between the read and the append fails it, and the batch reads again (and records the newer version).
template <class Store>
auto bill(Store& store, const std::string& batch_id, const selection& which,
          decider::execute_options options = retrying())
    -> decider::expected<batch, decider::execute_error<nothing_to_bill>> {
  using failure = decider::execute_error<nothing_to_bill>;
  const auto completions = store.read(which.completions, which.window);
  if (!completions) return decider::unexpected<failure>(completions.error());
  std::set<std::string> seen;
  decider::query activities_read;
  decider::position through = which.window.from.value_or(1) - 1;
  for (const auto& c : *completions) {
    if (seen.insert(activity_of(c.event)).second) {
      activities_read.items.push_back({{}, {decider::make_tag("activity", activity_of(c.event))}});
    }
    through = c.position;
  }
  if (seen.empty()) return decider::unexpected<failure>(nothing_to_bill{});

  const auto all_of_them = decider::make_view<event, std::map<std::string, activity_state>>(
      {}, [](std::map<std::string, activity_state> states, const event& e) {
        auto& s = states[activity_of(e)];
        s = apply(std::move(s), e);
        return states;
      });
  const auto model = decider::decision_model(decider::project(all_of_them, std::move(activities_read)));
  options.idempotency_key = batch_id;  // a batch retried after a lost acknowledgement is stored once
  auto done = decider::execute(
      store, model,
      [&](const auto& s) -> decider::decision<event, nothing_to_bill> {
        std::vector<event> marks;
        for (const auto& [activity, it] : std::get<0>(s)) {
          if (it.completed && !it.batch) marks.emplace_back(activity_batched{it.user, activity, batch_id, it.version});
        }
        if (marks.empty()) return decider::refuse(nothing_to_bill{});
        return marks;
      },
      options);
  if (!done) return decider::unexpected<failure>(std::move(done).error());
  batch out{batch_id, {}, through, done->position, done->attempts};
  for (const auto& e : done->events) {
    const auto& mark = std::get<activity_batched>(e);
    out.activities.push_back({mark.user, mark.activity, mark.version});
  }
  return out;
}
// [/docs:bill]

// Replays a log and lists every broken rule: at most one open activity per user at every position; an activity
// is batched once, only when completed, at the version it was at; nothing changes an activity after its batch.
template <class Log>
std::vector<std::string> violations(const Log& log) {
  std::vector<std::string> found;
  std::map<std::string, activity_state> activities;
  std::map<std::string, std::set<std::string>> open_by_user;
  for (const auto& stored : log) {
    const auto& e = stored.event;
    const auto& id = activity_of(e);
    auto& before = activities[id];
    const std::string at = " at position " + std::to_string(stored.position);
    const bool starts = std::holds_alternative<activity_started>(e);
    if (starts == before.started) found.push_back(id + (starts ? ": started twice" : ": not started") + at);
    if (before.batch) found.push_back(id + ": changed after batch " + *before.batch + at);
    if (const auto* mark = std::get_if<activity_batched>(&e)) {
      if (!before.completed) found.push_back(id + ": batched before it was completed" + at);
      if (mark->version != before.version) {
        found.push_back(id + ": batched at version " + std::to_string(mark->version) + ", but it was at " +
                        std::to_string(before.version) + at);
      }
    }
    auto& open = open_by_user[user_of(e)];
    if (starts) {
      open.insert(id);
      if (open.size() > 1) found.push_back(user_of(e) + ": two open activities" + at);
    }
    if (std::holds_alternative<activity_completed>(e)) open.erase(id);
    before = apply(std::move(before), e);
  }
  return found;
}

}  // namespace billing
