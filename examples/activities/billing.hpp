// Billing across users: a batch takes completed activities of many users at once, each at the version it is at,
// in one decision. The batch does not restate the user's rule: for each activity it asks the user decider to
// accept mark_batched at the activity's current version, and takes the ones the user accepts (completed, not yet
// batched). On a store, the batch reads the users it names and appends every mark in one conditional append,
// so an edit that races with the batch fails the append and the batch is decided again.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "activities/user.hpp"
#include "decider/extend.hpp"
#include "decider/make.hpp"
#include "decider/store/boundary.hpp"

namespace activities {

// [docs:batch]
// One activity of one user.
struct activity_ref {
  std::string user_id;
  std::string activity_id;
  friend auto operator<=>(const activity_ref&, const activity_ref&) = default;
};

// "Batch `batch_id` takes these activities": each that is completed and not yet batched, at its current version.
struct take_batch {
  std::string batch_id;
  std::vector<activity_ref> activities;
  friend bool operator==(const take_batch&, const take_batch&) = default;
};

// None of the activities could be taken: each was open, unknown, or batched already.
struct nothing_to_bill {
  friend bool operator==(const nothing_to_bill&, const nothing_to_bill&) = default;
};

struct batch_rule {
  using result = decider::decision<user_event, nothing_to_bill>;

  [[nodiscard]] result operator()(const take_batch& c, const users_state& everyone) const {
    const user the_user;
    std::vector<user_event> marks;
    std::map<std::string, state> touched;  // each user as the marks before left it
    for (const auto& [user_id, activity_id] : c.activities) {
      auto at = touched.find(user_id);
      if (at == touched.end()) {
        at = touched.emplace(user_id, users().instance(everyone, user_id)).first;
      }
      state& owner = at->second;
      const auto found = owner.activities.find(activity_id);
      const version_number version = found == owner.activities.end() ? 0 : found->second.version;
      auto decided = the_user.decide(mark_batched{activity_id, c.batch_id, version}, owner);
      if (!decided) {
        continue;  // the user refuses it: not billable
      }
      for (auto& e : *decided) {
        owner = the_user.evolve(std::move(owner), e);
        marks.push_back(user_event{user_id, std::move(e)});
      }
    }
    if (marks.empty()) {
      return decider::refuse(nothing_to_bill{});
    }
    return marks;
  }

  // On a store, the batch reads the users it names, each once.
  [[nodiscard]] decider::instances<std::string> boundary(const take_batch& c) const {
    std::vector<std::string> owners;
    std::set<std::string_view> seen;
    for (const auto& ref : c.activities) {
      if (seen.insert(ref.user_id).second) {
        owners.push_back(ref.user_id);
      }
    }
    return decider::instances<std::string>(std::move(owners));
  }
};

// The users, and billing batches across them: the decider that runs in the tests, in memory and on the stores.
struct billing : decider::extended<take_batch, decltype(users()), batch_rule> {
  billing() : extended(users(), batch_rule{}) {}
};
using billing_command = decider::command_of<billing>;  // a user_command or a take_batch
using billing_error = decider::error_of<billing>;      // the user's refusals, and nothing_to_bill
// [/docs:batch]

// [docs:billing-queue]
// The read side a billing run starts from: every activity a batch may take now, across all users, with the version
// it is at. The view folds the users' events with the user decider's own evolve and asks the user's rule which
// activities it would let a batch take; it states no rule of its own. A billing run in memory sends mark_batched
// with that version to each owner.
struct billable {
  std::string user_id;
  std::string activity_id;
  version_number version = 0;
  friend bool operator==(const billable&, const billable&) = default;
};

using billing_queue = users_state;

inline auto billing_queue_view() {
  return decider::make_view<user_event, billing_queue>(
      billing_queue{},
      [everyone = users()](billing_queue q, const user_event& e) { return everyone.evolve(std::move(q), e); });
}

inline std::vector<billable> billable_activities(const billing_queue& everyone) {
  const user the_user;
  std::vector<billable> out;
  for (const auto& [user_id, owner] : everyone) {
    for (const auto& [activity_id, a] : owner.activities) {
      if (the_user.decide(mark_batched{activity_id, {}, a.version}, owner).has_value()) {
        out.push_back({user_id, activity_id, a.version});
      }
    }
  }
  return out;
}
// [/docs:billing-queue]

}  // namespace activities
