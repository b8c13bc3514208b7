// Memberships on the store: the members() decider run with handle keeps one membership per member and year, with
// a condition on the member's events — no unique index, no read model on the write side. Concurrent attempts give
// exactly one membership.
#include <atomic>
#include <catch2/catch.hpp>
#include <latch>
#include <string>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

#include "decider/store/memory.hpp"
#include "memberships/on_store.hpp"

using namespace memberships;

TEST_CASE("memberships on the store: a second membership for the same member and year is refused",
          "[store][memberships]") {
  decider::memory_store<event> store;
  REQUIRE(add_membership_on(store, "123", 2020, "u1").has_value());
  auto second = add_membership_on(store, "123", 2020, "u2");
  REQUIRE_FALSE(second.has_value());
  CHECK(second.error() ==
        decider::widen<decider::execute_error<member_error>>(member_error{already_member_for_year{2020, "123@u1"}}));
  CHECK(add_membership_on(store, "123", 2021, "u3").has_value());   // another year
  CHECK(add_membership_on(store, "456", 2020, "u4").has_value());   // another member
  const auto reused = add_membership_on(store, "123", 2022, "u1");  // the id 123@u1 is taken, whatever the year
  REQUIRE_FALSE(reused.has_value());
  CHECK(std::holds_alternative<membership_id_taken>(reused.error()));
}

TEST_CASE("memberships on the store: concurrent attempts for one member and year give exactly one membership",
          "[store][memberships][concurrency]") {
  for (int round = 0; round < 20; ++round) {
    decider::memory_store<event> store;
    const auto [added, refused, other] = race(store, "123", 2020, 8);
    REQUIRE(added == 1);
    REQUIRE(refused == 7);
    REQUIRE(other == 0);
    REQUIRE(store.head() == 1);
  }
}
