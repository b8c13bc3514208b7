// Seed 004, bank transfers: three designs side by side on one event store. Two locks taken in turn (one account
// after the other, as in the seed: deadlocks show up as timeouts), a reservation protocol (reserve, deposit,
// withdraw: one lock at a time), and the DCB transfer (one decision over both accounts, one conditional append).
// run() fires concurrent transfers between two accounts; violations() replays the log and counts broken rules.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <latch>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <type_traits>
#include <variant>
#include <vector>

#include "decider/make.hpp"
#include "decider/store/dcb.hpp"
#include "decider/store/fields.hpp"
#include "decider/store/memory.hpp"

namespace transfers {

// [docs:events]
// Every event names the account(s) it changes as tags; a transfer's steps share its reference.
struct opened {
  std::string account;
  std::int64_t cents = 0;  // the opening deposit
  static constexpr std::string_view type_name = "account_opened";
  static constexpr auto json_fields =
      std::tuple{decider::field("account", &opened::account), decider::field("cents", &opened::cents)};
  [[nodiscard]] std::vector<decider::tag> tags() const { return {decider::make_tag("account", account)}; }
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
};
// The DCB design's one event: both sides at once, tagged with both accounts, so both boundaries see it.
struct transferred {
  std::string from;
  std::string to;
  std::int64_t cents = 0;
  std::string reference;
  static constexpr std::string_view type_name = "money_transferred";
  static constexpr auto json_fields =
      std::tuple{decider::field("from", &transferred::from), decider::field("to", &transferred::to),
                 decider::field("cents", &transferred::cents), decider::field("reference", &transferred::reference)};
  [[nodiscard]] std::vector<decider::tag> tags() const {
    return {decider::make_tag("account", from), decider::make_tag("account", to)};
  }
};
using event = std::variant<opened, withdrawn, deposited, reserved, reservation_released, transferred>;
// [/docs:events]

using store = decider::memory_store<event>;

struct insufficient_funds {
  friend bool operator==(const insufficient_funds&, const insufficient_funds&) = default;
};

// What an event does to an account: its balance, and the part of it reserved.
struct account_state {
  std::int64_t balance = 0;
  std::int64_t reserved = 0;
  [[nodiscard]] std::int64_t available() const { return balance - reserved; }
};

inline account_state apply(const std::string& account, account_state s, const event& e) {
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, transferred>) {
          s.balance += (x.to == account ? x.cents : 0) - (x.from == account ? x.cents : 0);
        } else if (x.account == account) {
          if constexpr (std::is_same_v<T, opened> || std::is_same_v<T, deposited>) s.balance += x.cents;
          if constexpr (std::is_same_v<T, withdrawn>) s.balance -= x.cents;
          if constexpr (std::is_same_v<T, reserved>) s.reserved += x.cents;
          if constexpr (std::is_same_v<T, reservation_released>) s.reserved -= x.cents;
        }
      },
      e);
  return s;
}

inline auto account_view(std::string account) {
  return decider::make_view<event, account_state>(
      {}, [account = std::move(account)](account_state s, const event& e) { return apply(account, s, e); });
}
inline decider::query boundary(const std::string& account) {
  return decider::tagged({decider::make_tag("account", account)});
}

// [docs:boundaries]
inline auto account_model(const std::string& account) {
  return decider::decision_model(decider::project(account_view(account), boundary(account)));
}
inline auto transfer_model(const std::string& from, const std::string& to) {
  return decider::decision_model(decider::project(account_view(from), boundary(from)),
                                 decider::project(account_view(to), boundary(to)));
}

// Decision models kept per boundary and shared by a design's threads: cached (decider::cached), each decision reads
// only what was stored since the previous one on that boundary, so a decision's cost does not grow with history.
template <class Model>
class boundaries {
 public:
  template <class Make>
  const decider::cached_model<Model>& get(const std::string& key, Make make) {
    std::lock_guard guard(mutex_);
    auto& slot = models_[key];
    if (!slot) slot = std::make_unique<decider::cached_model<Model>>(make());
    return *slot;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<decider::cached_model<Model>>> models_;
};

// One account's decision, on its own boundary (the aggregate of the lock-based designs).
template <class Store, class Decide>
auto on_account(Store& s, boundaries<decltype(account_model(""))>& models, const std::string& account, Decide decide) {
  return decider::execute(s, models.get(account, [&] { return account_model(account); }),
                          [&](const auto& state) { return decide(std::get<0>(state)); });
}
// [/docs:boundaries]

enum class result { done, refused, failed, deadlocked };

// One lock per account, made on first use (the map's nodes never move, so a lock once found stays valid).
template <class Mutex>
class account_locks {
 public:
  Mutex& operator[](const std::string& account) {
    std::lock_guard guard(map_mutex_);
    return locks_[account];
  }

