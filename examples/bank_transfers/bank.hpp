// Bank transfers: three designs side by side on one event store, each running the commands of the bank decider
// (account.hpp) with decider::handle. Two locks taken in turn (one account after the other: deadlocks show up as
// timeouts), a reservation protocol (reserve, deposit, settle: one lock at a time), and the transfer as one
// decision over both accounts (the decider's own transfer command, one conditional append). run() fires concurrent
// transfers between two accounts; violations() replays the log and counts broken rules.
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

#include "bank_transfers/account.hpp"
#include "decider/fold.hpp"
#include "decider/store/handle.hpp"
#include "decider/store/memory.hpp"

namespace transfers {

using store = decider::memory_store<event>;

// The states of the accounts the designs touched, kept between their decisions (decider/store/handle.hpp): each
// decision reads only what was stored since on its accounts.
using account_cache = decider::state_cache_of<bank>;

// One command of the bank decider on the store: the decider's own rules, its own boundary.
template <class Store>
auto decide(Store& s, account_cache& cache, const command& c, const decider::execute_options& options = {}) {
  return decider::handle_with_cache(s, bank{}, c, options, cache);
}

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
// The first design: lock the payee, then, inside, the payer; withdraw, then deposit. Two transfers in
// opposite directions each hold the lock the other waits for: with timeouts, both fail.
struct two_locks {
  std::chrono::milliseconds timeout{20};
  account_locks<timed_mutex> locks;  // std::timed_mutex (see above)
  account_cache accounts{decider::cache_options{}};

  template <class Store>
  result transfer(Store& s, const std::string& from, const std::string& to, std::int64_t cents,
                  const std::string& reference) {
    std::unique_lock payee(locks[to], timeout);
    if (!payee.owns_lock()) return result::failed;
    std::unique_lock payer(locks[from], timeout);
    if (!payer.owns_lock()) return result::deadlocked;  // holding the payee's lock: the deadlock, timed out
    const auto taken = decide(s, accounts, withdraw{from, cents, reference});
    if (!taken) return std::holds_alternative<insufficient_funds>(taken.error()) ? result::refused : result::failed;
    const auto given = decide(s, accounts, deposit{to, cents, reference});
    return given ? result::done : result::failed;  // a failure here leaves money withdrawn: a violation
  }
};
// [/docs:two-locks]

// [docs:reservation]
// The second design: one lock at a time. Reserve on the payer, deposit on the payee, then release the
// reservation and withdraw on the payer, in one append. No deadlock; three steps, and in between a crash leaves
// an open reservation that someone must find and finish.
struct reservation {
  account_locks<std::mutex> locks;
  account_cache accounts{decider::cache_options{}};

  template <class Store>
  result transfer(Store& s, const std::string& from, const std::string& to, std::int64_t cents,
                  const std::string& reference) {
    {
      std::lock_guard payer(locks[from]);
      const auto held = decide(s, accounts, reserve{from, cents, reference});
      if (!held) return std::holds_alternative<insufficient_funds>(held.error()) ? result::refused : result::failed;
    }
    {
      std::lock_guard payee(locks[to]);
      if (!decide(s, accounts, deposit{to, cents, reference})) {
        return result::failed;  // leaves the reservation open: a violation
      }
    }
    std::lock_guard payer(locks[from]);
    return decide(s, accounts, settle{from, reference}) ? result::done : result::failed;
  }
};
// [/docs:reservation]

// [docs:dcb]
// The transfer as one decision: the bank decider's transfer command reads both accounts' events and appends the
// withdrawal and the deposit together, under one condition. No lock is held; a concurrent change to either account
// fails the condition, and handle reads and decides again.
struct dcb {
  decider::execute_options retry{.max_attempts = 100'000,
                                 .first_backoff = std::chrono::microseconds{1},
                                 .max_backoff = std::chrono::microseconds{200}};
  account_cache accounts{decider::cache_options{}};

  template <class Store>
  result transfer(Store& s, const std::string& from, const std::string& to, std::int64_t cents,
                  const std::string& reference) {
    const auto r = decide(s, accounts, transfers::transfer{from, to, cents, reference}, retry);
    if (r) return result::done;
    return std::holds_alternative<insufficient_funds>(r.error()) ? result::refused : result::failed;
  }
};
// [/docs:dcb]

// Replays a log and counts broken rules: a balance below zero or below its reservations at any position, money
// created or lost, a withdrawal without its deposit (or the reverse, by reference and amount), a reservation
// still open at the end.
// Replays a log through the bank decider and counts broken rules: a balance below zero or below its holds at any
// position, a transfer whose withdrawal and deposit differ (or one without the other), a hold still open at the end.
template <class Log>
std::uint64_t violations(const Log& log) {
  const bank b;
  state s = b.initial_state();
  std::vector<event> so_far;
  std::uint64_t found = 0;
  for (const auto& stored : log) {
    s = b.evolve(std::move(s), stored.event);
    so_far.push_back(stored.event);
    found += checks::no_overdraft(s) ? 0 : 1;
  }
  found += checks::transfers_balance(s, so_far) ? 0 : 1;
  for (const auto& [id, a] : s) {
    found += a.reserved != 0 ? 1 : 0;
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
  account_cache cache{decider::cache_options{}};
  (void)decide(s, cache, open_account{"a", opening});
  (void)decide(s, cache, open_account{"b", opening});
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
