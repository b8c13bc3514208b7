// The tutorial's last step: the ledger decider of the transactions example, unchanged, run on an SQLite file with
// decider::handle; the refusal is the one step() gives in memory, and the stored log folds to the pure state.
#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

#include "decider/fold.hpp"
#include "decider/json/codec.hpp"
#include "decider/sqlite/store.hpp"
#include "decider/store/handle.hpp"
#include "support/temporary_directory.hpp"
#include "transactions/on_store.hpp"  // the events' identity: event_traits, json_traits, instance_kind

TEST_CASE("tutorial: the ledger decider runs on SQLite as it does in memory", "[sqlite][boundary]") {
  decider_test::temporary_directory dir("sqlite-tutorial");
  const std::string path = (dir.path / "ledger.db").string();
  // [docs:tutorial-sqlite]
  using namespace transactions;
  using ledger_store = decider::sqlite_store<decider::json_codec<ledger_event>>;
  auto opened = ledger_store::open(path);  // creates the file and its schema
  REQUIRE(opened.has_value());
  auto& store = **opened;

  const auto books = ledger();  // the decider of section 3, as the property tests check it
  const ledger_command t1{"t1", post{250'000, "alice", "bob"}};
  const auto posted = decider::handle(store, books, t1);
  // Read: the events tagged "transaction:t1" (none yet). Decided: both legs. Appended in one batch, under the
  // condition that nothing tagged "transaction:t1" was stored since the read.
  REQUIRE(posted.has_value());
  CHECK(posted->events ==
        std::vector<ledger_event>{{"t1", account_debited{"alice", 250'000}}, {"t1", account_credited{"bob", 250'000}}});

  // The same command again: the ledger's own refusal, as step() gives it in memory.
  const auto again = decider::handle(store, books, t1);
  CHECK(again.error() == decider::execute_error<error>{already_posted{}});
  // [/docs:tutorial-sqlite]

  const auto log = store.read(decider::query::all());
  REQUIRE(log.has_value());
  std::vector<ledger_event> events;
  for (const auto& e : *log) {
    events.push_back(e.event);
  }
  const auto in_memory = decider::step(books, books.initial_state(), t1);
  REQUIRE(in_memory.has_value());
  CHECK(decider::fold(books, events) == in_memory->state);
  CHECK(log->front().tags == std::vector<decider::tag>{"account:alice", "transaction:t1"});
}
