// Transactions and accounts ("modelling accounts, event driven"): a Transaction posts a debit and a credit in one
// decision; accounts exist only as views over the postings. The program tells the story, then checks the invariants
// with rapidcheck and exits non-zero if one does not hold.
#include <rapidcheck.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "common/report.hpp"
#include "common/store_choice.hpp"
#include "decider/fold.hpp"
#include "decider/orchestrate.hpp"
#include "decider/testing/print.hpp"
#include "decider/testing/rapidcheck.hpp"
#include "transactions/accounts.hpp"
#include "transactions/on_store.hpp"
#include "transactions/transaction.hpp"

namespace {

using decider::testing::describe;
using examples::show;
using namespace transactions;

std::string money(cents amount) {
  const cents whole = amount / 100;
  const cents part = (amount < 0 ? -amount : amount) % 100;
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%s%lld.%02lld", amount < 0 && whole == 0 ? "-" : "",
                static_cast<long long>(whole), static_cast<long long>(part));
  return buffer;
}

struct books {
  decltype(ledger()) transactions = ledger();
  ledger_state state = transactions.initial_state();
  std::vector<ledger_event> events;

  void post(const ledger_command& command) {
    std::cout << "> " << show(describe(command)) << '\n';
    auto result = decider::step(transactions, state, command);
    if (!result) {
      std::cout << "    refused: " << show(describe(result.error())) << '\n';
      return;
    }
    for (const auto& e : result->events) {
      std::cout << "    " << show(describe(e)) << '\n';
    }
    state = std::move(result->state);
    events.insert(events.end(), result->events.begin(), result->events.end());
  }

  void post_with_fee(const ledger_command& command) {
    std::cout << "> " << show(describe(command)) << "  (with the large-transfer fee process)\n";
    auto run = decider::orchestrate(transactions, large_transfer_fee(), state, command);
    if (!run) {
      std::cout << "    refused: " << show(describe(run.error())) << '\n';
      return;
    }
    for (const auto& e : run->events) {
      std::cout << "    " << show(describe(e)) << '\n';
    }
    if (run->commands > 1) {
      std::cout << "    (the process added " << run->commands - 1 << " command(s); all events append together)\n";
    }
    state = std::move(run->state);
    events.insert(events.end(), run->events.begin(), run->events.end());
  }
};

rc::Gen<ledger_command> ledger_commands() {
  const auto amounts = rc::gen::weightedOneOf<cents>(
      {{8, rc::gen::inRange<cents>(1, 250'000)}, {1, rc::gen::inRange<cents>(-1'000, 1)}});
  const auto accounts = rc::gen::element<std::string>("alice", "bob", "shop", "bank:fees");
  const auto make = [](cents amount, std::string from, std::string to) {
    return post{amount, std::move(from), std::move(to)};
  };
  const auto posts = rc::gen::apply(make, amounts, accounts, accounts);
  return decider::testing::gen::keyed(rc::gen::element<std::string>("t1", "t2", "t3", "t4", "t5", "t6"), posts);
}

// Credits minus debits over all postings, computed from the raw events.
cents sum_of_postings(const std::vector<ledger_event>& events) {
  cents sum = 0;
  for (const auto& e : events) {
    if (const auto* c = std::get_if<account_credited>(&e.value)) {
      sum += c->amount;
    } else {
      sum -= std::get<account_debited>(e.value).amount;
    }
  }
  return sum;
}

bool books_balance(const ledger_state& state, const std::vector<ledger_event>& events) {
  for (const auto& [id, t] : state) {
    if (t.balance != 0) {
      return false;
    }
  }
  return sum_of_postings(events) == 0;
}

// The screens equal balances and histories computed account by account from the raw events.
bool screens_match_postings(const ledger_state&, const std::vector<ledger_event>& events) {
  const auto [balances, histories] = decider::fold(accounts::screens(), events);
  std::map<std::string, cents> expected;
  for (const auto& e : events) {
    const auto [account, change] = accounts::change_of(e.value);
    expected[account] += change;
  }
  if (balances != expected || histories.size() != expected.size()) {
    return false;
  }
  for (const auto& [account, balance] : expected) {
    const auto at = histories.find(account);
    if (at == histories.end() || at->second.empty() || at->second.back().balance != balance) {
      return false;
    }
  }
  return true;
}

}  // namespace

