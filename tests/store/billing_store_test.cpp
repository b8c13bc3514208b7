// Seed 000 on the store: a billing batch takes completed activities across users by store position or by date
// range, records each activity's version, and is appended atomically under a condition that concurrent edits
// break; after the batch, an edit is refused. The log is replayed to check every rule.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <random>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "activities/billing.hpp"
#include "decider/store/memory.hpp"

namespace billing_store {

using store = decider::memory_store<billing::event>;
using namespace std::chrono_literals;
constexpr auto nov = std::chrono::November;

inline std::vector<std::string> violations_in(store& s) {
  const auto log = s.read(decider::query::all());
  REQUIRE(log.has_value());
  return billing::violations(*log);
}

// `users` users with `per_user` completed activities each, completed on consecutive days of November 2026.
inline void completed_activities(store& s, int users, int per_user) {
  for (int u = 0; u < users; ++u) {
    for (int a = 0; a < per_user; ++a) {
      const std::string user = "u" + std::to_string(u);
      const std::string activity = user + "-a" + std::to_string(a);
      REQUIRE(billing::start(s, user, activity, "work").has_value());
      const auto day = std::chrono::sys_days{2026y / nov / (1 + a % 30)};
      REQUIRE(billing::complete(s, activity, billing::format_day(day)).has_value());
    }
  }
}

template <class Result>
bool refused_with(const Result& r, const auto& error) {
  // The runner's error is flat: the domain's refusals beside the store's failures.
  return !r.has_value() && std::holds_alternative<std::remove_cvref_t<decltype(error)>>(r.error());
}

}  // namespace billing_store
using namespace billing_store;

TEST_CASE("seed 000 on the store: a user has at most one open activity", "[store][seed000]") {
  store s;
  REQUIRE(billing::start(s, "u1", "a1", "call").has_value());
  CHECK(refused_with(billing::start(s, "u1", "a2", "mail"), activities::another_activity_open{}));
  CHECK(refused_with(billing::start(s, "u2", "a1", "mail"), activities::activity_exists{}));
  CHECK(billing::start(s, "u2", "a2", "mail").has_value());  // another user is not affected
  REQUIRE(billing::complete(s, "a1", "2026-11-02").has_value());
  CHECK(billing::start(s, "u1", "a3", "review").has_value());
  CHECK(violations_in(s).empty());
}

TEST_CASE("seed 000 on the store: a batch takes completed activities since a sequence, with their versions",
          "[store][seed000]") {
  store s;
  REQUIRE(billing::start(s, "u1", "a1", "call").has_value());
  REQUIRE(billing::complete(s, "a1", "2026-11-02").has_value());
  REQUIRE(billing::edit(s, "a1", "call, 45 min").has_value());  // a completed activity may still be corrected
  REQUIRE(billing::start(s, "u2", "a2", "mail").has_value());   // open: not billable
  REQUIRE(billing::start(s, "u3", "a3", "review").has_value());
  REQUIRE(billing::complete(s, "a3", "2026-11-03").has_value());

  const auto first = billing::bill(s, "b1", billing::completed_since(0));
  REQUIRE(first.has_value());
  REQUIRE(first->activities.size() == 2);
  CHECK(first->activities[0].activity == "a1");
  CHECK(first->activities[0].version == 3);  // started, completed, edited
  CHECK(first->activities[1].activity == "a3");
  CHECK(first->activities[1].version == 2);
  CHECK(first->through == 6);  // the position of a3's completion: where the next run starts

  // After the batch, an edit is refused, naming the batch.
  const auto late = billing::edit(s, "a1", "call, 60 min");
  REQUIRE_FALSE(late.has_value());
  REQUIRE(std::holds_alternative<activities::already_batched>(late.error()));
  CHECK(std::get<activities::already_batched>(late.error()).batch_id == "b1");

  // The next run takes only what was completed after the first run's sequence.
  REQUIRE(billing::complete(s, "a2", "2026-11-04").has_value());
  const auto second = billing::bill(s, "b2", billing::completed_since(first->through));
  REQUIRE(second.has_value());
  REQUIRE(second->activities.size() == 1);
  CHECK(second->activities[0].activity == "a2");
  // Nothing new: the run is refused as a value, nothing appended.
  const auto head = s.head();
  const auto third = billing::bill(s, "b3", billing::completed_since(second->through));
  REQUIRE_FALSE(third.has_value());
  CHECK(std::holds_alternative<billing::nothing_to_bill>(third.error()));
  CHECK(s.head() == head);
  CHECK(violations_in(s).empty());
}

