// Checks that need other processes, for any durable store that tests/durable/store_writer.cpp can open: racers in
// separate processes, the conformance suite's random conditional appends from several processes, and writers
// killed with SIGKILL in the middle of their appends.
#pragma once

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <latch>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "decider/testing/store_conformance.hpp"
#include "support/child_process.hpp"

namespace decider_test {

namespace conformance = decider::testing::conformance;

// How to reach one store: the store_writer arguments that open it, and a function that opens it here.
template <class Store>
struct durable_target {
  std::vector<std::string> writer_args;  // {"sqlite", path} or {"postgres", conninfo}
  std::function<std::unique_ptr<Store>()> open;
};

inline std::vector<std::string> writer_command(const std::vector<std::string>& target,
                                               const std::vector<std::string>& mode) {
  std::vector<std::string> argv{DECIDER_STORE_WRITER};
  argv.insert(argv.end(), target.begin(), target.end());
  argv.insert(argv.end(), mode.begin(), mode.end());
  return argv;
}

inline std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream in(line);
  std::string field;
  while (std::getline(in, field, '\t')) {
    out.push_back(field);
  }
  return out;
}

// `racers` processes read the same boundary, then append on it at once: exactly one wins, in each round.
template <class Store>
void check_process_racers(const durable_target<Store>& target, int rounds, int racers) {
  auto store = target.open();
  for (int round = 0; round < rounds; ++round) {
    const auto seen = store->read(decider::tagged({"race"}), {.from = {}, .backwards = true, .limit = 1});
    REQUIRE(seen.has_value());
    const decider::position after = seen->empty() ? 0 : seen->front().position;
    std::vector<std::unique_ptr<child_process>> children;
    for (int i = 0; i < racers; ++i) {
      children.push_back(std::make_unique<child_process>(writer_command(
          target.writer_args, {"race", "r" + std::to_string(round) + "-" + std::to_string(i), std::to_string(after)})));
      REQUIRE(children.back()->started());
    }
    for (auto& c : children) {
      c->write_line("go");
    }
    int won = 0;
    for (auto& c : children) {
      const auto answer = c->read_line();
      REQUIRE(answer.has_value());
      won += *answer == "won" ? 1 : 0;
      CHECK(c->wait() == 0);
    }
    INFO("round " << round);
    REQUIRE(won == 1);
  }
}

// The conformance suite's random conditional appends from `processes` processes at once, then a replay of the log.
template <class Store>
decider::testing::replay_findings check_process_replay(const durable_target<Store>& target, int processes,
                                                       std::size_t per_process) {
  std::vector<std::unique_ptr<child_process>> children;
  for (int p = 0; p < processes; ++p) {
    children.push_back(std::make_unique<child_process>(
        writer_command(target.writer_args,
                       {"attempts", "p" + std::to_string(p), std::to_string(p + 11), std::to_string(per_process)})));
    REQUIRE(children.back()->started());
  }
  for (auto& c : children) {
    c->write_line("go");
  }
  std::vector<decider::testing::append_attempt> attempts;
  for (auto& c : children) {
    while (const auto line = c->read_line()) {
      const auto f = split_tabs(*line);
      REQUIRE(f.size() == 5);
      attempts.push_back({f[1], f[2] == "-" ? std::nullopt : std::optional<decider::position>(std::stoull(f[2])), f[0],
                          f[4] == "1",
                          f[3] == "-" ? std::nullopt : std::optional<decider::position>(std::stoull(f[3]))});
    }
    CHECK(c->wait() == 0);
  }
  REQUIRE(attempts.size() == static_cast<std::size_t>(processes) * per_process);
  auto store = target.open();
  const auto log = store->read(decider::query::all());
  REQUIRE(log.has_value());
  return decider::testing::validate_replay(*log, attempts);
}

struct crash_findings {
  std::size_t kills = 0;
  std::size_t acknowledged = 0;    // batches acknowledged before the kills
  std::size_t stored_batches = 0;  // batches in the log at the end
  std::size_t lost = 0;            // acknowledged, and not in the log whole at the position answered
  std::size_t partial = 0;         // in the log with fewer or more events than the batch had
  bool increasing = true;          // positions increase along the log
};

