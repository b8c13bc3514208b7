// Seed 003: at most one membership per member and year in every reachable state; membership ids lead back to
// their member and never depend on the yearly rule; the laws for the member decider, alone and by id, under
// both rules. Few members, years and unique ids, so that commands collide.
#include <rapidcheck.h>

#include <catch2/catch.hpp>
#include <cstddef>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "decider/testing/boundary.hpp"
#include "decider/testing/laws.hpp"
#include "decider/testing/rapidcheck.hpp"
#include "memberships/member.hpp"

using decider::testing::check_invariant;
using decider::testing::check_laws;
using decider::testing::run_commands;
using namespace memberships;

namespace {

rc::Gen<member_command> commands() {
  // Mostly valid member ids, sometimes malformed ones; unique ids from a small pool, so that some are reused.
  const auto member_ids = rc::gen::weightedElement<std::string>({{6, "123"}, {4, "456"}, {1, ""}, {1, "7@8"}});
  const auto unique_ids = rc::gen::weightedElement<std::string>({{3, "u1"}, {3, "u2"}, {3, "u3"}, {3, "u4"}, {1, ""}});
  return rc::gen::apply(
      [](std::string member_id, int year, std::string unique_id) {
        return member_command{add_membership{member_id, year, unique_id}};
      },
      member_ids, rc::gen::element(2019, 2020, 2021), unique_ids);
}

}  // namespace

TEST_CASE("memberships: at most one membership per member and year", "[property][example][memberships]") {
  REQUIRE(
      check_invariant("one membership per member and year", members(), commands(), checks::one_membership_per_year));
}

TEST_CASE("memberships: ids lead back to their member and are never given twice, under both rules",
          "[property][example][memberships]") {
  REQUIRE(
      check_invariant("ids lead to their member (strict)", members(), commands(), checks::ids_lead_to_their_member));
  REQUIRE(check_invariant("ids lead to their member (relaxed)", members(yearly_rule::several_per_year), commands(),
                          checks::ids_lead_to_their_member));
}

TEST_CASE("memberships: what the strict rule accepts, the relaxed rule accepts with the same ids",
          "[property][example][memberships]") {
  REQUIRE(
      check_invariant("relaxing the rule keeps the ids", members(), commands(), checks::relaxed_rule_keeps_the_ids));
  // The same, on the commands themselves: run any sequence under the strict rule, keep the commands it accepted
  // (a sequence the strict rule accepts entirely), and run those under the relaxed rule.
  // [docs:same-ids]
  REQUIRE(rc::check("the relaxed rule accepts the strict rule's commands, deciding the same events", [] {
    const auto sequence = *rc::gen::container<std::vector<member_command>>(commands());
    const auto strict = run_commands(members(yearly_rule::one_per_year), sequence);
    std::vector<member_command> accepted;
    for (std::size_t i = 0; i < sequence.size(); ++i) {
      if (strict.decisions[i].has_value()) {
        accepted.push_back(sequence[i]);
      }
    }
    const auto relaxed = run_commands(members(yearly_rule::several_per_year), accepted);
    for (const auto& decided : relaxed.decisions) {
      RC_ASSERT(decided.has_value());
    }
    RC_ASSERT(relaxed.events == strict.events);
  }));
  // [/docs:same-ids]
  // And on any sequence, whatever the states have become: where both rules accept a command, same membership id.
  REQUIRE(rc::check("where both rules accept a command, they give it the same id", [] {
    const auto sequence = *rc::gen::container<std::vector<member_command>>(commands());
    const auto strict = run_commands(members(yearly_rule::one_per_year), sequence);
    const auto relaxed = run_commands(members(yearly_rule::several_per_year), sequence);
    // (The relaxed run may have used a unique id the strict run had refused, so it may refuse a later command
    // the strict run accepts: only commands both accept are compared.)
    for (std::size_t i = 0; i < sequence.size(); ++i) {
      if (strict.decisions[i].has_value() && relaxed.decisions[i].has_value()) {
        RC_ASSERT(*strict.decisions[i] == *relaxed.decisions[i]);
      }
    }
  }));
}

TEST_CASE("memberships: random histories reach the refusals the properties are about",
          "[property][example][memberships]") {
  // Without this, the properties above could hold only because a second membership in a year, or a reused
  // unique id, was never tried.
  auto seen = std::make_shared<std::map<std::string, int>>();
  auto runs = std::make_shared<int>(0);
  REQUIRE(rc::check("reachability of the refusals", [seen, runs] {
    const auto sequence = *rc::gen::container<std::vector<member_command>>(commands());
    std::set<std::string> kinds;
    for (const auto& decided : run_commands(members(), sequence).decisions) {
      if (decided.has_value()) {
        continue;
      }
      if (std::holds_alternative<already_member_for_year>(decided.error())) {
        kinds.insert("second membership in a year");
      } else if (std::holds_alternative<membership_id_taken>(decided.error())) {
        kinds.insert("unique id reused");
      } else {
        kinds.insert("malformed id");
      }
    }
    for (const auto& kind : kinds) {
      ++(*seen)[kind];
    }
    ++*runs;
  }));
  for (const std::string kind : {"second membership in a year", "unique id reused", "malformed id"}) {
    INFO(kind << " in " << (*seen)[kind] << " of " << *runs << " histories");
    CHECK((*seen)[kind] * 4 >= *runs);
  }
}

TEST_CASE("memberships: the relaxed rule does reach two memberships in a year", "[property][example][memberships]") {
  // Guards the properties above against a relaxed rule that is secretly strict.
  const auto relaxed = members(yearly_rule::several_per_year);
  const std::vector<member_command> twice{add_membership{"123", 2020, "u1"}, add_membership{"123", 2020, "u2"}};
  const auto t = run_commands(relaxed, twice);
  REQUIRE(t.events.size() == 2);
  REQUIRE_FALSE(checks::one_membership_per_year(t.state, t.events));
}

TEST_CASE("memberships: laws of the member decider, alone and by id, under both rules",
          "[property][laws][example][memberships]") {
  REQUIRE(check_laws("member (strict)", member{yearly_rule::one_per_year}, commands()));
  REQUIRE(check_laws("member (relaxed)", member{yearly_rule::several_per_year}, commands()));
  REQUIRE(check_laws("members() (strict)", members(yearly_rule::one_per_year), commands()));
  REQUIRE(check_laws("members() (relaxed)", members(yearly_rule::several_per_year), commands()));
}

TEST_CASE("memberships: the boundary of each command, the member's events, is sufficient under both rules",
          "[property][example][memberships]") {
  REQUIRE(decider::testing::check_boundary("members, strict", members(yearly_rule::one_per_year), commands()));
  REQUIRE(decider::testing::check_boundary("members, relaxed", members(yearly_rule::several_per_year), commands()));
}
