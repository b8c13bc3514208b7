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

namespace membership_store {

struct membership_added {
  std::string member;
  int year = 0;
  std::string membership_id;  // "<member>@<unique>": stable whatever the rule
  static constexpr std::string_view type_name = "membership_added";
  [[nodiscard]] std::vector<decider::tag> tags() const {
    return {decider::make_tag("member", member), decider::make_tag("year", std::to_string(year))};
  }
  friend bool operator==(const membership_added&, const membership_added&) = default;
};
using event = std::variant<membership_added>;

struct already_member_for_year {
  std::string existing;
  friend bool operator==(const already_member_for_year&, const already_member_for_year&) = default;
};

// [docs:membership]
// The decision needs only the memberships of this member in this year: one projection, one query on two tags.
inline auto add_membership(decider::memory_store<event>& store, const std::string& member, int year,
                           const std::string& unique) {
  const auto existing = decider::make_view<event, std::string>(
      {}, [](std::string, const event& e) { return std::get<membership_added>(e).membership_id; });
  const auto model = decider::decision_model(decider::project(
      existing, decider::events({"membership_added"}, {decider::make_tag("member", member),
                                                       decider::make_tag("year", std::to_string(year))})));
  return decider::execute(
      store, model,
      [&](const auto& state) -> decider::decision<event, already_member_for_year> {
        const auto& [id] = state;
        if (!id.empty()) return decider::refuse(already_member_for_year{id});
        return std::vector<event>{membership_added{member, year, member + "@" + unique}};
      },
      decider::execute_options{.max_attempts = 16});
}
// [/docs:membership]

}  // namespace membership_store
using namespace membership_store;

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
    std::atomic<int> added{0};
    std::atomic<int> refused{0};
    std::atomic<int> other{0};
    std::latch start(8);
    std::vector<std::thread> attempts;
    for (int i = 0; i < 8; ++i) {
      attempts.emplace_back([&, i] {
        start.arrive_and_wait();
        auto r = add_membership(store, "123", 2020, "u" + std::to_string(i));
        if (r) {
          ++added;
        } else if (std::holds_alternative<already_member_for_year>(r.error())) {
          ++refused;
        } else {
          ++other;
        }
      });
    }
    for (auto& t : attempts) {
      t.join();
    }
    REQUIRE(added == 1);
    REQUIRE(refused == 7);
    REQUIRE(other == 0);
    REQUIRE(store.head() == 1);
  }
}
