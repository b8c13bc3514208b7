// Transactions and accounts ("modelling accounts, event driven"): the consistency boundary is the Transaction, not the
// Account. One decision posts both legs (a debit and a credit of the same amount), so the books balance after every
// append; accounts are read models over these events (accounts.hpp).
#pragma once

#include <concepts>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "decider/concepts.hpp"
#include "decider/make.hpp"
#include "decider/many.hpp"
#include "decider/map.hpp"
#include "decider/visit.hpp"

namespace transactions {

// Money in minor units (cents): sums of integers are exact, sums of doubles are not.
using cents = std::int64_t;

// [docs:types]
struct post {
  cents amount = 0;
  std::string from;
  std::string to;
  friend bool operator==(const post&, const post&) = default;
};
using command = post;

struct account_debited {
  std::string account;
  cents amount = 0;
  friend bool operator==(const account_debited&, const account_debited&) = default;
};
struct account_credited {
  std::string account;
  cents amount = 0;
  friend bool operator==(const account_credited&, const account_credited&) = default;
};
using event = std::variant<account_debited, account_credited>;

struct amount_not_positive {
  cents amount = 0;
  friend bool operator==(const amount_not_positive&, const amount_not_positive&) = default;
};
struct same_account {
  std::string account;
  friend bool operator==(const same_account&, const same_account&) = default;
};
struct already_posted {
  friend bool operator==(const already_posted&, const already_posted&) = default;
};
using error = std::variant<amount_not_positive, same_account, already_posted>;

// What one transaction remembers: whether it has posted, and its own credits minus debits,
// which is zero again once both legs are in.
struct state {
  bool posted = false;
  cents balance = 0;
  friend bool operator==(const state&, const state&) = default;
};
// [/docs:types]

// [docs:decider]
struct transaction {
  using command_type = command;
  using event_type = event;
  using state_type = state;
  using error_type = error;

  [[nodiscard]] state initial_state() const { return {}; }

  [[nodiscard]] decider::decision<event, error> decide(const post& c, const state& s) const {
    if (s.posted) {
      return decider::refuse(error{already_posted{}});
    }
    if (c.amount <= 0) {
      return decider::refuse(error{amount_not_positive{c.amount}});
    }
    if (c.from == c.to) {
      return decider::refuse(error{same_account{c.from}});
    }
    // Both legs in one decision: they are appended together or not at all.
    return std::vector<event>{account_debited{c.from, c.amount}, account_credited{c.to, c.amount}};
  }

  [[nodiscard]] state evolve(state s, const event& e) const {
    if (is_terminal(s)) {
      return s;
    }
    s.posted = true;
    decider::match(
        e, [&](const account_debited& d) { s.balance -= d.amount; },
        [&](const account_credited& c) { s.balance += c.amount; });
    return s;
  }

  // A posted transaction is immutable: corrections are new transactions.
  [[nodiscard]] bool is_terminal(const state& s) const { return s.posted && s.balance == 0; }
};
// [/docs:decider]

// [docs:ledger]
// Every transaction of the ledger, addressed by transaction id: commands and events are
// decider::keyed<std::string, ...>, and the state is a std::map from id to transaction state.
inline auto ledger() { return decider::many<std::string>(transaction{}); }
using ledger_state = decider::state_of<decltype(ledger())>;

using ledger_command = decider::keyed<std::string, command>;
using ledger_event = decider::keyed<std::string, event>;
// [/docs:ledger]

// [docs:fee]
// A process: a transfer of 1000.00 or more pays a 1 % fee, posted as its own transaction "<id>/fee" from the
// same payer to the bank's fee account. Fee postings pay no fee, so the cascade ends.
inline constexpr cents fee_threshold = 100'000;
inline constexpr cents fee_divisor = 100;
inline const std::string fee_account = "bank:fees";

inline bool is_fee(const std::string& transaction_id) { return transaction_id.ends_with("/fee"); }

inline auto large_transfer_fee() {
  return decider::make_process<ledger_event, ledger_command>([](const ledger_event& e) {
    std::vector<ledger_command> next;
    const auto* debit = std::get_if<account_debited>(&e.value);
    if (debit != nullptr && debit->amount >= fee_threshold && !is_fee(e.key) && debit->account != fee_account) {
      next.push_back(ledger_command{e.key + "/fee", post{debit->amount / fee_divisor, debit->account, fee_account}});
    }
    return next;
  });
}
// [/docs:fee]

}  // namespace transactions
