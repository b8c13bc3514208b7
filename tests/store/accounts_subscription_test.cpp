// Transactions and accounts on the store: the ledger decider posts from concurrent writers, each transaction sent
// by two of them, and a durable subscription keeps the accounts read model current
// (examples/transactions/on_store.hpp). At every checkpoint the balances equal the fold of every posting up to it,
// checked again and again while the writers post; each transaction is posted once.
#include <catch2/catch.hpp>

#include "decider/store/memory.hpp"
#include "transactions/on_store.hpp"

TEST_CASE("transactions on the store: the accounts read model equals the fold of the postings at every checkpoint",
          "[store][transactions][subscription][concurrency]") {
  STATIC_REQUIRE(decider::storable_event<transactions::ledger_event>);
  decider::memory_store<transactions::ledger_event> store;
  const auto run = transactions_on_store::post_while_subscribed(store, 4, 500, 7, 50);
  CHECK_FALSE(run.writers_failed);
  CHECK(run.every_checkpoint_agrees);
  CHECK(run.every_checkpoint_sums_to_zero);  // each transaction's legs are appended together
  CHECK(run.checkpoints >= 51);              // at least the 50 passes asked for, and the last one
  CHECK(run.checked_while_writing >= 1);     // guaranteed: the writers wait half-way for a check
  CHECK(run.read_model.checkpoint == run.head);
  CHECK(run.head == 4 * 500 * 2);
  CHECK(run.posted == 4 * 500);          // each transaction once,
  CHECK(run.already_posted == 4 * 500);  // and refused when sent again
  CHECK(run.every_transaction_once);
  transactions::cents sum = 0;
  for (const auto& [account, balance] : run.read_model.state) {
    sum += balance;
  }
  CHECK(sum == 0);  // once caught up, every transaction's legs are in: the postings sum to zero
}
