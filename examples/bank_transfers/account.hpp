// Bank transfers, the domain: an account decider (open, deposit, withdraw, reserve, settle a reservation), one
// instance per account, and the transfer, a rule over two accounts at once added with extend. Written once and
// property-tested; every transfer design of bank.hpp runs these commands on the store, and the transfer as one
// decision over both accounts is this decider's own `transfer` command.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "decider/concepts.hpp"
#include "decider/extend.hpp"
#include "decider/many.hpp"
#include "decider/store/boundary.hpp"
#include "decider/store/event.hpp"
#include "decider/store/fields.hpp"
#include "decider/visit.hpp"

namespace transfers {

// [docs:events]
// Every event names the account it changes as a tag; a transfer's steps share its reference.
struct opened {
  std::string account;
  std::int64_t cents = 0;  // the opening deposit
  static constexpr std::string_view type_name = "account_opened";
  static constexpr auto json_fields =
      std::tuple{decider::field("account", &opened::account), decider::field("cents", &opened::cents)};
  [[nodiscard]] std::vector<decider::tag> tags() const { return {decider::make_tag("account", account)}; }
  friend bool operator==(const opened&, const opened&) = default;
};
struct withdrawn {
  std::string account;
  std::int64_t cents = 0;
  std::string reference;
  static constexpr std::string_view type_name = "money_withdrawn";
  static constexpr auto json_fields =
      std::tuple{decider::field("account", &withdrawn::account), decider::field("cents", &withdrawn::cents),
                 decider::field("reference", &withdrawn::reference)};
  [[nodiscard]] std::vector<decider::tag> tags() const { return {decider::make_tag("account", account)}; }
  friend bool operator==(const withdrawn&, const withdrawn&) = default;
};
struct deposited {
  std::string account;
  std::int64_t cents = 0;
  std::string reference;
  static constexpr std::string_view type_name = "money_deposited";
  static constexpr auto json_fields =
      std::tuple{decider::field("account", &deposited::account), decider::field("cents", &deposited::cents),
                 decider::field("reference", &deposited::reference)};
  [[nodiscard]] std::vector<decider::tag> tags() const { return {decider::make_tag("account", account)}; }
  friend bool operator==(const deposited&, const deposited&) = default;
};
struct reserved {
  std::string account;
  std::int64_t cents = 0;
  std::string reference;
  static constexpr std::string_view type_name = "money_reserved";
  static constexpr auto json_fields =
      std::tuple{decider::field("account", &reserved::account), decider::field("cents", &reserved::cents),
                 decider::field("reference", &reserved::reference)};
  [[nodiscard]] std::vector<decider::tag> tags() const { return {decider::make_tag("account", account)}; }
  friend bool operator==(const reserved&, const reserved&) = default;
};
struct reservation_released {
  std::string account;
  std::int64_t cents = 0;
  std::string reference;
  static constexpr std::string_view type_name = "reservation_released";
  static constexpr auto json_fields = std::tuple{decider::field("account", &reservation_released::account),
                                                 decider::field("cents", &reservation_released::cents),
                                                 decider::field("reference", &reservation_released::reference)};
  [[nodiscard]] std::vector<decider::tag> tags() const { return {decider::make_tag("account", account)}; }
  friend bool operator==(const reservation_released&, const reservation_released&) = default;
};
using event = std::variant<opened, withdrawn, deposited, reserved, reservation_released>;
// [/docs:events]

// [docs:commands]
struct open_account {
  std::string account;
  std::int64_t cents = 0;
};
struct deposit {
  std::string account;
  std::int64_t cents = 0;
  std::string reference;
};
struct withdraw {
  std::string account;
  std::int64_t cents = 0;
  std::string reference;
};
// Holds money for a transfer under way; settle withdraws it and releases the hold, in one decision.
struct reserve {
  std::string account;
  std::int64_t cents = 0;
  std::string reference;
};
struct settle {
  std::string account;
  std::string reference;
};
using account_command = std::variant<open_account, deposit, withdraw, reserve, settle>;

// The transfer as one decision over both accounts: withdrawn from one, deposited to the other, in one append.
struct transfer {
  std::string from;
  std::string to;
  std::int64_t cents = 0;
  std::string reference;
};
// [/docs:commands]

struct insufficient_funds {
  friend bool operator==(const insufficient_funds&, const insufficient_funds&) = default;
};
struct not_open {
  std::string account;
  friend bool operator==(const not_open&, const not_open&) = default;
};
struct already_open {
  friend bool operator==(const already_open&, const already_open&) = default;
};
struct not_positive {
  friend bool operator==(const not_positive&, const not_positive&) = default;
};
struct no_such_reservation {
  friend bool operator==(const no_such_reservation&, const no_such_reservation&) = default;
};
struct same_account {
  friend bool operator==(const same_account&, const same_account&) = default;
};
using account_error = std::variant<insufficient_funds, not_open, already_open, not_positive, no_such_reservation>;

// An account: its balance, and the holds on it by reference.
struct account_state {
  bool open = false;
  std::int64_t balance = 0;
  std::int64_t reserved = 0;
  std::map<std::string, std::int64_t> holds;  // reference -> cents held
  [[nodiscard]] std::int64_t available() const { return balance - reserved; }
  friend bool operator==(const account_state&, const account_state&) = default;
};

// [docs:account]
struct account {
  using command_type = account_command;
  using event_type = event;
  using state_type = account_state;
  using error_type = account_error;
  using result = decider::decision<event, account_error>;

