// Seed 001 properties: over random command sequences the postings sum to zero in every reachable state, the
// account screens equal balances and histories computed independently from the raw events, and the laws hold
// for the transaction, the ledger, the screens and the fee cascade.
#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "decider/combine.hpp"
#include "decider/fold.hpp"
#include "decider/orchestrate.hpp"
#include "decider/testing/boundary.hpp"
#include "decider/testing/rapidcheck.hpp"
#include "transactions/accounts.hpp"
#include "transactions/on_store.hpp"
#include "transactions/transaction.hpp"

namespace {

using namespace transactions;
using decider::testing::check_invariant;
using decider::testing::check_laws;
using decider::testing::check_view_laws;

rc::Gen<std::string> account_names() { return rc::gen::element<std::string>("alice", "bob", "shop", fee_account); }
rc::Gen<std::string> transaction_ids() { return rc::gen::element<std::string>("t1", "t2", "t3", "t4", "t5", "t6"); }

// Mostly valid amounts, large enough to cross the fee threshold at times, and a few that must be refused.
rc::Gen<cents> amounts() {
  return rc::gen::weightedOneOf<cents>(
      {{8, rc::gen::inRange<cents>(1, 250'000)}, {1, rc::gen::inRange<cents>(-1'000, 1)}});
}

rc::Gen<post> posts() {
  const auto make = [](cents amount, std::string from, std::string to) { return post{amount, from, to}; };
  return rc::gen::apply(make, amounts(), account_names(), account_names());
}

// [docs:generator]
rc::Gen<ledger_command> ledger_commands() { return decider::testing::gen::keyed(transaction_ids(), posts()); }

rc::Gen<ledger_event> ledger_events() {
  const auto debited = [](std::string account, cents n) { return event{account_debited{account, n}}; };
  const auto credited = [](std::string account, cents n) { return event{account_credited{account, n}}; };
  const auto legs = rc::gen::oneOf(rc::gen::apply(debited, account_names(), amounts()),
                                   rc::gen::apply(credited, account_names(), amounts()));
  return decider::testing::gen::keyed(transaction_ids(), legs);
}
// [/docs:generator]

// [docs:zero-sum]
// Credits minus debits over all accounts, from the raw events.
cents sum_of_postings(const std::vector<ledger_event>& events) {
  std::map<std::string, cents> per_account;
  for (const auto& e : events) {
    decider::match(
        e.value, [&](const account_debited& d) { per_account[d.account] -= d.amount; },
        [&](const account_credited& c) { per_account[c.account] += c.amount; });
  }
  cents sum = 0;
  for (const auto& [account, balance] : per_account) {
    sum += balance;
  }
  return sum;
}

bool postings_sum_to_zero(const ledger_state& state, const std::vector<ledger_event>& events) {
  for (const auto& [id, t] : state) {
    if (t.balance != 0) {
      return false;
    }
  }
  return sum_of_postings(events) == 0;
}
// [/docs:zero-sum]

// [docs:views-equal-fold]
// The screens against an independent computation: for each account, walk the raw events that touch it.
bool screens_equal_postings(const std::vector<ledger_event>& events) {
  const auto [balances, histories] = decider::fold(accounts::screens(), events);
  std::map<std::string, std::vector<accounts::history_line>> expected;
  for (const auto& e : events) {
    const auto* d = std::get_if<account_debited>(&e.value);
    expected[d != nullptr ? d->account : std::get<account_credited>(e.value).account];
  }
  for (auto& [account, lines] : expected) {
    cents running = 0;
    for (const auto& e : events) {
      if (const auto* d = std::get_if<account_debited>(&e.value); d != nullptr && d->account == account) {
        running -= d->amount;
        lines.push_back({e.key, -d->amount, running});
      } else if (const auto* c = std::get_if<account_credited>(&e.value); c != nullptr && c->account == account) {
        running += c->amount;
        lines.push_back({e.key, c->amount, running});
      }
    }
    const auto at = balances.find(account);
    if (at == balances.end() || at->second != running) {
      return false;
    }
  }
  return balances.size() == expected.size() && histories == expected;
}
// [/docs:views-equal-fold]

}  // namespace

// [docs:check-zero-sum]
TEST_CASE("transactions: the postings sum to zero in every reachable state", "[example][transactions]") {
  REQUIRE(check_invariant("transactions: postings sum to zero", ledger(), ledger_commands(), postings_sum_to_zero));
}
// [/docs:check-zero-sum]

TEST_CASE("transactions: the account screens equal the fold of the postings", "[example][transactions]") {
  REQUIRE(check_invariant(
      "transactions: screens equal the postings", ledger(), ledger_commands(),
      [](const ledger_state&, const std::vector<ledger_event>& events) { return screens_equal_postings(events); }));
  // Also on arbitrary event streams, not only on those the ledger decides: a read model must fold whatever is stored.
  REQUIRE(rc::check("transactions: screens equal the postings on any events", [] {
    RC_ASSERT(screens_equal_postings(*rc::gen::container<std::vector<ledger_event>>(ledger_events())));
  }));
}

TEST_CASE("transactions: the fee cascade balances and charges 1 % of every large transfer", "[example][transactions]") {
  REQUIRE(rc::check("transactions: orchestrated runs", [] {
    const auto commands = *rc::gen::container<std::vector<ledger_command>>(ledger_commands());
    const auto ledger_decider = ledger();
    ledger_state state;
    std::vector<ledger_event> events;
    for (const auto& command : commands) {
      const auto run = decider::orchestrate(ledger_decider, large_transfer_fee(), state, command);
      const auto alone = decider::step(ledger_decider, state, command);
      // The process only adds: with it, a command is accepted exactly when it would be on its own
      // (the fee id is free because fees are only ever posted by the process).
      RC_ASSERT(run.has_value() == alone.has_value());
      if (!run) {
        continue;
      }
      const bool large = command.value.amount >= fee_threshold && command.value.from != fee_account;
      RC_ASSERT(run->commands == (large ? 2U : 1U));
      if (large) {
        RC_ASSERT(run->events.size() == 4U);
        const ledger_event fee{command.key + "/fee", account_debited{command.value.from, command.value.amount / 100}};
        RC_ASSERT(run->events[2] == fee);
      }
      state = run->state;
      events.insert(events.end(), run->events.begin(), run->events.end());
      RC_ASSERT(postings_sum_to_zero(state, events));
    }
  }));
}

TEST_CASE("transactions: laws of the transaction, the ledger and the screens", "[example][transactions][laws]") {
  const auto one_transaction = rc::gen::map(ledger_commands(), [](const ledger_command& c) { return c.value; });
  REQUIRE(check_laws("transaction", transaction{}, one_transaction));
  REQUIRE(check_laws("ledger = many<std::string>(transaction)", ledger(), ledger_commands()));
  REQUIRE(check_view_laws("balance view", accounts::balance_view(), ledger_events()));
  REQUIRE(check_view_laws("history view", accounts::history_view{}, ledger_events()));
  using screen_event = decider::event_of<decltype(accounts::screens())>;
  REQUIRE(check_view_laws("screens = combine(balance view, history view)", accounts::screens(),
                          decider::testing::gen::widened<screen_event>(ledger_events())));
}

TEST_CASE("transactions: the ledger's boundary on a store (one transaction's events) decides as the whole ledger",
          "[example][transactions][boundary]") {
  REQUIRE(decider::testing::check_boundary("ledger", ledger(), ledger_commands()));
}
