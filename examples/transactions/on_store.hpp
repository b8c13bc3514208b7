// Seed 001 on an event store: Transaction decisions are appended (both legs in one append) by concurrent writers,
// and a durable subscription keeps the Accounts read model current, its checkpoint stored with it. The example's
// event types stay as they are: their identity for the store is declared here with decider::event_traits.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <type_traits>
#include <vector>

#include "decider/fold.hpp"
#include "decider/make.hpp"
#include "decider/store/fields.hpp"
#include "decider/store/subscription.hpp"
#include "decider/visit.hpp"
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
// Their fields, for the durable stores' JSON codec, declared the same way.
template <>
struct decider::json_traits<transactions::account_debited> {
  static constexpr auto fields = std::tuple{field("account", &transactions::account_debited::account),
                                            field("amount", &transactions::account_debited::amount)};
};
template <>
struct decider::json_traits<transactions::account_credited> {
  static constexpr auto fields = std::tuple{field("account", &transactions::account_credited::account),
                                            field("amount", &transactions::account_credited::amount)};
};
// [/docs:traits]

namespace transactions_on_store {

using balances = std::map<std::string, transactions::cents>;

inline auto balance_view() {
  return decider::make_view<transactions::event, balances>({}, [](balances b, const auto& e) {
    std::visit(decider::overloaded{[&](const transactions::account_debited& d) { b[d.account] -= d.amount; },
                                   [&](const transactions::account_credited& c) { b[c.account] += c.amount; }},
               e);
    return b;
  });
}
using accounts = decider::checkpointed<decltype(balance_view())>;

inline decider::query postings() { return decider::events({"account_debited", "account_credited"}); }

struct subscription_run {
  std::size_t checkpoints = 0;          // checked while the writers ran, and once after
  bool every_checkpoint_agrees = true;  // balances == the fold of every posting up to the checkpoint
  bool writers_failed = false;
  accounts read_model;
  decider::position head = 0;
  std::size_t checked_while_writing = 0;      // checkpoints checked before every writer was done
  bool every_checkpoint_sums_to_zero = true;  // both legs of a transaction are in, or neither
};

// [docs:on-store]
// `writers` threads post `transactions_each` random transactions among four accounts, each decided by the
// Transaction decider and appended as one batch. Meanwhile a subscription catches up (reading `batch` events at a
// time) again and again, at least `passes` times and until the writers are done, then once more; after each catch-up
// the read model is compared with a fold of every posting up to its checkpoint.
template <class Store>
subscription_run post_while_subscribed(Store& store, int writers, int transactions_each, std::size_t batch,
                                       int passes) {
  const auto view = balance_view();
  std::atomic<bool> failed{false};
  std::atomic<int> finished{0};             // writers done
  std::atomic<bool> checked_midway{false};  // a checkpoint past 0 was checked while the writers were posting
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(writers));
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      std::mt19937 random(static_cast<unsigned>(w) + 3);
      const std::vector<std::string> names{"alice", "bob", "carol", "dave"};
      for (int i = 0; i < transactions_each; ++i) {
        // Half-way, wait for one check: so, however the threads are scheduled, a checkpoint falls mid-stream.
        while (i == transactions_each / 2 && !checked_midway.load()) std::this_thread::yield();
        const std::size_t payer = random() % 4;
        const std::size_t payee = (payer + 1 + random() % 3) % 4;  // never the payer
        const auto decided = decider::step(
            transactions::transaction{}, transactions::state{},
            transactions::post{1 + static_cast<transactions::cents>(random() % 500), names[payer], names[payee]});
        std::vector<decider::event_to_append<transactions::event>> legs;
        for (const auto& e : decided ? decided->events : std::vector<transactions::event>{}) {
          legs.push_back({e});
        }
        if (!decided || !store.append(std::move(legs))) failed = true;
        std::this_thread::sleep_for(std::chrono::microseconds{50});  // writers post over time, not in one burst
      }
      ++finished;
    });
  }
  subscription_run run{0, true, false, accounts{view.initial_state(), 0}, 0};
  decider::subscription sub(store, postings(), run.read_model.checkpoint,
                            decider::subscription_options{.batch = batch});
  const auto catch_up_and_check = [&] {
    const bool caught_up = sub.catch_up(decider::project_into(view, run.read_model)).has_value();
    std::vector<transactions::event> upto;
    const auto all = store.read(postings());
    for (const auto& e : *all) {
      if (e.position <= run.read_model.checkpoint) upto.push_back(e.event);
    }
    const bool agrees = caught_up && decider::fold(view, upto) == run.read_model.state;
    run.every_checkpoint_agrees = run.every_checkpoint_agrees && agrees;
    transactions::cents sum = 0;
    for (const auto& [account, balance] : run.read_model.state) sum += balance;
    run.every_checkpoint_sums_to_zero = run.every_checkpoint_sums_to_zero && sum == 0;
    ++run.checkpoints;
    if (finished.load() < writers) {
      ++run.checked_while_writing;
      if (run.read_model.checkpoint > 0 || !caught_up) checked_midway = true;
    }
  };
  for (int pass = 0; pass < passes || finished.load() < writers; ++pass) {
    catch_up_and_check();
  }
  for (auto& t : threads) t.join();
  catch_up_and_check();
  run.writers_failed = failed.load();
  run.head = store.head();
  return run;
}
// [/docs:on-store]

}  // namespace transactions_on_store