TEST_CASE("seed 000 on the store: a batch by date range takes the days asked for, across users", "[store][seed000]") {
  store s;
  completed_activities(s, 20, 10);  // days 1..10 of November, 20 users each
  const auto batch = billing::bill(s, "week", billing::completed_between(2026y / nov / 3, 2026y / nov / 9));
  REQUIRE(batch.has_value());
  CHECK(batch->activities.size() == 20 * 7);
  for (const auto& t : batch->activities) {
    const int a = std::stoi(t.activity.substr(t.activity.find("-a") + 2));
    CHECK((a >= 2 && a <= 8));
  }
  // The rest of the month is still billable, each activity once.
  const auto rest = billing::bill(s, "rest", billing::completed_between(2026y / nov / 1, 2026y / nov / 30));
  REQUIRE(rest.has_value());
  CHECK(rest->activities.size() == 20 * 3);
  const auto none = billing::bill(s, "empty", billing::completed_between(2026y / nov / 9, 2026y / nov / 3));
  CHECK_FALSE(none.has_value());
  CHECK(violations_in(s).empty());
}

TEST_CASE("seed 000 on the store: edits racing with a batch are never lost, the batch records what it took",
          "[store][seed000][concurrency]") {
  store s;
  completed_activities(s, 50, 4);
  std::atomic<bool> billed{false};
  std::atomic<int> edits_accepted{0};
  std::atomic<int> edits_refused_after{0};
  std::atomic<int> other_failures{0};
  std::vector<std::thread> editors;
  for (int t = 0; t < 3; ++t) {
    editors.emplace_back([&, t] {
      std::mt19937 random(static_cast<unsigned>(t) + 1);
      const auto edit_one = [&](int i) {
        const std::string activity = "u" + std::to_string(random() % 50) + "-a" + std::to_string(random() % 4);
        return billing::edit(s, activity, "edit " + std::to_string(i));
      };
      // Edit while the batch runs (at most 100 edits, so the batch cannot starve)...
      for (int i = 0; i < 100 && !billed; ++i) {
        const auto r = edit_one(i);
        if (r.has_value()) {
          ++edits_accepted;
        } else if (!refused_with(r, activities::already_batched{})) {
          ++other_failures;
        }
        std::this_thread::sleep_for(1ms);
      }
      // ...then, once the batch is stored, every edit is refused.
      while (!billed) std::this_thread::sleep_for(1ms);
      for (int i = 0; i < 20; ++i) {
        const auto r = edit_one(i);
        (refused_with(r, activities::already_batched{}) ? edits_refused_after : other_failures)++;
      }
    });
  }
  std::this_thread::sleep_for(2ms);  // let the editors start
  const auto batch = billing::bill(s, "b1", billing::completed_since(0));
  billed = true;
  for (auto& t : editors) t.join();
  REQUIRE(batch.has_value());
  CHECK(batch->activities.size() == 200);
  CHECK(other_failures == 0);
  CHECK(edits_refused_after == 3 * 20);  // after the batch, every edit is refused
  // The replay checks that each batched version is the version the activity was at when the batch was stored,
  // and that no edit was stored after it.
  CHECK(violations_in(s).empty());
  // Every accepted edit is in the log (none lost): count edits stored.
  const auto log = s.read(decider::events({"activity_edited"}));
  REQUIRE(log.has_value());
  CHECK(static_cast<int>(log->size()) == edits_accepted);
}

TEST_CASE("seed 000 on the store: the log checker finds each broken rule", "[store][seed000]") {
  using billing::event;
  std::vector<decider::stored_event<event>> log;
  const auto add = [&](event e) {
    log.push_back({log.size() + 1, std::string(decider::type_name_of(e)), decider::tags_of(e), std::move(e), {}});
  };
  add(billing::activity_started{"u1", "a1", "x"});
  add(billing::activity_started{"u1", "a2", "y"});      // two open activities
  add(billing::activity_batched{"u1", "a1", "b1", 1});  // batched before completion
  add(billing::activity_completed{"u1", "a2", "2026-11-01"});
  add(billing::activity_batched{"u1", "a2", "b1", 1});  // stale version: a2 is at 2
  add(billing::activity_edited{"u1", "a2", "z"});       // changed after its batch
  add(billing::activity_edited{"u1", "a9", "z"});       // never started
  const auto found = billing::violations(log);
  REQUIRE(found.size() == 5);
  CHECK(found[0] == "u1: two open activities at position 2");
  CHECK(found[1] == "a1: batched before it was completed at position 3");
  CHECK(found[2] == "a2: batched at version 1, but it was at 2 at position 5");
  CHECK(found[3] == "a2: changed after batch b1 at position 6");
  CHECK(found[4] == "a9: not started at position 7");
}
