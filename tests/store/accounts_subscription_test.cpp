// Seed 001 on the store: Transaction decisions appended by concurrent writers, and a durable subscription that keeps
// the Accounts read model current. The example's event types are not changed: their identity is declared with
// decider::event_traits. At every checkpoint the balances equal the fold of every posting up to it.
#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "decider/fold.hpp"
#include "decider/make.hpp"
#include "decider/store/memory.hpp"
#include "decider/store/subscription.hpp"
#include "transactions/transaction.hpp"

// [docs:traits]
// Identity for event types you do not own, declared once, outside them.
template <>
struct decider::event_traits<transactions::account_debited> {
  static constexpr std::string_view type_name = "account_debited";
  static std::vector<tag> tags(const transactions::account_debited& e) { return {make_tag("account", e.account)}; }
};
template <>
struct decider::event_traits<transactions::account_credited> {
  static constexpr std::string_view type_name = "account_credited";
  static std::vector<tag> tags(const transactions::account_credited& e) { return {make_tag("account", e.account)}; }
};
// [/docs:traits]

namespace accounts_subscription {
using balances = std::map<std::string, transactions::cents>;
const auto balance_view = decider::make_view<transactions::event, balances>({}, [](balances b, const auto& e) {
  std::visit(decider::overloaded{[&](const transactions::account_debited& d) { b[d.account] -= d.amount; },
                                 [&](const transactions::account_credited& c) { b[c.account] += c.amount; }},
             e);
  return b;
});
using model = decider::checkpointed<std::remove_const_t<decltype(balance_view)>>;
}  // namespace accounts_subscription
using namespace accounts_subscription;

TEST_CASE("seed 001 on the store: the accounts read model equals the fold of the postings at every checkpoint",
          "[store][seed001][subscription][concurrency]") {
  STATIC_REQUIRE(decider::storable_event<transactions::event>);
  decider::memory_store<transactions::event> store;
  const auto postings = decider::events({"account_debited", "account_credited"});
  std::atomic<bool> failed{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      std::mt19937 random(static_cast<unsigned>(w) + 3);
      const std::vector<std::string> accounts{"alice", "bob", "carol", "dave"};
      for (int i = 0; i < 500; ++i) {
        const std::size_t payer = random() % 4;
        const std::size_t payee = (payer + 1 + random() % 3) % 4;  // never the payer
        const auto& from = accounts[payer];
        const auto& to = accounts[payee];
        // The Transaction decides both legs; they are appended together.
        const auto decided =
            decider::step(transactions::transaction{}, transactions::state{},
                          transactions::post{1 + static_cast<transactions::cents>(random() % 500), from, to});
        if (!decided) {
          failed = true;
          continue;
        }
        std::vector<decider::event_to_append<transactions::event>> batch;
        for (const auto& e : decided->events) {
          batch.push_back({e});
        }
        if (!store.append(std::move(batch))) {
          failed = true;
        }
      }
    });
  }
  model accounts{balance_view.initial_state(), 0};
  decider::subscription sub(store, postings, accounts.checkpoint, decider::subscription_options{.batch = 7});
  std::size_t checkpoints = 0;
  bool consistent = true;
  auto check_checkpoint = [&] {
    const auto upto = store.read(postings, decider::read_options{.from = {}, .backwards = false, .limit = {}});
    std::vector<transactions::event> seen;
    for (const auto& e : *upto) {
      if (e.position <= accounts.checkpoint) {
        seen.push_back(e.event);
      }
    }
    consistent = consistent && decider::fold(balance_view, seen) == accounts.state;
    ++checkpoints;
  };
  for (int pass = 0; pass < 50; ++pass) {
    REQUIRE(sub.catch_up(decider::project_into(balance_view, accounts)).has_value());
    check_checkpoint();
  }
  for (auto& t : writers) {
    t.join();
  }
  REQUIRE(sub.catch_up(decider::project_into(balance_view, accounts)).has_value());
  check_checkpoint();
  CHECK_FALSE(failed.load());
  CHECK(consistent);
  CHECK(checkpoints == 51);
  CHECK(accounts.checkpoint == store.head());
  transactions::cents sum = 0;
  for (const auto& [account, balance] : accounts.state) {
    sum += balance;
  }
  CHECK(sum == 0);  // once caught up, every transaction's legs are in: the postings sum to zero
}