  [[nodiscard]] account_state initial_state() const { return {}; }

  [[nodiscard]] result decide(const account_command& command, const account_state& s) const {
    if (const auto* o = std::get_if<open_account>(&command)) {
      if (s.open) return decider::refuse(account_error{already_open{}});
      if (o->cents < 0) return decider::refuse(account_error{not_positive{}});
      return std::vector<event>{opened{o->account, o->cents}};
    }
    const std::string& id = std::visit([](const auto& c) -> const std::string& { return c.account; }, command);
    if (!s.open) return decider::refuse(account_error{not_open{id}});
    return decider::match(
        command, [&](const open_account&) -> result { return decider::refuse(account_error{already_open{}}); },
        [&](const deposit& c) -> result {
          if (c.cents <= 0) return decider::refuse(account_error{not_positive{}});
          return std::vector<event>{deposited{c.account, c.cents, c.reference}};
        },
        [&](const withdraw& c) -> result {
          if (c.cents <= 0) return decider::refuse(account_error{not_positive{}});
          if (s.available() < c.cents) return decider::refuse(account_error{insufficient_funds{}});
          return std::vector<event>{withdrawn{c.account, c.cents, c.reference}};
        },
        [&](const reserve& c) -> result {
          if (c.cents <= 0) return decider::refuse(account_error{not_positive{}});
          if (s.available() < c.cents) return decider::refuse(account_error{insufficient_funds{}});
          return std::vector<event>{reserved{c.account, c.cents, c.reference}};
        },
        [&](const settle& c) -> result {
          const auto hold = s.holds.find(c.reference);
          if (hold == s.holds.end()) return decider::refuse(account_error{no_such_reservation{}});
          return std::vector<event>{reservation_released{c.account, hold->second, c.reference},
                                    withdrawn{c.account, hold->second, c.reference}};
        });
  }

  [[nodiscard]] account_state evolve(account_state s, const event& e) const {
    decider::match(
        e,
        [&](const opened& x) {
          s.open = true;
          s.balance += x.cents;
        },
        [&](const withdrawn& x) { s.balance -= x.cents; }, [&](const deposited& x) { s.balance += x.cents; },
        [&](const reserved& x) {
          s.reserved += x.cents;
          s.holds[x.reference] += x.cents;
        },
        [&](const reservation_released& x) {
          s.reserved -= x.cents;
          s.holds.erase(x.reference);
        });
    return s;
  }
};
// [/docs:account]

// Every account, one instance per id; its events are tagged "account:<id>".
inline auto accounts() {
  return decider::many<std::string>(
      account{}, [](const auto& message) { return message.account; }, decider::tag_as("account"));
}
using account_parts = decltype(accounts());
using transfer_error = std::variant<insufficient_funds, not_open, not_positive, same_account>;

// [docs:transfer]
// The transfer rule: both accounts' states at once; it reads those two instances on a store.
struct transfer_rule {
  using result = decider::decision<event, transfer_error>;

  [[nodiscard]] result operator()(const transfer& t, const decider::state_of<account_parts>& all) const {
    if (t.from == t.to) return decider::refuse(transfer_error{same_account{}});
    if (t.cents <= 0) return decider::refuse(transfer_error{not_positive{}});
    const auto parts = accounts();
    const account_state& from = parts.instance(all, t.from);
    if (!from.open) return decider::refuse(transfer_error{not_open{t.from}});
    if (!parts.instance(all, t.to).open) return decider::refuse(transfer_error{not_open{t.to}});
    if (from.available() < t.cents) return decider::refuse(transfer_error{insufficient_funds{}});
    return std::vector<event>{withdrawn{t.from, t.cents, t.reference}, deposited{t.to, t.cents, t.reference}};
  }

  [[nodiscard]] decider::selection_of<account_parts> boundary(const transfer& t) const { return {t.from, t.to}; }
};

struct bank : decider::extended<transfer, account_parts, transfer_rule> {
  bank() : extended(accounts(), transfer_rule{}) {}
};
// [/docs:transfer]

using command = bank::command_type;
using state = bank::state_type;
using error = bank::error_type;

// The invariants, over a reachable state and the events that reached it: no balance below zero or below its holds,
// and no money made or lost (every withdrawal outside a settled reservation is matched by a deposit of its
// reference, or was a plain withdrawal; the books: balances sum to what was opened and deposited minus withdrawn).
namespace checks {

inline bool no_overdraft(const state& s) {
  for (const auto& [id, a] : s) {
    if (a.balance < 0 || a.available() < 0) return false;
  }
  return true;
}

// A transfer moves money, it never makes or loses any: for every transfer reference (they start with "t"), what was
// withdrawn equals what was deposited. (A reservation design's steps share the transfer's reference: reserve and
// settle on the payer, deposit on the payee.)
inline bool transfers_balance(const state&, const std::vector<event>& events) {
  std::map<std::string, std::int64_t> moved;  // per transfer reference: withdrawn minus deposited
  for (const auto& e : events) {
    if (const auto* w = std::get_if<withdrawn>(&e); w != nullptr && w->reference.starts_with("t")) {
      moved[w->reference] += w->cents;
    }
    if (const auto* d = std::get_if<deposited>(&e); d != nullptr && d->reference.starts_with("t")) {
      moved[d->reference] -= d->cents;
    }
  }
  for (const auto& [reference, unmatched] : moved) {
    if (unmatched != 0) return false;
  }
  return true;
}

}  // namespace checks
}  // namespace transfers
