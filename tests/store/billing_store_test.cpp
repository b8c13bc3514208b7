// Billable activities on the store, decided by the billing decider the property tests check: a user has one open
// activity at a time; a batch takes completed activities across users by store position or by date range, records
// each activity's version, and is appended at once under a condition that concurrent edits break; after the batch,
// an edit is refused. The log is replayed through the scenario's rules.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include "activities/on_store.hpp"
#include "decider/store/memory.hpp"

namespace billing_store {

using namespace activities;
namespace on_store = activities_on_store;
using store = decider::memory_store<user_event>;
using namespace std::chrono_literals;
constexpr auto nov = std::chrono::November;

// `users` users with `per_user` completed activities each, completed on consecutive days of November 2026.
inline void completed_activities(store& s, int users, int per_user) {
  for (int u = 0; u < users; ++u) {
    for (int a = 0; a < per_user; ++a) {
      const std::string user = "u" + std::to_string(u);
      const std::string activity = "a" + std::to_string(a);
      REQUIRE(on_store::send(s, user, start_activity{activity, "work"}).has_value());
      const auto day = on_store::format_day(std::chrono::sys_days{2026y / nov / (1 + a % 30)});
      REQUIRE(on_store::send(s, user, complete_activity{activity, day}).has_value());
    }
  }
}

template <class Result, class Error>
bool refused_with(const Result& r, const Error&) {
  // The runner's error is flat: the domain's refusals beside the store's failures.
  return !r.has_value() && std::holds_alternative<Error>(r.error());
}

// A store through which a batch runs: just before its first conditional append, another writer's command is
// stored (straight into the inner store), as an edit landing between the batch's read and its append. With
// `honour_conditions` false it passes appends on without their condition, as a store that ignored them would.
struct edit_before_append {
  using event_type = store::event_type;
  store* inner;
  std::function<void()> other_writer;  // runs once
  bool honour_conditions = true;

  [[nodiscard]] decider::read_result<event_type> read(const decider::query& q,
                                                      const decider::read_options& options = {}) const {
    return inner->read(q, options);
  }
  [[nodiscard]] decider::append_result append(
      std::vector<decider::event_to_append<event_type>> batch,
      const std::optional<decider::append_condition>& condition = std::nullopt) {
    if (condition && other_writer) {
      const auto write = std::exchange(other_writer, nullptr);
      write();
    }
    return inner->append(std::move(batch), honour_conditions ? condition : std::nullopt);
  }
};

}  // namespace billing_store
using namespace billing_store;

TEST_CASE("billable activities on the store: a user has at most one open activity", "[store][activities]") {
  store s;
  REQUIRE(on_store::send(s, "u1", start_activity{"a1", "call"}).has_value());
  CHECK(refused_with(on_store::send(s, "u1", start_activity{"a2", "mail"}), another_activity_open{}));
  CHECK(on_store::send(s, "u2", start_activity{"a2", "mail"}).has_value());  // another user is not affected
  REQUIRE(on_store::send(s, "u1", complete_activity{"a1", "2026-11-02"}).has_value());
  CHECK(refused_with(on_store::send(s, "u1", start_activity{"a1", "again"}), activity_exists{}));
  CHECK(on_store::send(s, "u1", start_activity{"a3", "review"}).has_value());
  CHECK(on_store::broken_rules_in(s).empty());
}