// `kills` times: a writer process with three threads appends batches of 1 to 3 events, and is killed with SIGKILL
// after a random number of acknowledgements and a random pause; the store is reopened here and checked.
template <class Store>
crash_findings check_crashes(const durable_target<Store>& target, int kills, unsigned seed) {
  std::mt19937 random(seed);
  crash_findings f;
  std::map<std::string, std::pair<std::size_t, decider::position>> acked;  // batch -> (size, last position)
  for (int round = 0; round < kills; ++round) {
    child_process writer(writer_command(target.writer_args, {"crash", "k" + std::to_string(round), "3"}));
    REQUIRE(writer.started());
    writer.write_line("go");
    const auto wanted = 5 + random() % 60;
    const auto record = [&](const std::string& line) {
      std::istringstream in(line);
      std::string word;
      std::string name;
      std::size_t size = 0;
      decider::position last = 0;
      in >> word >> name >> size >> last;
      INFO(line);
      REQUIRE(word == "ack");
      acked[name] = {size, last};
    };
    for (std::size_t n = 0; n < wanted; ++n) {
      const auto line = writer.read_line();
      REQUIRE(line.has_value());
      record(*line);
    }
    std::this_thread::sleep_for(std::chrono::microseconds(random() % 3000));
    writer.kill();
    ++f.kills;
    while (const auto line = writer.read_line()) {  // acknowledged before the kill, still in the pipe
      if (line->rfind("ack ", 0) == 0) {
        record(*line);
      }
    }
    // Reopen, as a restarted program would, and check everything so far.
    auto store = target.open();
    const auto log = store->read(decider::query::all());
    REQUIRE(log.has_value());
    std::map<std::string, std::vector<decider::position>> batches;
    for (std::size_t i = 0; i < log->size(); ++i) {
      f.increasing = f.increasing && (i == 0 || (*log)[i].position > (*log)[i - 1].position);
      for (const auto& t : (*log)[i].tags) {
        if (t.rfind("batch:", 0) == 0) {
          batches[t.substr(6)].push_back((*log)[i].position);
        }
      }
    }
    f.lost = 0;
    f.partial = 0;
    for (const auto& [name, positions] : batches) {
      const auto k = std::stoul(name.substr(name.rfind('.') + 1));
      const std::size_t size = 1 + k % 3;
      const bool whole = positions.size() == size && positions.back() - positions.front() + 1 == size;
      f.partial += whole ? 0 : 1;
    }
    for (const auto& [name, answer] : acked) {
      const auto at = batches.find(name);
      const bool there = at != batches.end() && at->second.size() == answer.first && at->second.back() == answer.second;
      f.lost += there ? 0 : 1;
    }
    f.acknowledged = acked.size();
    f.stored_batches = batches.size();
  }
  return f;
}

// The recovered store still keeps the checklist: concurrent conditional appends from 4 threads on top of the
// data, replayed against the whole log, then racers in separate processes.
template <class Store>
void check_recovered(const durable_target<Store>& target, std::size_t per_thread) {
  auto recovered = target.open();
  const auto before = recovered->head();
  std::mutex mutex;
  std::vector<decider::testing::append_attempt> attempts;
  std::vector<std::thread> threads;
  for (unsigned i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      auto mine =
          decider::testing::random_conditional_appends(*recovered, "after-crash-" + std::to_string(i), i, per_thread);
      std::lock_guard lock(mutex);
      attempts.insert(attempts.end(), mine.begin(), mine.end());
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  const auto log = recovered->read(decider::query::all());
  REQUIRE(log.has_value());
  const auto replay = decider::testing::validate_replay(*log, attempts);
  CHECK(replay.ok());
  CHECK(log->size() == before + replay.accepted);
  check_process_racers(target, 3, 3);
}

// Two reads of one log, event by event: positions, types, tags, events and metadata alike.
template <class Log>
void require_same_log(const Log& before, const Log& after) {
  REQUIRE(after.size() == before.size());
  for (std::size_t i = 0; i < before.size(); ++i) {
    CHECK(after[i].position == before[i].position);
    CHECK(after[i].type == before[i].type);
    CHECK(after[i].tags == before[i].tags);
    CHECK(after[i].event == before[i].event);
    CHECK(after[i].metadata == before[i].metadata);
  }
}

// Group commit inside one process: 8 writer threads append 25 events each, and all of them first claim one name
// under "nothing with this tag yet": exactly one claim wins, even when several share a commit, and some commits
// serve several appends.
template <class Store>
void check_group_commit(Store& store) {
  constexpr int writers = 8;
  constexpr int per_writer = 25;
  std::atomic<int> accepted{0};
  std::atomic<int> failed{0};
  std::latch go(writers);
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      go.arrive_and_wait();
      for (int i = 0; i < per_writer; ++i) {
        if (i == 0 && store.append({{conformance::alpha{{"name:taken"}, std::to_string(w)}}},
                                   decider::append_condition{decider::tagged({"name:taken"}), std::nullopt})) {
          ++accepted;
        }
        // Catch's assertions are not for other threads: count, and check after the join.
        failed +=
            store.append({{conformance::beta{{"writer:" + std::to_string(w)}, std::to_string(i)}}}).has_value() ? 0 : 1;
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  CHECK(failed == 0);
  CHECK(accepted == 1);
  CHECK(store.read(decider::tagged({"name:taken"}))->size() == 1);
  CHECK(store.head() == 1 + writers * per_writer);
  const auto [commits, appends] = store.commits_and_appends();
  INFO(commits << " commits for " << appends << " appends");
  CHECK(appends == writers * (per_writer + 1));
  CHECK(commits < appends);
}

}  // namespace decider_test
