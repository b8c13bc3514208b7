// The rules of billable activities, as checks over a history of user events: the property tests check them over
// random commands, the program checks them, and the stores' logs are replayed through them.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "activities/user.hpp"

namespace activities {

using activity_key = std::pair<std::string, std::string>;  // (user, activity)

inline activity_key key_of(const user_event& e) {
  return {e.key, std::visit([](const auto& any) { return any.activity_id; }, e.value)};
}

inline std::size_t open_activities(const state& u) {
  std::size_t open = 0;
  for (const auto& [activity_id, a] : u.activities) {
    open += a.completed ? 0U : 1U;
  }
  return open;
}

// [docs:invariants]
inline bool at_most_one_open_activity(const users_state& everyone) {
  for (const auto& [user_id, u] : everyone) {
    if (open_activities(u) > 1) {
      return false;
    }
  }
  return true;
}

// On the raw history, not on the decider's state: an edit event after a batch event of the same activity.
inline bool no_edit_after_batch(const users_state&, const std::vector<user_event>& history) {
  std::map<activity_key, bool> batched;
  for (const auto& e : history) {
    auto& done = batched[key_of(e)];
    if (done && std::holds_alternative<activity_edited>(e.value)) {
      return false;
    }
    done = done || std::holds_alternative<activity_batched>(e.value);
  }
  return true;
}

// The version an activity is at is the number of events on it so far; a batch event must carry exactly that.
inline bool batched_version_is_current(const users_state&, const std::vector<user_event>& history) {
  std::map<activity_key, version_number> version;
  for (const auto& e : history) {
    auto& now = version[key_of(e)];
    const auto* batched = std::get_if<activity_batched>(&e.value);
    if (batched != nullptr && batched->version != now) {
      return false;
    }
    ++now;
  }
  return true;
}

// Each activity's events follow its life: started once and first, then edits, at most one completion, edits,
// and at most one batch, the last of its events (started edited* (completed edited* batched?)?).
inline bool life_is_in_order(const users_state&, const std::vector<user_event>& history) {
  enum class stage { none, started, completed, batched };
  std::map<activity_key, stage> at;
  for (const auto& e : history) {
    auto& s = at[key_of(e)];
    const stage before = s;
    const bool in_order = std::visit(
        [&](const auto& happened) {
          using type = std::remove_cvref_t<decltype(happened)>;
          if constexpr (std::is_same_v<type, activity_started>) {
            s = stage::started;
            return before == stage::none;
          } else if constexpr (std::is_same_v<type, activity_edited>) {
            return before == stage::started || before == stage::completed;
          } else if constexpr (std::is_same_v<type, activity_completed>) {
            s = stage::completed;
            return before == stage::started;
          } else {
            s = stage::batched;
            return before == stage::completed;
          }
        },
        e.value);
    if (!in_order) {
      return false;
    }
  }
  return true;
}
// [/docs:invariants]

// A history (a store's log, say) replayed through the user decider: the name of each rule it breaks. A user's
// open activities are counted after each of the user's events, so two open at any time are found.
inline std::vector<std::string> broken_rules(const std::vector<user_event>& history) {
  const user the_user;
  users_state everyone;
  bool one_open = true;
  for (const auto& e : history) {
    auto& owner = everyone[e.key];
    owner = the_user.evolve(std::move(owner), e.value);
    one_open = one_open && open_activities(owner) <= 1;
  }
  std::vector<std::string> broken;
  if (!one_open) {
    broken.emplace_back("at most one open activity per user");
  }
  if (!no_edit_after_batch(everyone, history)) {
    broken.emplace_back("no edit after a batch");
  }
  if (!batched_version_is_current(everyone, history)) {
    broken.emplace_back("a batch records the version it saw");
  }
  if (!life_is_in_order(everyone, history)) {
    broken.emplace_back("each activity's events in the order of its life");
  }
  return broken;
}

}  // namespace activities
