// Memberships: member 123 takes a membership for 2020; a second one for 2020 is refused by the Member decider
// itself (no unique index, no read model). Then the business relaxes the rule: the same history replays under
// the new rule with the same membership ids, and a second 2020 membership is now accepted.
#include <rapidcheck.h>

#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/report.hpp"
#include "common/store_choice.hpp"
#include "decider/fold.hpp"
#include "decider/testing/print.hpp"
#include "decider/testing/rapidcheck.hpp"
#include "memberships/member.hpp"
#include "memberships/on_store.hpp"

using namespace memberships;
using decider::testing::describe;
using examples::show;

namespace {

// Decides one command on the state so far and prints it; returns whether the outcome is the expected one.
template <class D>
bool run(const D& d, state& now, std::vector<member_event>& history, const add_membership& c,
         const std::optional<member_error>& refusal = std::nullopt) {
  const auto decided = d.decide(member_command{c}, now);
  std::cout << "  " << show(describe(c)) << "\n      -> ";
  if (decided.has_value()) {
    now = decider::fold(d, std::move(now), *decided);
    history.insert(history.end(), decided->begin(), decided->end());
    std::cout << show(describe(*decided));
  } else {
    std::cout << "refused: " << show(describe(decided.error()));
  }
  const bool expected = refusal ? !decided.has_value() && decided.error() == *refusal : decided.has_value();
  std::cout << (expected ? "\n" : "   <-- UNEXPECTED\n");
  return expected;
}

std::string ids(const state& s, const std::string& member_id) {
  std::string out;
  for (const auto& m : s.at(member_id).memberships) {
    out += (out.empty() ? "" : ", ") + std::to_string(m.year) + ": " + m.id;
  }
  return out;
}

rc::Gen<member_command> random_commands() {
  return rc::gen::apply(
      [](std::string member_id, int year, std::string unique_id) {
        return member_command{add_membership{std::move(member_id), year, std::move(unique_id)}};
      },
      rc::gen::element<std::string>("123", "456"), rc::gen::element(2019, 2020, 2021),
      rc::gen::element<std::string>("u1", "u2", "u3", "u4"));
}

template <class D, class Invariant>
bool check(const std::string& sentence, const D& d, Invariant invariant) {
  return examples::report_invariant(sentence, d, random_commands(), std::move(invariant));
}

// [docs:on-store]
// On the event store, with the same Member decider: 8 clients started together try to add a membership for member
// 123 in 2020, in each of 20 rounds; the condition on member 123's events lets exactly one in. The boundary is that
// narrow: after the race, 2021 for member 123 and 2020 for member 456 are still accepted.
bool memberships_on_the_store() {
  int exactly_one = 0;
  int others_open = 0;
  for (int round = 0; round < 20; ++round) {
    examples::on_chosen_store<event>("memberships", false, [&](auto& store) {
      const auto r = race(store, "123", 2020, 8);
      exactly_one += r.added == 1 && r.refused == 7 && r.other == 0 && store.head() == 1 ? 1 : 0;
      const bool next_year = add_membership_on(store, "123", 2021, "later").has_value();
      const bool other_member = add_membership_on(store, "456", 2020, "other").has_value();
      others_open += next_year && other_member ? 1 : 0;
      return true;
    });
  }
  std::cout << "  rounds with exactly one membership and seven refusals: " << exactly_one << " of 20\n"
            << "  rounds where 2021 and another member were still accepted: " << others_open << " of 20\n";
  return exactly_one == 20 && others_open == 20;
}
// [/docs:on-store]

}  // namespace

int main() {
  const std::string first = "e06d8423-f90c-4c59-839e-e71ade68f37f";
  const std::string second = "5b0c2a9e-7d41-4f0e-9a55-0f1b2c3d4e5f";
  const auto strict = members(yearly_rule::one_per_year);
  const auto relaxed = members(yearly_rule::several_per_year);
  bool ok = true;

  std::cout << "memberships: one membership per member and year, ids that survive a change of rule\n"
            << "rule: one membership per member and year\n";
  state now = strict.initial_state();
  std::vector<member_event> history;
  ok = run(strict, now, history, {"123", 2020, first}) && ok;
  ok = run(strict, now, history, {"123", 2020, second}, already_member_for_year{2020, "123@" + first}) && ok;
  ok = run(strict, now, history, {"123", 2021, second}) && ok;
  std::cout << "member 123 holds " << ids(now, "123") << "\n"
            << "the write side finds the member from an id alone: member_of(\"123@" << first << "\") = \""
            << member_of("123@" + first) << "\"\n";

  std::cout << "the business relaxes the rule: several memberships per year; the same history, replayed:\n";
  state replayed = decider::fold(relaxed, history);
  const bool same = replayed == now;
  ok = same && ok;
  std::cout << "member 123 holds " << ids(replayed, "123") << (same ? "  (the same ids)\n" : "  <-- CHANGED\n");
  const std::string third = "9f7e6d5c-4b3a-4921-8f0e-d1c2b3a4f5e6";
  ok = run(relaxed, replayed, history, {"123", 2020, third}) && ok;
  std::cout << "member 123 holds " << ids(replayed, "123") << "\n";

  std::cout << "the invariants, each over random histories:\n";
  ok = check("at most one membership per member and year (strict rule)", strict, checks::one_membership_per_year) && ok;
  ok = check("every membership id is \"<member id>@...\", given once (strict rule)", strict,
             checks::ids_lead_to_their_member) &&
       ok;
  ok = check("every membership id is \"<member id>@...\", given once (relaxed rule)", relaxed,
             checks::ids_lead_to_their_member) &&
       ok;
  ok = check("the relaxed rule accepts what the strict rule accepted, with the same ids", strict,
             checks::relaxed_rule_keeps_the_ids) &&
       ok;

  std::cout << "\nOn the event store, 8 concurrent attempts for the same member and year:\n";
  const bool on_store = memberships_on_the_store();
  std::cout << "invariant: one membership per member and year under concurrent attempts: "
            << (on_store ? "holds" : "BROKEN") << '\n';
  return ok && on_store ? EXIT_SUCCESS : EXIT_FAILURE;
}
