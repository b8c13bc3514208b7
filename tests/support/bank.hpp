// An account decider whose events carry their identity (type name and the tag "account:<id>"): runnable on every
// store runner. No overdraft; amounts in cents.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "decider/concepts.hpp"
#include "decider/store/event.hpp"
#include "decider/visit.hpp"

namespace bank {

struct open {
  std::string account;
};
struct deposit {
  std::string account;
  std::int64_t cents = 0;
};
struct withdraw {
  std::string account;
  std::int64_t cents = 0;
};
using command = std::variant<open, deposit, withdraw>;

struct opened {
  std::string account;
  static constexpr std::string_view type_name = "account_opened";
  [[nodiscard]] std::vector<decider::tag> tags() const { return {decider::make_tag("account", account)}; }
  friend bool operator==(const opened&, const opened&) = default;
};
struct deposited {
  std::string account;
  std::int64_t cents = 0;
  static constexpr std::string_view type_name = "money_deposited";
  [[nodiscard]] std::vector<decider::tag> tags() const { return {decider::make_tag("account", account)}; }
  friend bool operator==(const deposited&, const deposited&) = default;
};
struct withdrawn {
  std::string account;
  std::int64_t cents = 0;
  static constexpr std::string_view type_name = "money_withdrawn";
  [[nodiscard]] std::vector<decider::tag> tags() const { return {decider::make_tag("account", account)}; }
  friend bool operator==(const withdrawn&, const withdrawn&) = default;
};
using event = std::variant<opened, deposited, withdrawn>;

struct state {
  bool open = false;
  std::int64_t balance = 0;
  friend bool operator==(const state&, const state&) = default;
};

enum class error { not_open, already_open, not_positive, insufficient_funds };

struct account {
  using command_type = command;
  using event_type = event;
  using state_type = state;
  using error_type = error;

  [[nodiscard]] state initial_state() const { return {}; }
  [[nodiscard]] decider::decision<event, error> decide(const command& c, const state& s) const {
    using result = decider::decision<event, error>;
    return decider::match(
        c,
        [&](const open& o) -> result {
          if (s.open) return decider::refuse(error::already_open);
          return std::vector<event>{opened{o.account}};
        },
        [&](const deposit& d) -> result {
          if (!s.open) return decider::refuse(error::not_open);
          if (d.cents <= 0) return decider::refuse(error::not_positive);
          return std::vector<event>{deposited{d.account, d.cents}};
        },
        [&](const withdraw& w) -> result {
          if (!s.open) return decider::refuse(error::not_open);
          if (w.cents <= 0) return decider::refuse(error::not_positive);
          if (w.cents > s.balance) return decider::refuse(error::insufficient_funds);
          return std::vector<event>{withdrawn{w.account, w.cents}};
        });
  }
  [[nodiscard]] state evolve(state s, const event& e) const {
    decider::match(
        e, [&](const opened&) { s.open = true; }, [&](const deposited& d) { s.balance += d.cents; },
        [&](const withdrawn& w) { s.balance -= w.cents; });
    return s;
  }
};

}  // namespace bank
