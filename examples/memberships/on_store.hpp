// Memberships on an event store: the members() decider that the property tests check runs unchanged, with
// decider::handle. No unique index and no read model on the write side: a decision reads the member's events (the
// boundary members() derives from the command), and the append condition on them is the whole uniqueness
// guarantee. No rule is written here.
#pragma once

#include <atomic>
#include <latch>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "decider/store/handle.hpp"
#include "memberships/member.hpp"

namespace memberships {

using event = member_event;

// [docs:membership]
// A membership for `member` in `year`, decided by the member decider on the store.
template <class Store>
auto add_membership_on(Store& store, const std::string& member, int year, const std::string& unique) {
  return decider::handle(store, members(), member_command{add_membership{member, year, unique}}, {.max_attempts = 16});
}
// [/docs:membership]

struct race_result {
  int added = 0;
  int refused = 0;  // already_member_for_year: decided
  int other = 0;    // another refusal, lost to the retry bound, or a store error
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
      const auto r = add_membership_on(store, member, year, "u" + std::to_string(i));
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

}  // namespace memberships
