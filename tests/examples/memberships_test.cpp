// Seed 003: a member has at most one membership a year, refused with a typed error; membership ids are
// "<member id>@<unique id>" and stay the same when the rule is relaxed.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "decider/concepts.hpp"
#include "decider/fold.hpp"
#include "decider/testing/scenario.hpp"
#include "memberships/member.hpp"

using decider::testing::given;
using namespace memberships;

namespace {
const std::string uuid_a = "e06d8423-f90c-4c59-839e-e71ade68f37f";
const std::string uuid_b = "5b0c2a9e-7d41-4f0e-9a55-0f1b2c3d4e5f";
const member strict{yearly_rule::one_per_year};
const member relaxed{yearly_rule::several_per_year};
}  // namespace

TEST_CASE("memberships: the deciders model the concept", "[example][memberships]") {
  STATIC_REQUIRE(decider::decider<member>);
  STATIC_REQUIRE(decider::decider<decltype(members())>);
}

TEST_CASE("memberships: the id is the member id and the caller's unique id", "[example][memberships]") {
  given(strict)
      .when(add_membership{"123", 2020, uuid_a})
      .then(membership_added{"123", "123@" + uuid_a, 2020})
      .then_state(member_state{{{"123@" + uuid_a, 2020}}});
  CHECK(make_membership_id("123", uuid_a) == "123@" + uuid_a);
  CHECK(member_of("123@" + uuid_a) == "123");
  CHECK(member_of("123@x@y") == "123");
}

TEST_CASE("memberships: a second membership for the same year is refused, naming the first", "[example][memberships]") {
  given(strict, membership_added{"123", "123@" + uuid_a, 2020})
      .when(add_membership{"123", 2020, uuid_b})
      .then_error(already_member_for_year{2020, "123@" + uuid_a});
  given(strict, membership_added{"123", "123@" + uuid_a, 2020})
      .when(add_membership{"123", 2021, uuid_b})
      .then(membership_added{"123", "123@" + uuid_b, 2021});
}

TEST_CASE("memberships: the relaxed rule allows several a year, with the ids the strict rule would give",
          "[example][memberships]") {
  given(relaxed, membership_added{"123", "123@" + uuid_a, 2020})
      .when(add_membership{"123", 2020, uuid_b})
      .then(membership_added{"123", "123@" + uuid_b, 2020});
  // Same command, same state: where both rules accept, they decide the same event.
  const member_state one{{{"123@" + uuid_a, 2020}}};
  CHECK(strict.decide(add_membership{"123", 2021, uuid_b}, one) ==
        relaxed.decide(add_membership{"123", 2021, uuid_b}, one));
}

TEST_CASE("memberships: an id is never given twice, under either rule", "[example][memberships]") {
  for (const auto& d : {strict, relaxed}) {
    given(d, membership_added{"123", "123@" + uuid_a, 2020})
        .when(add_membership{"123", 2021, uuid_a})
        .then_error(membership_id_taken{"123@" + uuid_a});
  }
}

TEST_CASE("memberships: malformed ids are refused", "[example][memberships]") {
  given(strict).when(add_membership{"", 2020, uuid_a}).then_error(invalid_member_id{});
  given(strict).when(add_membership{"1@23", 2020, uuid_a}).then_error(invalid_member_id{});
  given(strict).when(add_membership{"123", 2020, ""}).then_error(invalid_unique_id{});
}

TEST_CASE("memberships: members() keeps one member per id", "[example][memberships]") {
  given(members(), membership_added{"123", "123@" + uuid_a, 2020})
      .when(add_membership{"456", 2020, uuid_a})
      .then(membership_added{"456", "456@" + uuid_a, 2020});
  given(members(), membership_added{"123", "123@" + uuid_a, 2020})
      .when(add_membership{"123", 2020, uuid_b})
      .then_error(already_member_for_year{2020, "123@" + uuid_a});
  given(members(yearly_rule::several_per_year), membership_added{"123", "123@" + uuid_a, 2020})
      .when(add_membership{"123", 2020, uuid_b})
      .then(membership_added{"123", "123@" + uuid_b, 2020});
}

TEST_CASE("memberships: the checks tell a good history from a bad one", "[example][memberships]") {
  const std::vector<member_event> good{membership_added{"123", "123@a", 2020}, membership_added{"123", "123@b", 2021}};
  const std::vector<member_event> two_in_2020{membership_added{"123", "123@a", 2020},
                                              membership_added{"123", "123@b", 2020}};
  const std::vector<member_event> foreign_id{membership_added{"123", "456@a", 2020}};
  const auto fold = [](const std::vector<member_event>& events) { return decider::fold(members(), events); };
  CHECK(checks::one_membership_per_year(fold(good), good));
  CHECK_FALSE(checks::one_membership_per_year(fold(two_in_2020), two_in_2020));
  CHECK(checks::ids_lead_to_their_member(fold(good), good));
  CHECK_FALSE(checks::ids_lead_to_their_member(fold(foreign_id), foreign_id));
  CHECK(checks::relaxed_rule_keeps_the_ids(fold(good), good));
  CHECK_FALSE(checks::relaxed_rule_keeps_the_ids(fold(foreign_id), foreign_id));
}
