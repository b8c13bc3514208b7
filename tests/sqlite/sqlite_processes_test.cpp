// The SQLite store with several processes on one file: racers, the conformance workload from three processes,
// a writer killed with SIGKILL twenty times in the middle of its appends, and connections opening a new file at once.
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "decider/sqlite/store.hpp"
#include "decider/testing/conformance_codec.hpp"
#include "durable/process_checks.hpp"
#include "support/temporary_directory.hpp"

namespace sqlite_processes {
using store = decider::sqlite_store<decider::testing::conformance::codec>;

inline decider_test::durable_target<store> target(const std::string& path) {
  return {{"sqlite", path}, [path] {
            auto s = store::open(path);
            REQUIRE(s.has_value());
            return std::move(*s);
          }};
}
// The journal mode a database file is in, as a new connection finds it ("wal" once a store has opened it).
inline std::string journal_mode(const std::string& path) {
  sqlite3* db = nullptr;
  std::string mode;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW) {
      mode = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
    }
    sqlite3_finalize(statement);
  }
  sqlite3_close(db);
  return mode;
}
}  // namespace sqlite_processes
using namespace sqlite_processes;

TEST_CASE("SQLite: racers in separate processes on one file, exactly one wins each round", "[sqlite][processes]") {
  decider_test::temporary_directory dir("sqlite-racers");
  decider_test::check_process_racers(target((dir.path / "events.db").string()), 10, 4);
}

TEST_CASE("SQLite: random conditional appends from three processes keep every condition", "[sqlite][processes]") {
  decider_test::temporary_directory dir("sqlite-process-replay");
  const auto f = decider_test::check_process_replay(target((dir.path / "events.db").string()), 3, 2000);
  INFO(f.attempts << " attempts, " << f.accepted << " accepted");
  CHECK(f.increasing);
  CHECK(f.all_stored);
  CHECK(f.nothing_else);
  CHECK(f.conditions_held);
  CHECK(f.uncontended_refusals == 0);
  CHECK(f.accepted > f.attempts / 2);
}

TEST_CASE("SQLite: a writer killed twenty times mid-stream loses no acknowledged append and leaves no partial batch",
          "[sqlite][crash]") {
  decider_test::temporary_directory dir("sqlite-crash");
  const auto t = target((dir.path / "events.db").string());
  const auto f = decider_test::check_crashes(t, 20, 2026);
  INFO(f.kills << " kills, " << f.acknowledged << " batches acknowledged, " << f.stored_batches << " stored");
  CHECK(f.kills == 20);
  CHECK(f.acknowledged >= 20 * 5);
  CHECK(f.lost == 0);
  CHECK(f.partial == 0);
  CHECK(f.increasing);
  CHECK(f.stored_batches >= f.acknowledged);  // a batch committed just before the kill may be unacknowledged

  decider_test::check_recovered(t, 500);
}

TEST_CASE("SQLite: connections that open a new file at the same moment all get the store", "[sqlite][processes]") {
  // Switching a new file to WAL takes a lock that SQLite does not wait for; open waits for it.
  decider_test::temporary_directory dir("sqlite-open-race");
  constexpr int rounds = 150;
  constexpr int openers = 4;
  std::mutex failures_lock;
  std::vector<std::string> failures;
  for (int round = 0; round < rounds; ++round) {
    const auto path = (dir.path / ("events-" + std::to_string(round) + ".db")).string();
    std::vector<std::thread> threads;
    for (int t = 0; t < openers; ++t) {
      threads.emplace_back([&] {
        if (auto s = store::open(path); !s.has_value()) {
          const std::lock_guard lock(failures_lock);
          failures.push_back(s.error().message);
        }
      });
    }
    for (auto& t : threads) {
      t.join();
    }
    if (journal_mode(path) != "wal") {
      const std::lock_guard lock(failures_lock);
      failures.push_back(path + " is in journal mode \"" + journal_mode(path) + "\", not WAL");
    }
  }
  INFO((failures.empty() ? std::string{} : failures.front()));
  CHECK(failures.empty());
}
