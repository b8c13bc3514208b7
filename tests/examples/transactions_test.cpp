// Seed 001: the Transaction decider, the ledger of transactions by id, the account screens and the fee process,
// as given/when/then scenarios.
#include <catch2/catch.hpp>
#include <string>
#include <tuple>
#include <vector>

#include "decider/concepts.hpp"
#include "decider/fold.hpp"
#include "decider/orchestrate.hpp"
#include "decider/testing/scenario.hpp"
#include "transactions/accounts.hpp"
#include "transactions/transaction.hpp"

using decider::testing::given;
using namespace transactions;

TEST_CASE("transactions: the types model the concepts", "[example][transactions]") {
  STATIC_REQUIRE(decider::decider<transaction>);
  STATIC_REQUIRE(decider::decider<decltype(ledger())>);
  STATIC_REQUIRE(decider::view<decltype(accounts::balance_view())>);
  STATIC_REQUIRE(decider::view<accounts::history_view>);
  STATIC_REQUIRE(decider::view<decltype(accounts::screens())>);
  STATIC_REQUIRE(!decider::decider<decltype(accounts::screens())>);
  STATIC_REQUIRE(decider::process<decltype(large_transfer_fee())>);
}

// [docs:scenarios]
TEST_CASE("transactions: post decides both legs at once", "[example][transactions]") {
  given(transaction{})
      .when(post{2'500, "alice", "bob"})
      .then(account_debited{"alice", 2'500}, account_credited{"bob", 2'500})
      .then_state(state{true, 0});
}

TEST_CASE("transactions: refusals are typed", "[example][transactions]") {
  given(transaction{}).when(post{0, "alice", "bob"}).then_error(amount_not_positive{0});
  given(transaction{}).when(post{-5, "alice", "bob"}).then_error(amount_not_positive{-5});
  given(transaction{}).when(post{100, "alice", "alice"}).then_error(same_account{"alice"});
  given(transaction{}, account_debited{"alice", 100}, account_credited{"bob", 100})
      .when(post{100, "alice", "bob"})
      .then_error(already_posted{});
}
// [/docs:scenarios]

TEST_CASE("transactions: a posted transaction is terminal and absorbs further events", "[example][transactions]") {
  const transaction t;
  const auto posted = decider::fold(t, std::vector<event>{account_debited{"a", 7}, account_credited{"b", 7}});
  CHECK(t.is_terminal(posted));
  CHECK(t.evolve(posted, account_credited{"c", 1}) == posted);
  // Halfway through the pair the transaction is posted but not balanced: it still takes the other leg.
  const auto half = t.evolve(t.initial_state(), account_debited{"a", 7});
  CHECK_FALSE(t.is_terminal(half));
  CHECK(half == state{true, -7});
}

TEST_CASE("transactions: the ledger keeps transactions apart by id", "[example][transactions]") {
  given(ledger(), ledger_event{"t1", account_debited{"alice", 100}}, ledger_event{"t1", account_credited{"bob", 100}})
      .when(ledger_command{"t2", post{100, "alice", "bob"}})
      .then(ledger_event{"t2", account_debited{"alice", 100}}, ledger_event{"t2", account_credited{"bob", 100}});
  given(ledger(), ledger_event{"t1", account_debited{"alice", 100}}, ledger_event{"t1", account_credited{"bob", 100}})
      .when(ledger_command{"t1", post{5, "bob", "alice"}})
      .then_error(already_posted{});
}

TEST_CASE("transactions: the screens show balances and histories per account", "[example][transactions]") {
  given(accounts::balance_view(), ledger_event{"t1", account_debited{"alice", 300}},
        ledger_event{"t1", account_credited{"bob", 300}}, ledger_event{"t2", account_debited{"bob", 100}},
        ledger_event{"t2", account_credited{"carol", 100}})
      .then_state(accounts::balances{{"alice", -300}, {"bob", 200}, {"carol", 100}});

  const std::vector<ledger_event> events{{"t1", account_debited{"alice", 300}},
                                         {"t1", account_credited{"bob", 300}},
                                         {"t2", account_debited{"bob", 100}},
                                         {"t2", account_credited{"carol", 100}}};
  const auto [balances, histories] = decider::fold(accounts::screens(), events);
  CHECK(balances.at("bob") == 200);
  CHECK(histories.at("bob") == std::vector<accounts::history_line>{{"t1", 300, 300}, {"t2", -100, 200}});
  CHECK(histories.at("alice") == std::vector<accounts::history_line>{{"t1", -300, -300}});
}

TEST_CASE("transactions: a large transfer asks for a fee, a fee does not", "[example][transactions]") {
  given(large_transfer_fee())
      .when(ledger_event{"t9", account_debited{"alice", 200'000}})
      .then(ledger_command{"t9/fee", post{2'000, "alice", fee_account}});
  given(large_transfer_fee()).when(ledger_event{"t9", account_debited{"alice", 99'999}}).then();
  given(large_transfer_fee()).when(ledger_event{"t9", account_credited{"bob", 200'000}}).then();
  given(large_transfer_fee()).when(ledger_event{"t9/fee", account_debited{"alice", 500'000}}).then();
}

// [docs:orchestrate-fee]
TEST_CASE("transactions: orchestrate posts the transfer and its fee together, or nothing", "[example][transactions]") {
  const auto run = decider::orchestrate(ledger(), large_transfer_fee(), ledger_state{},
                                        ledger_command{"t1", post{100'000, "a", "b"}});
  REQUIRE(run.has_value());
  CHECK(run->commands == 2);
  CHECK(run->events == std::vector<ledger_event>{{"t1", account_debited{"a", 100'000}},
                                                 {"t1", account_credited{"b", 100'000}},
                                                 {"t1/fee", account_debited{"a", 1'000}},
                                                 {"t1/fee", account_credited{fee_account, 1'000}}});
  // The fee transaction id is taken already: the whole cascade is refused and nothing is appended.
  ledger_state fee_taken;
  fee_taken["t1/fee"] = state{true, 0};
  const auto refused =
      decider::orchestrate(ledger(), large_transfer_fee(), fee_taken, ledger_command{"t1", post{100'000, "a", "b"}});
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error() == decider::orchestration_error<decltype(ledger())>{already_posted{}});
}
// [/docs:orchestrate-fee]