int main() {
  std::cout
      << "Transactions and accounts: a Transaction posts both legs at once; accounts are views (amounts in cents).\n\n";
  books b;
  b.post({"t1", post{250'000, "alice", "bob"}});
  b.post({"t2", post{0, "bob", "shop"}});
  b.post({"t3", post{500, "shop", "shop"}});
  b.post({"t1", post{250'000, "alice", "bob"}});  // a retry of t1 must not post twice
  b.post_with_fee({"t4", post{120'000, "bob", "shop"}});
  b.post_with_fee({"t5", post{4'000, "shop", "alice"}});

  const auto [balances, histories] = decider::fold(accounts::screens(), b.events);
  std::cout << "\nScreen 1, balances:";
  for (const auto& [account, balance] : balances) {
    std::cout << "  " << account << ' ' << money(balance);
  }
  std::cout << "\nScreen 2, history of bob:\n";
  for (const auto& line : histories.at("bob")) {
    std::cout << "    " << line.transaction << ' ' << money(line.change) << " -> " << money(line.balance) << '\n';
  }

  std::cout << "\nChecking the invariants over random command sequences:\n";
  const bool balanced = examples::report_invariant("the postings sum to zero in every reachable state", ledger(),
                                                   ledger_commands(), books_balance);
  const bool views = examples::report_invariant("the account views equal the fold of the postings", ledger(),
                                                ledger_commands(), screens_match_postings);
  const bool fees = rc::check("orchestrated fee runs also sum to zero", [] {
    const auto commands = *rc::gen::container<std::vector<ledger_command>>(ledger_commands());
    auto state = ledger().initial_state();
    std::vector<ledger_event> events;
    for (const auto& command : commands) {
      if (auto run = decider::orchestrate(ledger(), large_transfer_fee(), state, command)) {
        state = std::move(run->state);
        events.insert(events.end(), run->events.begin(), run->events.end());
      }
      RC_ASSERT(books_balance(state, events));
    }
  });

  if (fees) {
    std::cout << "invariant: with the fee process, every orchestrated run still sums to zero: holds\n";
  }

  std::cout << "\nOn the event store, the ledger posts from 4 writers, each transaction sent by two of them, while a\n"
               "subscription keeps the accounts read model current:\n";
  transactions_on_store::subscription_run unopened;
  unopened.writers_failed = true;
  const auto run = examples::on_chosen_store<transactions::ledger_event>("transactions", unopened, [](auto& store) {
    return transactions_on_store::post_while_subscribed(store, 4, 250, 7, 30);
  });
  std::cout << "  " << run.posted << " transactions posted, " << run.already_posted
            << " sent again refused as already posted; " << run.head << " postings; " << run.checkpoints
            << " checkpoints checked (" << run.checked_while_writing
            << " while the writers were posting), the last at position " << run.read_model.checkpoint << '\n';
  for (const auto& [account, balance] : run.read_model.state) {
    std::cout << "  " << account << ": " << balance << '\n';
  }
  const bool current = run.every_checkpoint_agrees && !run.writers_failed && run.read_model.checkpoint == run.head;
  std::cout << "invariant: at every checkpoint the balances equal the fold of all postings up to it: "
            << (current ? "holds" : "BROKEN") << '\n';
  std::cout << "invariant: at every checkpoint the balances sum to zero (no transaction half in): "
            << (run.every_checkpoint_sums_to_zero ? "holds" : "BROKEN") << '\n';
  std::cout << "invariant: each transaction is posted once, however many times it is sent: "
            << (run.every_transaction_once ? "holds" : "BROKEN") << '\n';
  return balanced && views && fees && current && run.every_checkpoint_sums_to_zero && run.every_transaction_once
             ? EXIT_SUCCESS
             : EXIT_FAILURE;
}
