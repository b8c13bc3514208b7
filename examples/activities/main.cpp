// Billable user activities: users start, edit and complete activities; a billing run marks completed
// activities as batched at the version it saw. The program tells the story, then checks the invariants with
// rapidcheck, runs billing on the event store (by sequence and by date range, across users, timed at 10k users and
// 20k activities), and exits non-zero if an invariant does not hold.
#include <rapidcheck.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "activities/billing.hpp"
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

struct office {
  decltype(users()) everyone = users();
  users_state state;
  std::vector<user_event> events;

  void send(const std::string& user_id, command c) {
    const user_command keyed{user_id, std::move(c)};
    std::cout << "> " << show(describe(keyed)) << '\n';
    // decide, then fold the decided events (decider::step does both, but its result type does not compile
    // with Clang 14 in C++20 mode for a std::map state such as many<>'s).
    const auto decided = everyone.decide(keyed, state);
    if (!decided) {
      std::cout << "    refused: " << show(describe(decided.error())) << '\n';
      return;
    }
    for (const auto& e : *decided) {
      std::cout << "    " << show(describe(e)) << '\n';
    }
    state = decider::fold(everyone, std::move(state), *decided);
    events.insert(events.end(), decided->begin(), decided->end());
  }

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
rc::Gen<user_command> user_commands() {
  const auto ids = rc::gen::element<std::string>("a1", "a2");
  const auto text = rc::gen::element<std::string>("call", "review");
  const auto start = [](std::string id, std::string t) { return command{start_activity{std::move(id), std::move(t)}}; };
  const auto edit = [](std::string id, std::string t) { return command{edit_activity{std::move(id), std::move(t)}}; };
  const auto complete = [](std::string id) { return command{complete_activity{std::move(id)}}; };
  const auto batch = [](std::string id, std::string b, version_number v) {
    return command{mark_batched{std::move(id), std::move(b), v}};
  };
  const auto batches = rc::gen::element<std::string>("b1", "b2");
  const auto versions = rc::gen::inRange<version_number>(2, 5);
  const auto commands = rc::gen::weightedOneOf<command>({{1, rc::gen::apply(start, ids, text)},
                                                         {2, rc::gen::apply(edit, ids, text)},
                                                         {2, rc::gen::map(ids, complete)},
                                                         {3, rc::gen::apply(batch, ids, batches, versions)}});
  return decider::testing::gen::keyed(rc::gen::element<std::string>("u1", "u2"), commands);
}

bool one_open_activity_per_user(const users_state& s) {
  for (const auto& [user_id, u] : s) {
    std::size_t open = 0;
    for (const auto& [id, a] : u.activities) {
      open += a.completed ? 0U : 1U;
    }
    if (open > 1) {
      return false;
    }
  }
  return true;
}

// Both history checks walk the raw events: per (user, activity), the number of events so far is its version.
using activity_ref = std::pair<std::string, std::string>;

activity_ref ref_of(const user_event& e) {
  return {e.key, std::visit([](const auto& any) { return any.activity_id; }, e.value)};
}

bool no_edit_after_batch(const users_state&, const std::vector<user_event>& events) {
  std::map<activity_ref, bool> batched;
  for (const auto& e : events) {
    if (batched[ref_of(e)] && std::holds_alternative<activity_edited>(e.value)) {
      return false;
    }
    batched[ref_of(e)] = batched[ref_of(e)] || std::holds_alternative<activity_batched>(e.value);
  }
  return true;
}

bool batched_version_is_exact(const users_state&, const std::vector<user_event>& events) {
  std::map<activity_ref, version_number> version;
  for (const auto& e : events) {
    const auto* b = std::get_if<activity_batched>(&e.value);
    if (b != nullptr && b->version != version[ref_of(e)]) {
      return false;
    }
    ++version[ref_of(e)];
  }
  return true;
}

// [docs:on-store]
// Billing on the event store: no User aggregate is loaded; the batch reads the completed activities across users
// by position (or by day tags), then their histories, and appends every mark in one conditional append.
bool billing_on_the_store() {
  return examples::on_chosen_store<billing::event>("billing", false, [](auto& store) {
    (void)billing::start(store, "u1", "a1", "call with client");
    (void)billing::complete(store, "a1", "2026-11-02");
    (void)billing::start(store, "u2", "a7", "site visit");
    (void)billing::complete(store, "a7", "2026-11-03");
    (void)billing::edit(store, "a1", "call with client, 45 min");
    (void)billing::start(store, "u1", "a2", "review contract");
    const auto b1 = billing::bill(store, "b1", billing::completed_since(0));
    for (const auto& t : b1->activities) {
      std::cout << "  b1 took " << t.user << "/" << t.activity << " at version " << t.version << '\n';
    }
    const auto late = billing::edit(store, "a1", "call with client, 60 min");
    std::cout << "  edit a1 after b1: " << (late ? "accepted" : "refused: " + show(describe(late.error()))) << '\n';
    (void)billing::complete(store, "a2", "2026-11-24");
    const auto b2 = billing::bill(store, "b2", billing::completed_since(b1->through));
    std::cout << "  b2, since sequence " << b1->through << ", took " << b2->activities.size()
              << " activity: " << b2->activities.front().activity << '\n';
    const auto log = store.read(decider::query::all());
    return !late && b2->activities.size() == 1 && billing::violations(*log).empty();
  });
}
// [/docs:on-store]

// 10k users with 2 completed activities each (1,000 on a durable store, where each of the 40k decisions before the
// batch would wait for a disk flush); one batch takes the activities completed in November.
bool billing_at_scale() {
  return examples::on_chosen_store<billing::event>("billing_at_scale", false, [](auto& store) {
    using clock = std::chrono::steady_clock;
    using namespace std::chrono_literals;
    const int users = examples::chosen_store() == "memory" ? 10'000 : 1'000;
    for (int u = 0; u < users; ++u) {
      for (int a = 0; a < 2; ++a) {
        const std::string user = "u" + std::to_string(u);
        const std::string activity = user + "/a" + std::to_string(a);
        (void)billing::start(store, user, activity, "work");
        (void)billing::complete(store, activity, billing::format_day(std::chrono::sys_days{2026y / 11 / (1 + a * 14)}));
      }
    }
    const auto began = clock::now();
    const auto batch = billing::bill(store, "november", billing::completed_between(2026y / 11 / 1, 2026y / 11 / 30));
    const auto took = std::chrono::duration<double, std::milli>(clock::now() - began).count();
    if (!batch) return false;
    std::cout << "  one batch of " << batch->activities.size() << " activities from " << users
              << " users, built and appended in " << took << " ms (" << batch->attempts << " attempt)\n";
    const auto log = store.read(decider::query::all());
    return batch->activities.size() == 2 * static_cast<std::size_t>(users) && billing::violations(*log).empty();
  });
}

}  // namespace