 private:
  std::mutex map_mutex_;
  std::map<std::string, Mutex> locks_;
};

// std::timed_mutex, except under ThreadSanitizer: LLVM 14's does not see try_lock_for take the lock (it does not
// intercept pthread_mutex_clocklock, llvm-project issue 62623) and reports every unlock as wrong. There the timed
// wait polls try_lock, which it does see.
#if defined(__SANITIZE_THREAD__)
#define DECIDER_EXAMPLE_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define DECIDER_EXAMPLE_TSAN 1
#endif
#endif
class timed_mutex {
 public:
  void lock() { mutex_.lock(); }
  bool try_lock() { return mutex_.try_lock(); }
  void unlock() { mutex_.unlock(); }
  template <class Rep, class Period>
  bool try_lock_for(std::chrono::duration<Rep, Period> timeout) {
#ifdef DECIDER_EXAMPLE_TSAN
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (!mutex_.try_lock()) {
      if (std::chrono::steady_clock::now() >= until) {
        return false;
      }
      std::this_thread::sleep_for(std::chrono::microseconds{50});
    }
    return true;
#else
    return mutex_.try_lock_for(timeout);
#endif
  }

 private:
  std::timed_mutex mutex_;
};

// [docs:two-locks]
// The seed's first design: lock the payee, then, inside, the payer; withdraw, then deposit. Two transfers in
// opposite directions each hold the lock the other waits for: with timeouts, both fail.
struct two_locks {
  std::chrono::milliseconds timeout{20};
  account_locks<timed_mutex> locks;  // std::timed_mutex (see above)
  boundaries<decltype(account_model(""))> accounts;

  template <class Store>
  result transfer(Store& s, const std::string& from, const std::string& to, std::int64_t cents,
                  const std::string& reference) {
    std::unique_lock payee(locks[to], timeout);
    if (!payee.owns_lock()) return result::failed;
    std::unique_lock payer(locks[from], timeout);
    if (!payer.owns_lock()) return result::deadlocked;  // holding the payee's lock: the deadlock, timed out
    const auto taken =
        on_account(s, accounts, from, [&](const account_state& a) -> decider::decision<event, insufficient_funds> {
          if (a.available() < cents) return decider::refuse(insufficient_funds{});
          return std::vector<event>{withdrawn{from, cents, reference}};
        });
    if (!taken) return std::holds_alternative<insufficient_funds>(taken.error()) ? result::refused : result::failed;
    const auto given =
        on_account(s, accounts, to, [&](const account_state&) -> decider::decision<event, insufficient_funds> {
          return std::vector<event>{deposited{to, cents, reference}};
        });
    return given ? result::done : result::failed;  // a failure here leaves money withdrawn: a violation
  }
};
// [/docs:two-locks]

// [docs:reservation]
// The seed's second design: one lock at a time. Reserve on the payer, deposit on the payee, then release the
// reservation and withdraw on the payer, in one append. No deadlock; three steps, and in between a crash leaves
// an open reservation that someone must find and finish.
struct reservation {
  account_locks<std::mutex> locks;
  boundaries<decltype(account_model(""))> accounts;

  template <class Store>
  result transfer(Store& s, const std::string& from, const std::string& to, std::int64_t cents,
                  const std::string& reference) {
    {
      std::lock_guard payer(locks[from]);
      const auto held =
          on_account(s, accounts, from, [&](const account_state& a) -> decider::decision<event, insufficient_funds> {
            if (a.available() < cents) return decider::refuse(insufficient_funds{});
            return std::vector<event>{reserved{from, cents, reference}};
          });
      if (!held) return std::holds_alternative<insufficient_funds>(held.error()) ? result::refused : result::failed;
    }
    {
      std::lock_guard payee(locks[to]);
      if (!on_account(s, accounts, to, [&](const account_state&) -> decider::decision<event, insufficient_funds> {
            return std::vector<event>{deposited{to, cents, reference}};
          })) {
        return result::failed;  // leaves the reservation open: a violation
      }
    }
    std::lock_guard payer(locks[from]);
    const auto done =
        on_account(s, accounts, from, [&](const account_state&) -> decider::decision<event, insufficient_funds> {
          return std::vector<event>{reservation_released{from, cents, reference}, withdrawn{from, cents, reference}};
        });
    return done ? result::done : result::failed;
  }
};
// [/docs:reservation]

// [docs:dcb]
// The DCB transfer: one decision over both accounts' events, one conditional append of one event. No lock is
// held; a concurrent change to either account fails the condition, and execute reads and decides again.
struct dcb {
  decider::execute_options retry{.max_attempts = 100'000,
                                 .first_backoff = std::chrono::microseconds{1},
                                 .max_backoff = std::chrono::microseconds{200}};
  boundaries<decltype(transfer_model("", ""))> pairs;

