// Seed 004 on the store, the DCB design: a transfer is one decision over both accounts and one conditional append,
// so no lock is held, nothing deadlocks, and no reservation is needed. Under concurrent transfers between two
// accounts every transfer is decided (done, or refused for funds), none is lost to conflicts, no balance goes
// negative at any point of the log, and the total never changes.
#include <atomic>
#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

#include "decider/make.hpp"
#include "decider/store/dcb.hpp"
#include "decider/store/memory.hpp"

namespace transfer_store {

struct deposited {
  std::string account;
  std::int64_t cents = 0;
  static constexpr std::string_view type_name = "deposited";
  [[nodiscard]] std::vector<decider::tag> tags() const { return {decider::make_tag("account", account)}; }
};
// One event for both sides of a transfer: it carries both account tags, so both boundaries see it.
struct transferred {
  std::string from;
  std::string to;
  std::int64_t cents = 0;
  static constexpr std::string_view type_name = "transferred";
  [[nodiscard]] std::vector<decider::tag> tags() const {
    return {decider::make_tag("account", from), decider::make_tag("account", to)};
  }
};
using event = std::variant<deposited, transferred>;

struct insufficient_funds {
  friend bool operator==(const insufficient_funds&, const insufficient_funds&) = default;
};

inline std::int64_t change_for(const std::string& account, const event& e) {
  if (const auto* d = std::get_if<deposited>(&e)) {
    return d->account == account ? d->cents : 0;
  }
  const auto& t = std::get<transferred>(e);
  return (t.to == account ? t.cents : 0) - (t.from == account ? t.cents : 0);
}

// [docs:transfer]
inline auto transfer(decider::memory_store<event>& store, const std::string& from, const std::string& to,
                     std::int64_t cents) {
  const auto balance_of = [](std::string account) {
    return decider::make_view<event, std::int64_t>(
        0, [account](std::int64_t balance, const event& e) { return balance + change_for(account, e); });
  };
  // The payer's balance decides; the payee's boundary is read too, so the decision covers both accounts.
  const auto model =
      decider::decision_model(decider::project(balance_of(from), decider::tagged({decider::make_tag("account", from)})),
                              decider::project(balance_of(to), decider::tagged({decider::make_tag("account", to)})));
  return decider::execute(
      store, model,
      [&](const auto& balances) -> decider::decision<event, insufficient_funds> {
        if (std::get<0>(balances) < cents) return decider::refuse(insufficient_funds{});
        return std::vector<event>{transferred{from, to, cents}};
      },
      decider::execute_options{.max_attempts = 100'000,
                               .first_backoff = std::chrono::microseconds{1},
                               .max_backoff = std::chrono::microseconds{200}});
}
// [/docs:transfer]

struct outcome {
  int done = 0;
  int refused = 0;
  int lost = 0;
};

inline outcome run_transfers(decider::memory_store<event>& store, int transfers, int concurrency) {
  std::atomic<int> done{0};
  std::atomic<int> refused{0};
  std::atomic<int> lost{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < concurrency; ++c) {
    clients.emplace_back([&, c] {
      std::mt19937 random(static_cast<unsigned>(c) + 7);
      for (int i = c; i < transfers; i += concurrency) {
        const bool ab = random() % 2 == 0;
        auto r = transfer(store, ab ? "a" : "b", ab ? "b" : "a", 1 + static_cast<std::int64_t>(random() % 40));
        if (r) {
          ++done;
        } else if (std::holds_alternative<insufficient_funds>(r.error())) {
          ++refused;
        } else {
          ++lost;
        }
      }
    });
  }
  for (auto& t : clients) {
    t.join();
  }
  return {done, refused, lost};
}

// Replays the log: balances never negative at any position, and the total is what was deposited.
inline bool invariants_hold(decider::memory_store<event>& store, std::int64_t deposited_total) {
  const auto log = store.read(decider::query::all());
  std::map<std::string, std::int64_t> balances;
  for (const auto& e : *log) {
    for (const char* account : {"a", "b"}) {
      balances[account] += change_for(account, e.event);
      if (balances[account] < 0) {
        return false;
      }
    }
  }
  return balances["a"] + balances["b"] == deposited_total;
}

}  // namespace transfer_store
using namespace transfer_store;

TEST_CASE("seed 004 on the store: 50 transfers at concurrency 4 on 2 accounts, all decided, none lost",
          "[store][seed004][concurrency]") {
  decider::memory_store<event> store;
  REQUIRE(store.append({{deposited{"a", 100}}, {deposited{"b", 100}}}).has_value());
  const auto result = run_transfers(store, 50, 4);
  CHECK(result.done + result.refused == 50);
  CHECK(result.lost == 0);
  CHECK(result.done > 0);
  CHECK(invariants_hold(store, 200));
}

TEST_CASE("seed 004 on the store: 800 transfers at concurrency 100 on 2 accounts, all decided, none lost",
          "[store][seed004][concurrency]") {
  decider::memory_store<event> store;
  REQUIRE(store.append({{deposited{"a", 1000}}, {deposited{"b", 1000}}}).has_value());
  const auto result = run_transfers(store, 800, 100);
  CHECK(result.done + result.refused == 800);
  CHECK(result.lost == 0);
  CHECK(invariants_hold(store, 2000));
}
