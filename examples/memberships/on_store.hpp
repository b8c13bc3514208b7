// Seed 003 on an event store: one membership per member and year, enforced by a DCB condition on the member and
// year tags. No unique index and no read model on the write side: the decision reads the memberships of one member
// in one year, and its append condition is the whole uniqueness guarantee.
#pragma once

#include <atomic>
#include <latch>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <variant>
#include <vector>

#include "decider/make.hpp"
#include "decider/store/dcb.hpp"
#include "decider/store/fields.hpp"

namespace memberships_on_store {

struct membership_added {
  std::string member;
  int year = 0;
  std::string membership_id;  // "<member>@<unique>": stable whatever the rule
  static constexpr std::string_view type_name = "membership_added";
  static constexpr auto json_fields =
      std::tuple{decider::field("member", &membership_added::member), decider::field("year", &membership_added::year),
                 decider::field("membership_id", &membership_added::membership_id)};
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
template <class Store>
auto add_membership(Store& store, const std::string& member, int year, const std::string& unique) {
  const auto existing = decider::make_view<event, std::string>(
      {}, [](const std::string&, const event& e) { return std::get<membership_added>(e).membership_id; });
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

struct race_result {
  int added = 0;
  int refused = 0;  // already_member_for_year: decided
  int other = 0;    // lost to the retry bound, or a store error
};

// `attempts` clients, started together, each try to add a membership for the same member and year.
template <class Store>
race_result race(Store& store, const std::string& member, int year, int attempts) {
  std::atomic<int> added{0};
  std::atomic<int> refused{0};
  std::atomic<int> other{0};
  std::latch start(attempts);
  std::vector<std::thread> clients;
  clients.reserve(static_cast<std::size_t>(attempts));
  for (int i = 0; i < attempts; ++i) {
    clients.emplace_back([&, i] {
      start.arrive_and_wait();
      auto r = add_membership(store, member, year, "u" + std::to_string(i));
      if (r) {
        ++added;
      } else if (std::holds_alternative<already_member_for_year>(r.error())) {
        ++refused;
      } else {
        ++other;
      }
    });
  }
  for (auto& c : clients) {
    c.join();
  }
  return {added.load(), refused.load(), other.load()};
}

}  // namespace memberships_on_store