TEST_CASE("billable activities on the store: a batch takes completed activities since a sequence, with versions",
          "[store][activities]") {
  store s;
  REQUIRE(on_store::send(s, "u1", start_activity{"a1", "call"}).has_value());
  REQUIRE(on_store::send(s, "u1", complete_activity{"a1", "2026-11-02"}).has_value());
  REQUIRE(on_store::send(s, "u1", edit_activity{"a1", "call, 45 min"}).has_value());  // still correctable
  REQUIRE(on_store::send(s, "u2", start_activity{"a2", "mail"}).has_value());         // open: not billable
  REQUIRE(on_store::send(s, "u3", start_activity{"a3", "review"}).has_value());
  REQUIRE(on_store::send(s, "u3", complete_activity{"a3", "2026-11-03"}).has_value());

  const auto first = on_store::bill(s, "b1", on_store::completed_since(0));
  REQUIRE(first.has_value());
  REQUIRE(first->activities.size() == 2);
  CHECK(first->activities[0].activity_id == "a1");
  CHECK(first->activities[0].version == 3);  // started, completed, edited
  CHECK(first->activities[1].activity_id == "a3");
  CHECK(first->activities[1].version == 2);
  CHECK(first->through == 6);  // the position of a3's completion: where the next run starts

  // After the batch, an edit is refused, naming the batch.
  const auto late = on_store::send(s, "u1", edit_activity{"a1", "call, 60 min"});
  REQUIRE(refused_with(late, already_batched{}));
  CHECK(std::get<already_batched>(late.error()).batch_id == "b1");

  // The next run takes only what was completed after the first run's sequence.
  REQUIRE(on_store::send(s, "u2", complete_activity{"a2", "2026-11-04"}).has_value());
  const auto second = on_store::bill(s, "b2", on_store::completed_since(first->through));
  REQUIRE(second.has_value());
  REQUIRE(second->activities.size() == 1);
  CHECK(second->activities[0].user_id == "u2");
  CHECK(second->activities[0].activity_id == "a2");
  // Nothing new: the run is refused as a value, nothing appended.
  const auto head = s.head();
  CHECK(refused_with(on_store::bill(s, "b3", on_store::completed_since(second->through)), nothing_to_bill{}));
  // Everything again: all of it was batched, so nothing is taken.
  CHECK(refused_with(on_store::bill(s, "b4", on_store::completed_since(0)), nothing_to_bill{}));
  CHECK(s.head() == head);
  CHECK(on_store::broken_rules_in(s).empty());
}

TEST_CASE("billable activities on the store: a batch by date range takes the days asked for, across users",
          "[store][activities]") {
  store s;
  completed_activities(s, 20, 10);  // days 1..10 of November, 20 users each
  const auto batch = on_store::bill(s, "week", on_store::completed_between(2026y / nov / 3, 2026y / nov / 9));
  REQUIRE(batch.has_value());
  CHECK(batch->activities.size() == 20 * 7);
  for (const auto& t : batch->activities) {
    const int a = std::stoi(t.activity_id.substr(1));
    CHECK((a >= 2 && a <= 8));
  }
  // The rest of the month is still billable, each activity once.
  const auto rest = on_store::bill(s, "rest", on_store::completed_between(2026y / nov / 1, 2026y / nov / 30));
  REQUIRE(rest.has_value());
  CHECK(rest->activities.size() == 20 * 3);
  CHECK(refused_with(on_store::bill(s, "empty", on_store::completed_between(2026y / nov / 9, 2026y / nov / 3)),
                     nothing_to_bill{}));
  // A batch that names no activity names no user: its boundary selects no event, so it reads nothing.
  CHECK(decider::boundary_of(billing{}, billing_command{take_batch{"none", {}}}) == decider::query::none());
  CHECK(refused_with(decider::handle(s, billing{}, billing_command{take_batch{"none", {}}}), nothing_to_bill{}));
  CHECK(on_store::broken_rules_in(s).empty());
}

TEST_CASE("billable activities on the store: edits racing with a batch are never lost, the batch records what it took",
          "[store][activities][concurrency]") {
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
        const auto user = "u" + std::to_string(random() % 50);
        const auto activity = "a" + std::to_string(random() % 4);
        return on_store::send(s, user, edit_activity{activity, "edit " + std::to_string(i)});
      };
      // Edit while the batch runs (at most 100 edits, so the batch cannot starve)...
      for (int i = 0; i < 100 && !billed; ++i) {
        const auto r = edit_one(i);
        if (r.has_value()) {
          ++edits_accepted;
        } else if (!refused_with(r, already_batched{})) {
          ++other_failures;
        }
        std::this_thread::sleep_for(1ms);
      }
      // ...then, once the batch is stored, every edit is refused.
      while (!billed) std::this_thread::sleep_for(1ms);
      for (int i = 0; i < 20; ++i) {
        (refused_with(edit_one(i), already_batched{}) ? edits_refused_after : other_failures)++;
      }
    });
  }
  std::this_thread::sleep_for(2ms);  // let the editors start
  const auto batch = on_store::bill(s, "b1", on_store::completed_since(0));
  billed = true;
  for (auto& t : editors) t.join();
  REQUIRE(batch.has_value());
  CHECK(batch->activities.size() == 200);
  CHECK(other_failures == 0);
  CHECK(edits_refused_after == 3 * 20);  // after the batch, every edit is refused
  // The replay checks that each batched version is the version the activity was at when the batch was stored,
  // and that no edit was stored after it.
  const auto broken = on_store::broken_rules_in(s);
  INFO("broken: " << (broken.empty() ? std::string("none") : broken.front()) << "; edits accepted " << edits_accepted
                  << ", batch attempts " << batch->attempts);
  CHECK(broken.empty());
  // Every accepted edit is in the log (none lost).
  const auto log = s.read(decider::events({"activity_edited"}));
  REQUIRE(log.has_value());
  CHECK(static_cast<int>(log->size()) == edits_accepted);
}

