// Transactions and accounts on an event store: the ledger (every transaction by id, the decider the property tests
// check) decides each posting with decider::handle, both legs in one append, from concurrent writers; a durable
// subscription keeps the accounts read model (the balances screen) current, its checkpoint stored with it. The
// example's event types stay as they are: their identity for the store is declared here, with decider::event_traits
// and decider::instance_kind (a ledger event, keyed by transaction id, is tagged "transaction:<id>").
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
#include <utility>
#include <vector>

#include "decider/fold.hpp"
#include "decider/store/fields.hpp"
#include "decider/store/handle.hpp"
#include "decider/store/subscription.hpp"
#include "transactions/accounts.hpp"
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
// [docs:instance-kind]
// The ledger's instances, for the store: a keyed<std::string, transactions::event> is tagged "transaction:<id>".
template <>
struct decider::instance_kind<transactions::event> {
  static constexpr std::string_view name = "transaction";
};
// [/docs:instance-kind]

namespace transactions_on_store {

using accounts = decider::checkpointed<decltype(transactions::accounts::balance_view())>;

inline decider::query postings() { return decider::events({"account_debited", "account_credited"}); }

struct subscription_run {
  std::size_t checkpoints = 0;          // checked while the writers ran, and once after
  bool every_checkpoint_agrees = true;  // balances == the fold of every posting up to the checkpoint
  bool writers_failed = false;
  accounts read_model;
  decider::position head = 0;
  std::size_t checked_while_writing = 0;      // checkpoints checked before every writer was done
  bool every_checkpoint_sums_to_zero = true;  // both legs of a transaction are in, or neither
  std::size_t posted = 0;                     // postings the ledger accepted
  std::size_t already_posted = 0;             // postings refused: the transaction was posted (by the other writer)
  bool every_transaction_once = false;        // in the log, each transaction's two legs, once
};

// Transaction `number`'s posting: the same whichever writer sends it (an amount and two of four accounts).
inline transactions::ledger_command transaction(std::size_t number) {
  static const std::vector<std::string> names{"alice", "bob", "carol", "dave"};
  std::mt19937 random(static_cast<unsigned>(number) + 3);
  const std::size_t payer = random() % 4;
  const std::size_t payee = (payer + 1 + random() % 3) % 4;  // never the payer
  return {"t" + std::to_string(number),
          transactions::post{1 + static_cast<transactions::cents>(random() % 500), names[payer], names[payee]}};
}

// Whether the log holds each of `count` transactions exactly once: two legs keyed by its id, summing to zero.
template <class Log>
bool every_transaction_once(const Log& log, std::size_t count) {
  std::map<std::string, std::pair<int, transactions::cents>> legs;  // legs, their sum
  for (const auto& e : log) {
    auto& [n, sum] = legs[e.event.key];
    ++n;
    sum += transactions::accounts::change_of(e.event.value).second;
  }
  bool once = legs.size() == count;
  for (const auto& [id, seen] : legs) {
    once = once && seen.first == 2 && seen.second == 0;
  }
  return once;
}

// [docs:on-store]
// `writers` threads post `transactions_each` transactions each through the ledger decider, and each also sends the
// next writer's transactions, as a second node retrying them would: every transaction is sent twice, concurrently,
// and the ledger's rule (a transaction posts once) must hold on the store as in memory. Meanwhile a subscription
// catches up (reading `batch` events at a time) again and again, at least `passes` times and until the writers are
// done, then once more; after each catch-up the read model is compared with a fold of every posting up to its
// checkpoint.
template <class Store>
subscription_run post_while_subscribed(Store& store, int writers, int transactions_each, std::size_t batch,
                                       int passes) {
  const auto view = transactions::accounts::balance_view();
  const auto ledger = transactions::ledger();
  std::atomic<bool> failed{false};
  std::atomic<std::size_t> posted{0};
  std::atomic<std::size_t> refused{0};
  std::atomic<int> finished{0};             // writers done
  std::atomic<bool> checked_midway{false};  // a checkpoint past 0 was checked while the writers were posting
  const auto total = static_cast<std::size_t>(writers) * static_cast<std::size_t>(transactions_each);
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(writers));
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      const auto next = static_cast<std::size_t>((w + 1) % writers);
      for (int i = 0; i < transactions_each; ++i) {
        // Half-way, wait for one check: so, however the threads are scheduled, a checkpoint falls mid-stream.
        while (i == transactions_each / 2 && !checked_midway.load()) std::this_thread::yield();
        const auto at = static_cast<std::size_t>(i) * static_cast<std::size_t>(writers);
        for (const std::size_t number : {at + static_cast<std::size_t>(w), at + next}) {
          const auto r = decider::handle(store, ledger, transaction(number), {.max_attempts = 64});
          if (r) {
            ++posted;
          } else if (r.error() == decider::execute_error<transactions::error>{transactions::already_posted{}}) {
            ++refused;
          } else {
            failed = true;
          }
        }
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
    std::vector<transactions::ledger_event> upto;
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
  run.posted = posted.load();
  run.already_posted = refused.load();
  const auto log = store.read(decider::query::all());
  run.every_transaction_once = log.has_value() && every_transaction_once(*log, total);
  return run;
}
// [/docs:on-store]

}  // namespace transactions_on_store
