// The PostgreSQL store with several processes on one schema: racers, the conformance workload from three
// processes, a live subscription woken by other processes' NOTIFY, and a writer killed with SIGKILL twenty times.
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "decider/postgres/store.hpp"
#include "decider/store/subscription.hpp"
#include "decider/testing/conformance_codec.hpp"
#include "durable/process_checks.hpp"

namespace postgres_processes {
using store = decider::postgres_store<decider::testing::conformance::codec>;

inline std::string conninfo() {
  const char* given = std::getenv("DECIDER_PG_CONNINFO");
  return given != nullptr ? given : "";
}
inline decider_test::durable_target<store> target(const std::string& name) {
  const auto schema = "p" + std::to_string(::getpid()) + "_" + name;
  return {{"postgres", conninfo(), schema}, [schema] {
            auto s = store::open(conninfo(), {.schema = schema});
            INFO((s.has_value() ? std::string() : s.error().message));
            REQUIRE(s.has_value());
            return std::move(*s);
          }};
}
}  // namespace postgres_processes
using namespace postgres_processes;

TEST_CASE("PostgreSQL: racers in separate processes, exactly one wins each round", "[postgres][processes]") {
  decider_test::check_process_racers(target("racers"), 10, 4);
}

TEST_CASE("PostgreSQL: random conditional appends from three processes keep every condition", "[postgres][processes]") {
  const auto t = target("replay");
  t.open();  // the schema exists before the writers start
  const auto f = decider_test::check_process_replay(t, 3, 1000);
  INFO(f.attempts << " attempts, " << f.accepted << " accepted");
  CHECK(f.increasing);
  CHECK(f.all_stored);
  CHECK(f.nothing_else);
  CHECK(f.conditions_held);
  CHECK(f.uncontended_refusals == 0);
  CHECK(f.accepted > f.attempts / 2);
}

TEST_CASE("PostgreSQL: a live subscription sees every event other processes append, once and in order",
          "[postgres][processes][subscription]") {
  const auto t = target("subscription");
  auto reader = t.open();
  std::vector<decider::position> seen;
  std::stop_source stop;
  decider::subscription live(*reader, decider::query::all(), 0, {.batch = 100, .idle = std::chrono::milliseconds(200)});
  std::thread running([&] { (void)live.run(stop.get_token(), [&](const auto& e) { seen.push_back(e.position); }); });
  const auto f = decider_test::check_process_replay(t, 2, 300);
  const auto head = reader->head();
  for (int i = 0; i < 200 && live.checkpoint() < head; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  stop.request_stop();
  running.join();
  CHECK(f.ok());
  REQUIRE(seen.size() == head);
  for (std::size_t i = 0; i < seen.size(); ++i) {
    REQUIRE(seen[i] == i + 1);  // no gap, no duplicate, in order
  }
}

TEST_CASE(
    "PostgreSQL: a writer killed twenty times mid-stream loses no acknowledged append and leaves no partial batch",
    "[postgres][crash]") {
  const auto t = target("crash");
  t.open();
  const auto f = decider_test::check_crashes(t, 20, 2026);
  INFO(f.kills << " kills, " << f.acknowledged << " batches acknowledged, " << f.stored_batches << " stored");
  CHECK(f.kills == 20);
  CHECK(f.acknowledged >= 20 * 5);
  CHECK(f.lost == 0);
  CHECK(f.partial == 0);
  CHECK(f.increasing);
  CHECK(f.stored_batches >= f.acknowledged);
  decider_test::check_recovered(t, 250);
}

TEST_CASE("PostgreSQL: another process's append wakes a waiting reader by NOTIFY, not by the end of its timeout",
          "[postgres][processes][subscription]") {
  const auto t = target("notify");
  auto reader = t.open();
  const auto head = reader->head();
  std::atomic<bool> woken{false};
  std::atomic<long long> waited_ms{0};
  std::thread waiting([&] {
    const auto began = std::chrono::steady_clock::now();
    woken = reader->wait_for_append(head, std::chrono::seconds(20));
    waited_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began).count();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the reader is listening by now
  decider_test::child_process writer(decider_test::writer_command(t.writer_args, {"race", "notifier", "0"}));
  REQUIRE(writer.started());
  writer.write_line("go");
  CHECK(writer.read_line() == std::optional<std::string>("won"));
  waiting.join();
  CHECK(woken);
  INFO("waited " << waited_ms << " ms");
  CHECK(waited_ms < 10'000);
}
