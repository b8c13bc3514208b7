// Seed 003 on the store: one membership per member and year, enforced by a DCB condition on the tags member and
// year — no unique index, no read model on the write side. Concurrent attempts give exactly one membership.
#include <atomic>
#include <catch2/catch.hpp>
#include <latch>
#include <string>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

#include "decider/make.hpp"
#include "decider/store/dcb.hpp"
#include "decider/store/memory.hpp"
#include "memberships/on_store.hpp"

using namespace memberships_on_store;

TEST_CASE("seed 003 on the store: a second membership for the same member and year is refused", "[store][seed003]") {
  decider::memory_store<event> store;
  REQUIRE(add_membership(store, "123", 2020, "u1").has_value());
  auto second = add_membership(store, "123", 2020, "u2");
  REQUIRE_FALSE(second.has_value());
  CHECK(second.error() == decider::execute_error<already_member_for_year>{already_member_for_year{"123@u1"}});
  CHECK(add_membership(store, "123", 2021, "u3").has_value());  // another year
  CHECK(add_membership(store, "456", 2020, "u4").has_value());  // another member
}

TEST_CASE("seed 003 on the store: concurrent attempts for one member and year give exactly one membership",
          "[store][seed003][concurrency]") {
  for (int round = 0; round < 20; ++round) {
    decider::memory_store<event> store;
    const auto [added, refused, other] = race(store, "123", 2020, 8);
    REQUIRE(added == 1);
    REQUIRE(refused == 7);
    REQUIRE(other == 0);
    REQUIRE(store.head() == 1);
  }
}