  template <class Store>
  result transfer(Store& s, const std::string& from, const std::string& to, std::int64_t cents,
                  const std::string& reference) {
    const auto& model = pairs.get(from + " to " + to, [&] { return transfer_model(from, to); });
    const auto r = decider::execute(
        s, model,
        [&](const auto& accounts) -> decider::decision<event, insufficient_funds> {
          if (std::get<0>(accounts).available() < cents) return decider::refuse(insufficient_funds{});
          return std::vector<event>{transferred{from, to, cents, reference}};
        },
        retry);
    if (r) return result::done;
    return std::holds_alternative<insufficient_funds>(r.error()) ? result::refused : result::failed;
  }
};
// [/docs:dcb]

// Replays a log and counts broken rules: a balance below zero or below its reservations at any position, money
// created or lost, a withdrawal without its deposit (or the reverse, by reference and amount), a reservation
// still open at the end.
template <class Log>
std::uint64_t violations(const Log& log) {
  std::map<std::string, account_state> accounts;
  std::map<std::string, std::int64_t> by_reference;  // withdrawn minus deposited, per transfer
  std::int64_t opened_total = 0;
  std::uint64_t found = 0;
  for (const auto& stored : log) {
    const auto& e = stored.event;
    const std::string* account = std::visit(
        [](const auto& x) -> const std::string* {
          if constexpr (std::is_same_v<std::decay_t<decltype(x)>, transferred>) {
            return nullptr;
          } else {
            return &x.account;
          }
        },
        e);
    if (account == nullptr) {
      const auto& t = std::get<transferred>(e);
      accounts[t.from] = apply(t.from, accounts[t.from], e);
      accounts[t.to] = apply(t.to, accounts[t.to], e);
    } else {
      accounts[*account] = apply(*account, accounts[*account], e);
    }
    if (const auto* o = std::get_if<opened>(&e)) opened_total += o->cents;
    if (const auto* w = std::get_if<withdrawn>(&e)) by_reference[w->reference] += w->cents;
    if (const auto* d = std::get_if<deposited>(&e)) by_reference[d->reference] -= d->cents;
    for (const auto& [name, a] : accounts) {
      found += a.balance < 0 || a.available() < 0 ? 1 : 0;
    }
  }
  std::int64_t total = 0;
  for (const auto& [name, a] : accounts) {
    total += a.balance;
    found += a.reserved != 0 ? 1 : 0;
  }
  found += total != opened_total ? 1 : 0;
  for (const auto& [reference, unmatched] : by_reference) {
    found += unmatched != 0 ? 1 : 0;
  }
  return found;
}

struct report {
  std::uint64_t transfers = 0;
  std::uint64_t concurrency = 0;
  std::uint64_t succeeded = 0;
  std::uint64_t refused = 0;    // for insufficient funds: decided
  std::uint64_t failed = 0;     // timed out (two locks), or lost to the retry bound
  std::uint64_t deadlocks = 0;  // of the failed: timed out on the second lock while holding the first
  std::uint64_t violations = 0;
  double seconds = 0;
  [[nodiscard]] double per_second() const { return seconds > 0 ? static_cast<double>(transfers) / seconds : 0; }
};

// Opens accounts "a" and "b" with `opening` cents each, then runs `transfers` transfers of 1 to 40 cents in random
// directions from `concurrency` threads started together, and replays the log.
// On the store given (empty), or on a memory store.
template <class Store, class Design>
report run_on(Store& s, Design& design, std::uint64_t transfers, std::uint64_t concurrency,
              std::int64_t opening = 1'000) {
  (void)s.append({{opened{"a", opening}}, {opened{"b", opening}}});
  std::atomic<std::uint64_t> counts[4] = {};
  std::latch start(static_cast<std::ptrdiff_t>(concurrency) + 1);
  std::vector<std::thread> clients;
  for (std::uint64_t c = 0; c < concurrency; ++c) {
    clients.emplace_back([&, c] {
      std::mt19937 random(static_cast<unsigned>(c) + 7);
      start.arrive_and_wait();
      for (std::uint64_t i = c; i < transfers; i += concurrency) {
        const bool ab = random() % 2 == 0;
        const auto cents = 1 + static_cast<std::int64_t>(random() % 40);
        const auto outcome = design.transfer(s, ab ? "a" : "b", ab ? "b" : "a", cents, "t" + std::to_string(i));
        ++counts[static_cast<int>(outcome)];
      }
    });
  }
  const auto began = std::chrono::steady_clock::now();
  start.arrive_and_wait();
  for (auto& t : clients) t.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  const auto log = s.read(decider::query::all());
  report r;
  r.transfers = transfers;
  r.concurrency = concurrency;
  r.succeeded = counts[static_cast<int>(result::done)];
  r.refused = counts[static_cast<int>(result::refused)];
  r.deadlocks = counts[static_cast<int>(result::deadlocked)];
  r.failed = counts[static_cast<int>(result::failed)] + r.deadlocks;
  r.violations = violations(*log);
  r.seconds = seconds;
  return r;
}
template <class Design>
report run(Design& design, std::uint64_t transfers, std::uint64_t concurrency, std::int64_t opening = 1'000) {
  store s;
  return run_on(s, design, transfers, concurrency, opening);
}

}  // namespace transfers
