// Billable activities: the user decider and its activities, the users by id, billing batches and the billing
// queue, as given/when/then scenarios.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "activities/billing.hpp"
#include "activities/user.hpp"
#include "decider/concepts.hpp"
#include "decider/fold.hpp"
#include "decider/testing/print.hpp"
#include "decider/testing/scenario.hpp"

using decider::testing::given;
using namespace activities;

TEST_CASE("activities: the types model the concepts", "[example][activities]") {
  STATIC_REQUIRE(decider::decider<user>);
  STATIC_REQUIRE(decider::decider<decltype(users())>);
  STATIC_REQUIRE(decider::decider<billing>);
  STATIC_REQUIRE(decider::view<decltype(billing_queue_view())>);
}

TEST_CASE("activities: an activity's version counts the events on it", "[example][activities]") {
  given(user{}, activity_started{"a1", "call"}, activity_edited{"a1", "call, 30 min"})
      .when(complete_activity{"a1", "2026-11-02"})
      .then(activity_completed{"a1", "2026-11-02"})
      .then_state(state{{{"a1", activity{"call, 30 min", 3, true, std::nullopt}}}});
}

// [docs:scenarios]
TEST_CASE("activities: one open activity per user", "[example][activities]") {
  given(user{}).when(start_activity{"a1", "call"}).then(activity_started{"a1", "call"});
  given(user{}, activity_started{"a1", "call"})
      .when(start_activity{"a2", "review"})
      .then_error(another_activity_open{"a1"});
  given(user{}, activity_started{"a1", "call"}, activity_completed{"a1", "2026-11-02"})
      .when(start_activity{"a2", "review"})
      .then(activity_started{"a2", "review"});
  given(user{}, activity_started{"a1", "call"}, activity_completed{"a1", "2026-11-02"})
      .when(start_activity{"a1", "again"})
      .then_error(activity_exists{"a1"});
}

TEST_CASE("activities: a batch records the version it saw, and only the current one", "[example][activities]") {
  // started (v1), completed (v2): the batch saw version 2.
  given(user{}, activity_started{"a1", "call"}, activity_completed{"a1", "2026-11-02"})
      .when(mark_batched{"a1", "b1", 2})
      .then(activity_batched{"a1", "b1", 2});
  // An edit after the batch read it (v3): the batch is stale and must read again.
  given(user{}, activity_started{"a1", "call"}, activity_completed{"a1", "2026-11-02"},
        activity_edited{"a1", "call, 45 min"})
      .when(mark_batched{"a1", "b1", 2})
      .then_error(stale_version{"a1", 2, 3});
  given(user{}, activity_started{"a1", "call"}).when(mark_batched{"a1", "b1", 1}).then_error(not_completed{"a1"});
}

TEST_CASE("activities: a batched activity can no longer be edited", "[example][activities]") {
  given(user{}, activity_started{"a1", "call"}, activity_completed{"a1", "2026-11-02"}, activity_batched{"a1", "b1", 2})
      .when(edit_activity{"a1", "call, 60 min"})
      .then_error(already_batched{"a1", "b1"});
  given(user{}, activity_started{"a1", "call"}, activity_completed{"a1", "2026-11-02"}, activity_batched{"a1", "b1", 2})
      .when(mark_batched{"a1", "b2", 3})
      .then_error(already_batched{"a1", "b1"});
}
// [/docs:scenarios]

TEST_CASE("activities: completed but not batched activities may still be corrected", "[example][activities]") {
  given(user{}, activity_started{"a1", "call"}, activity_completed{"a1", "2026-11-02"})
      .when(edit_activity{"a1", "call, 30 min"})
      .then(activity_edited{"a1", "call, 30 min"});
  given(user{}, activity_started{"a1", "call"}, activity_completed{"a1", "2026-11-02"})
      .when(complete_activity{"a1", "2026-11-02"})
      .then_error(already_completed{"a1"});
  given(user{}).when(edit_activity{"a9", "x"}).then_error(unknown_activity{"a9"});
  given(user{}).when(complete_activity{"a9", "2026-11-02"}).then_error(unknown_activity{"a9"});
  given(user{}).when(mark_batched{"a9", "b1", 1}).then_error(unknown_activity{"a9"});
}

TEST_CASE("activities: users are independent of each other", "[example][activities]") {
  given(users(), user_event{"u1", activity_started{"a1", "call"}})
      .when(user_command{"u2", start_activity{"a1", "call"}})
      .then(user_event{"u2", activity_started{"a1", "call"}});
  given(users(), user_event{"u1", activity_started{"a1", "call"}})
      .when(user_command{"u1", start_activity{"a2", "call"}})
      .then_error(another_activity_open{"a1"});
}

TEST_CASE("activities: a batch takes, across users, the activities the users would mark batched",
          "[example][activities]") {
  const user_event a1_done[] = {{"u1", activity_started{"a1", "call"}}, {"u1", activity_completed{"a1", "2026-11-02"}}};
  given(billing{}, a1_done[0], a1_done[1], user_event{"u2", activity_started{"a7", "visit"}})
      .when(take_batch{"b1", {{"u1", "a1"}, {"u2", "a7"}, {"u3", "a9"}, {"u1", "a1"}}})
      .then(user_event{"u1", activity_batched{"a1", "b1", 2}});  // a7 is open, a9 unknown, a1 named twice
  given(billing{}, a1_done[0], a1_done[1], user_event{"u1", activity_batched{"a1", "b0", 2}})
      .when(take_batch{"b1", {{"u1", "a1"}}})
      .then_error(nothing_to_bill{});
}

TEST_CASE("activities: the billing queue lists completed, unbatched activities at their version",
          "[example][activities]") {
  const std::vector<user_event> history{
      {"u1", activity_started{"a1", "call"}},      {"u1", activity_completed{"a1", "2026-11-02"}},
      {"u2", activity_started{"a7", "visit"}},     {"u2", activity_completed{"a7", "2026-11-02"}},
      {"u2", activity_edited{"a7", "visit, 2 h"}}, {"u2", activity_started{"a8", "open"}},
      {"u1", activity_batched{"a1", "b1", 2}}};
  CHECK(billable_activities(decider::fold(billing_queue_view(), history)) == std::vector<billable>{{"u2", "a7", 3}});
}

TEST_CASE("activities: the state prints readably", "[example][activities]") {
  const activity a{"call", 4, true, batch_receipt{"b1", 3}};
  CHECK(decider::testing::describe(a) == "activity{\"call\", v4, completed, batched by b1 at v3}");
}
