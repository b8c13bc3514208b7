// The fold workload shared by the micro benchmarks and the benchmark driver: two independent views (a stock level
// and a cash ledger) replayed through combine, and the same arithmetic written by hand as the baseline.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <utility>
#include <variant>
#include <vector>

#include "decider/visit.hpp"

namespace fold_workload {

// Two independent deciders' event and state types: a stock level and a cash ledger.
struct added {
  std::int64_t quantity;
};
struct removed {
  std::int64_t quantity;
};
struct deposited {
  std::int64_t cents;
};
struct withdrawn {
  std::int64_t cents;
};
struct stock {
  std::int64_t level = 0;
  std::int64_t moves = 0;
};
struct ledger {
  std::int64_t balance = 0;
  std::int64_t largest = 0;
};

struct stock_view {
  using event_type = std::variant<added, removed>;
  using state_type = stock;
  [[nodiscard]] stock initial_state() const { return {}; }
  [[nodiscard]] stock evolve(stock s, const event_type& e) const {
    decider::match(
        e, [&](const added& a) { s.level += a.quantity; }, [&](const removed& r) { s.level -= r.quantity; });
    ++s.moves;
    return s;
  }
};

struct ledger_view {
  using event_type = std::variant<deposited, withdrawn>;
  using state_type = ledger;
  [[nodiscard]] ledger initial_state() const { return {}; }
  [[nodiscard]] ledger evolve(ledger s, const event_type& e) const {
    decider::match(
        e,
        [&](const deposited& d) {
          s.balance += d.cents;
          s.largest = d.cents > s.largest ? d.cents : s.largest;
        },
        [&](const withdrawn& w) { s.balance -= w.cents; });
    return s;
  }
};

using event = std::variant<added, removed, deposited, withdrawn>;
// `count` random events of the four types, the same for a given count (seed 42).
inline std::vector<event> random_events(std::size_t count) {
  std::vector<event> out;
  out.reserve(count);
  std::mt19937_64 random(42);
  std::uniform_int_distribution<int> kind(0, 3);
  std::uniform_int_distribution<std::int64_t> amount(1, 1000);
  for (std::size_t i = 0; i < count; ++i) {
    switch (kind(random)) {
      case 0:
        out.emplace_back(added{amount(random)});
        break;
      case 1:
        out.emplace_back(removed{amount(random)});
        break;
      case 2:
        out.emplace_back(deposited{amount(random)});
        break;
      default:
        out.emplace_back(withdrawn{amount(random)});
        break;
    }
  }
  return out;
}

// The same work as fold(combine(stock_view{}, ledger_view{}), events), written by hand: the baseline.
inline std::pair<stock, ledger> fold_by_hand(const std::vector<event>& all) {
  stock s;
  ledger l;
  for (const auto& e : all) {
    switch (e.index()) {
      case 0:
        s.level += std::get<0>(e).quantity;
        ++s.moves;
        break;
      case 1:
        s.level -= std::get<1>(e).quantity;
        ++s.moves;
        break;
      case 2: {
        const auto cents = std::get<2>(e).cents;
        l.balance += cents;
        l.largest = cents > l.largest ? cents : l.largest;
        break;
      }
      default:
        l.balance -= std::get<3>(e).cents;
        break;
    }
  }
  return {s, l};
}

}  // namespace fold_workload
