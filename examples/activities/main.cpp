// Billable user activities: users start, edit and complete activities; a billing run marks completed
// activities as batched at the version it saw. The program tells the story, then checks the invariants with
// rapidcheck, runs the same decider on the event store (billing by sequence and by date range, across users,
// timed at 10k users and 20k activities), and exits non-zero if an invariant does not hold.
#include <rapidcheck.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "activities/billing.hpp"
#include "activities/invariants.hpp"
#include "activities/on_store.hpp"
#include "activities/user.hpp"
#include "common/report.hpp"
#include "common/store_choice.hpp"
#include "decider/fold.hpp"
#include "decider/testing/print.hpp"
#include "decider/testing/rapidcheck.hpp"

namespace {

using decider::testing::describe;
using examples::show;
using namespace activities;
namespace on_store = activities_on_store;

struct office {
  billing decider;
  users_state state;
  std::vector<user_event> events;

  void send(const billing_command& c) {
    std::cout << "> " << show(describe(c)) << '\n';
    const auto decided = decider.decide(c, state);
    if (!decided) {
      std::cout << "    refused: " << show(describe(decided.error())) << '\n';
      return;
    }
    for (const auto& e : *decided) {
      std::cout << "    " << show(describe(e)) << '\n';
    }
    state = decider::fold(decider, std::move(state), *decided);
    events.insert(events.end(), decided->begin(), decided->end());
  }
  void send(const std::string& user_id, command c) { send(billing_command{user_command{user_id, std::move(c)}}); }

  std::vector<billable> billing_queue() const {
    auto queue = billable_activities(decider::fold(billing_queue_view(), events));
    std::cout << "  billing run reads:";
    for (const auto& b : queue) {
      std::cout << ' ' << b.user_id << '/' << b.activity_id << "@v" << b.version;
    }
    std::cout << '\n';
    return queue;
  }
};

// Few ids and versions near the real ones, so that random histories often batch and then try to edit.
rc::Gen<billing_command> commands() {
  const auto ids = rc::gen::element<std::string>("a1", "a2");
  const auto users = rc::gen::element<std::string>("u1", "u2");
  const auto text = rc::gen::element<std::string>("call", "review");
  const auto start = [](std::string id, std::string t) { return command{start_activity{std::move(id), std::move(t)}}; };
  const auto edit = [](std::string id, std::string t) { return command{edit_activity{std::move(id), std::move(t)}}; };
  const auto complete = [](std::string id) { return command{complete_activity{std::move(id), "2026-11-02"}}; };
  const auto mark = [](std::string id, std::string b, version_number v) {
    return command{mark_batched{std::move(id), std::move(b), v}};
  };
  const auto batches = rc::gen::element<std::string>("b1", "b2");
  const auto versions = rc::gen::inRange<version_number>(2, 5);
  const auto user_commands = rc::gen::weightedOneOf<command>({{1, rc::gen::apply(start, ids, text)},
                                                              {2, rc::gen::apply(edit, ids, text)},
                                                              {2, rc::gen::map(ids, complete)},
                                                              {3, rc::gen::apply(mark, ids, batches, versions)}});
  const auto ref = [](std::string u, std::string a) { return activity_ref{std::move(u), std::move(a)}; };
  const auto batch = [](std::string b, std::vector<activity_ref> refs) {
    return take_batch{std::move(b), std::move(refs)};
  };
  const auto refs = rc::gen::nonEmpty(rc::gen::container<std::vector<activity_ref>>(rc::gen::apply(ref, users, ids)));
  return rc::gen::weightedOneOf<billing_command>(
      {{4, rc::gen::cast<billing_command>(decider::testing::gen::keyed(users, user_commands))},
       {1, rc::gen::cast<billing_command>(rc::gen::apply(batch, batches, refs))}});
}

// [docs:on-store]
// Billing on the event store, with the same billing decider: each command is decided on the store; a batch
// selects the completed activities across users by position (or by day tags) and appends its marks at once.
bool billing_on_the_store() {
  return examples::on_chosen_store<user_event>("billing", false, [](auto& store) {
    (void)on_store::send(store, "u1", start_activity{"a1", "call with client"});
    (void)on_store::send(store, "u1", complete_activity{"a1", "2026-11-02"});
    (void)on_store::send(store, "u2", start_activity{"a7", "site visit"});
    (void)on_store::send(store, "u2", complete_activity{"a7", "2026-11-03"});
    (void)on_store::send(store, "u1", edit_activity{"a1", "call with client, 45 min"});
    (void)on_store::send(store, "u1", start_activity{"a2", "review contract"});
    const auto b1 = on_store::bill(store, "b1", on_store::completed_since(0));
    if (!b1) {
      std::cout << "  b1 failed: " << show(describe(b1.error())) << '\n';
      return false;
    }
    for (const auto& t : b1->activities) {
      std::cout << "  b1 took " << t.user_id << "/" << t.activity_id << " at version " << t.version << '\n';
    }
    const auto late = on_store::send(store, "u1", edit_activity{"a1", "call with client, 60 min"});
    std::cout << "  edit a1 after b1: " << (late ? "accepted" : "refused: " + show(describe(late.error()))) << '\n';
    (void)on_store::send(store, "u1", complete_activity{"a2", "2026-11-24"});
    const auto b2 = on_store::bill(store, "b2", on_store::completed_since(b1->through));
    if (!b2 || b2->activities.empty()) {
      std::cout << "  b2 took nothing\n";
      return false;
    }
    std::cout << "  b2, since sequence " << b1->through << ", took " << b2->activities.size()
              << " activity: " << b2->activities.front().activity_id << '\n';
    return !late && b2->activities.size() == 1 && on_store::broken_rules_in(store).empty();
  });
}
// [/docs:on-store]

// 10k users with 2 completed activities each (1,000 on a durable store, where each of the 40k decisions before the
// batch would wait for a disk flush); one batch takes the activities completed in November.
bool billing_at_scale() {
  return examples::on_chosen_store<user_event>("billing_at_scale", false, [](auto& store) {
    using clock = std::chrono::steady_clock;
    using namespace std::chrono_literals;
    const int users = examples::chosen_store() == "memory" ? 10'000 : 1'000;
    decider::command_handler handler(store, billing{});
    for (int u = 0; u < users; ++u) {
      const std::string user = "u" + std::to_string(u);
      for (int a = 0; a < 2; ++a) {
        const std::string activity = "a" + std::to_string(a);
        const auto on = on_store::format_day(std::chrono::sys_days{2026y / 11 / (1 + a * 14)});
        (void)handler.handle(user_command{user, start_activity{activity, "work"}});
        (void)handler.handle(user_command{user, complete_activity{activity, on}});
      }
    }
    const auto began = clock::now();
    const auto batch = on_store::bill(store, "november", on_store::completed_between(2026y / 11 / 1, 2026y / 11 / 30));
    const auto took = std::chrono::duration<double, std::milli>(clock::now() - began).count();
    if (!batch) return false;
    std::cout << "  one batch of " << batch->activities.size() << " activities from " << users
              << " users, built and appended in " << took << " ms (" << batch->attempts << " attempt)\n";
    return batch->activities.size() == 2 * static_cast<std::size_t>(users) && on_store::broken_rules_in(store).empty();
  });
}

}  // namespace

