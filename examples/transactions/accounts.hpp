// Transactions and accounts: accounts exist only on the read side. Two screens, two views over the ledger's events:
// the balance of every account, and the history of every account with a running balance.
// Combined, they are one view that a read model folds (or a subscription keeps current).
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "decider/combine.hpp"
#include "decider/make.hpp"
#include "decider/visit.hpp"
#include "transactions/transaction.hpp"

namespace transactions::accounts {

// How much one posted leg changes its account's balance: what both screens agree on.
inline std::pair<std::string, cents> change_of(const event& e) {
  using change = std::pair<std::string, cents>;
  return decider::match(
      e,
      [](const account_debited& d) {
        return change{d.account, -d.amount};
      },
      [](const account_credited& c) {
        return change{c.account, c.amount};
      });
}

// [docs:balances]
// Screen 1, built from a lambda: the balance of every account that was ever posted to.
using balances = std::map<std::string, cents>;

inline auto balance_view() {
  return decider::make_view<ledger_event, balances>(balances{}, [](balances b, const ledger_event& e) {
    const auto [account, change] = change_of(e.value);
    b[account] += change;
    return b;
  });
}
// [/docs:balances]

// [docs:history]
// Screen 2, a type with members: one line per posting, newest last, with the balance after it.
struct history_line {
  std::string transaction;
  cents change = 0;
  cents balance = 0;
  friend bool operator==(const history_line&, const history_line&) = default;
};
using histories = std::map<std::string, std::vector<history_line>>;

struct history_view {
  using event_type = ledger_event;
  using state_type = histories;

  [[nodiscard]] histories initial_state() const { return {}; }

  [[nodiscard]] histories evolve(histories h, const ledger_event& e) const {
    const auto [account, change] = change_of(e.value);
    auto& lines = h[account];
    const cents before = lines.empty() ? 0 : lines.back().balance;
    lines.push_back(history_line{e.key, change, before + change});
    return h;
  }
};
// [/docs:history]

// [docs:screens]
// Both screens as one view: its state is std::tuple<balances, histories>.
inline auto screens() { return decider::combine(balance_view(), history_view{}); }
// [/docs:screens]

}  // namespace transactions::accounts