int main() {
  std::cout << "Billable user activities: users own their activities; billing batches record the version they saw.\n\n";
  office o;
  o.send("u1", start_activity{"a1", "call with client"});
  o.send("u1", start_activity{"a2", "review contract"});
  o.send("u1", edit_activity{"a1", "call with client, 30 min"});
  o.send("u1", complete_activity{"a1"});
  o.send("u2", start_activity{"a7", "site visit"});
  o.send("u2", mark_batched{"a7", "b0", 1});
  o.send("u2", complete_activity{"a7"});

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
  const auto u1 = o.everyone.instance(o.state, "u1");  // a value: a reference into the temporary would dangle
  const auto& a1 = u1.activities.at("a1");
  std::cout << "  u1/a1 is at version " << a1.version << ", batched by " << a1.batched->batch_id << " at version "
            << a1.batched->version << '\n';

  std::cout << "\nChecking the invariants over random command sequences:\n";
  const bool one_open = examples::report_invariant("at most one open activity per user in every reachable state",
                                                   users(), user_commands(), one_open_activity_per_user);
  const bool final = examples::report_invariant("no activity is edited after it was batched", users(), user_commands(),
                                                no_edit_after_batch);
  const bool exact = examples::report_invariant("a batch records the version the activity was at when batched", users(),
                                                user_commands(), batched_version_is_exact);

  std::cout << "\nOn the event store, batches across users by sequence and by date range:\n";
  const bool on_store = billing_on_the_store();
  const bool at_scale = billing_at_scale();
  std::cout << "invariant: the replayed log shows one open activity per user, exact batch versions, no edit after "
               "a batch: "
            << (on_store && at_scale ? "holds" : "BROKEN") << '\n';
  return one_open && final && exact && on_store && at_scale ? EXIT_SUCCESS : EXIT_FAILURE;
}