TEST_CASE(
    "billable activities on the store: an edit stored between a batch's read and its append makes the batch "
    "decide again, with the new version",
    "[store][activities][concurrency]") {
  // The version a batch recorded for u1's activity a0, when an edit of it lands just before the batch's append.
  const auto race = [](bool honour_conditions, std::vector<std::string>& broken) {
    store s;
    completed_activities(s, 3, 2);
    edit_before_append racing{&s,
                              [&] {
                                REQUIRE(on_store::send(s, "u1", edit_activity{"a0", "late edit"}));
                              },
                              honour_conditions};
    const auto batch = on_store::bill(racing, "b1", on_store::completed_since(0));
    REQUIRE(batch.has_value());
    CHECK(batch->activities.size() == 6);
    CHECK(batch->attempts == (honour_conditions ? 2U : 1U));  // the edit broke the first append's condition
    broken = on_store::broken_rules_in(s);
    CHECK(refused_with(on_store::send(s, "u1", edit_activity{"a0", "too late"}), already_batched{}));
    for (const auto& t : batch->activities) {
      if (t.user_id == "u1" && t.activity_id == "a0") return t.version;
    }
    FAIL("the batch did not take u1's activity a0");
    return version_number{0};
  };
  std::vector<std::string> broken;
  const auto seen = race(true, broken);
  // The replay checks that each batched version is the one the activity was at when the batch was stored.
  CHECK(broken.empty());
  // A store that ignored the condition would store the batch with the version it read first.
  std::vector<std::string> broken_without_condition;
  const auto stale = race(false, broken_without_condition);
  CHECK(seen == stale + 1);
  CHECK(broken_without_condition == std::vector<std::string>{"a batch records the version it saw"});
}

TEST_CASE("billable activities: the log replay names each broken rule", "[store][activities]") {
  const auto broken = [](std::vector<user_event> history) { return broken_rules(history); };
  using list = std::vector<std::string>;
  CHECK(broken({{"u1", activity_started{"a1", "x"}}, {"u1", activity_completed{"a1", "2026-11-01"}}}).empty());
  CHECK(broken({{"u1", activity_started{"a1", "x"}}, {"u1", activity_started{"a2", "y"}}}) ==
        list{"at most one open activity per user"});
  CHECK(broken({{"u1", activity_started{"a1", "x"}},
                {"u1", activity_completed{"a1", "2026-11-01"}},
                {"u1", activity_batched{"a1", "b1", 2}},
                {"u1", activity_edited{"a1", "z"}}}) ==
        list{"no edit after a batch", "each activity's events in the order of its life"});
  CHECK(broken({{"u1", activity_started{"a1", "x"}},
                {"u1", activity_completed{"a1", "2026-11-01"}},
                {"u1", activity_batched{"a1", "b1", 1}}}) == list{"a batch records the version it saw"});
  CHECK(broken({{"u1", activity_started{"a1", "x"}}, {"u1", activity_batched{"a1", "b1", 1}}}) ==
        list{"each activity's events in the order of its life"});
  CHECK(broken({{"u1", activity_edited{"a9", "z"}}}) == list{"each activity's events in the order of its life"});
}