int main() {
  std::cout << "Billable user activities: users own their activities; billing batches record the version they saw.\n\n";
  office o;
  o.send("u1", start_activity{"a1", "call with client"});
  o.send("u1", start_activity{"a2", "review contract"});
  o.send("u1", edit_activity{"a1", "call with client, 30 min"});
  o.send("u1", complete_activity{"a1", "2026-11-02"});
  o.send("u2", start_activity{"a7", "site visit"});
  o.send("u2", mark_batched{"a7", "b0", 1});
  o.send("u2", complete_activity{"a7", "2026-11-03"});

  std::cout << "\nBilling run b1 starts while u1 is still correcting a1:\n";
  const auto first_read = o.billing_queue();
  o.send("u1", edit_activity{"a1", "call with client, 45 min"});
  for (const auto& b : first_read) {
    o.send(b.user_id, mark_batched{b.activity_id, "b1", b.version});
  }
  std::cout << "Billing run b1 reads again and batches what changed:\n";
  for (const auto& b : o.billing_queue()) {
    o.send(b.user_id, mark_batched{b.activity_id, "b1", b.version});
  }

  std::cout << "\nAfter billing:\n";
  o.send("u1", edit_activity{"a1", "call with client, 60 min"});
  o.send("u1", start_activity{"a2", "review contract"});
  const auto u1 = users().instance(o.state, "u1");  // a value: a reference into the temporary would dangle
  const auto& a1 = u1.activities.at("a1");
  std::cout << "  u1/a1 is at version " << a1.version << ", batched by " << a1.batched->batch_id << " at version "
            << a1.batched->version << '\n';

  std::cout << "\nBilling run b2 takes, in one decision, whatever of u1/a1, u1/a2 and u2/a7 is billable:\n";
  o.send("u1", complete_activity{"a2", "2026-11-24"});
  o.send(take_batch{"b2", {{"u1", "a1"}, {"u1", "a2"}, {"u2", "a7"}}});

  std::cout << "\nChecking the invariants over random command sequences:\n";
  const billing office_rules;
  const bool one_open = examples::report_invariant("at most one open activity per user in every reachable state",
                                                   office_rules, commands(), at_most_one_open_activity);
  const bool final = examples::report_invariant("no activity is edited after it was batched", office_rules, commands(),
                                                no_edit_after_batch);
  const bool exact = examples::report_invariant("a batch records the version the activity was at when batched",
                                                office_rules, commands(), batched_version_is_current);
  const bool in_order =
      examples::report_invariant("each activity's events follow its life", office_rules, commands(), life_is_in_order);

  std::cout << "\nOn the event store, batches across users by sequence and by date range:\n";
  const bool on_store = billing_on_the_store();
  const bool at_scale = billing_at_scale();
  std::cout << "invariant: the replayed log keeps every rule above: " << (on_store && at_scale ? "holds" : "BROKEN")
            << '\n';
  return one_open && final && exact && in_order && on_store && at_scale ? EXIT_SUCCESS : EXIT_FAILURE;
}
