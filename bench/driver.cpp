// decider-bench: runs one workload per call and prints one JSON object per line, so every performance figure is
// one command away and a script can plot it. `violations` counts broken invariants found by checking the final
// state (a replay of the store), so a fast wrong answer shows.
//   decider-bench --workload course --store memory --n 100000 --concurrency 4
//   decider-bench --workload append --store sqlite --sqlite /var/tmp/bench.db --n 20000 --concurrency 4
//   decider-bench --workload raw-insert --store postgres --pg "host=/tmp/pg dbname=postgres" --n 20000 --concurrency 16
#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <latch>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "activities/on_store.hpp"
#include "bank_transfers/bank.hpp"
#include "decider/combine.hpp"
#include "decider/fold.hpp"
#include "decider/json/codec.hpp"
#include "decider/postgres/store.hpp"
#include "decider/sqlite/store.hpp"
#include "decider/store/fields.hpp"
#include "decider/store/memory.hpp"
#include "memberships/on_store.hpp"
#include "student_course/on_store.hpp"
#include "workloads/booking.hpp"
#include "workloads/course.hpp"
#include "workloads/fold.hpp"

namespace driver {

using clock = std::chrono::steady_clock;

struct options {
  std::string workload;
  std::string store = "memory";
  std::uint64_t n = 0;
  std::uint64_t concurrency = 1;
  std::string sqlite;                 // --sqlite PATH: the file (made fresh; default under the temporary directory)
  std::string sync = "full";          // --sync full|normal: SQLite's durability
  std::string pg;                     // --pg CONNINFO: the server (a fresh schema per run, dropped after)
  std::uint64_t group_wait_us = 400;  // --group-wait US: how long a durable store's commit waits for more appends
};

struct outcome {
  double seconds = 0;
  std::uint64_t ops = 0;  // what ops_per_s counts
  std::uint64_t succeeded = 0;
  std::uint64_t failed = 0;
  std::uint64_t violations = 0;
  std::vector<std::pair<std::string, std::uint64_t>> extra{};  // workload-specific counts
};

// The decisions of a workload, counted from its threads: accepted (and the attempts beyond the first), refused by
// the rule, and lost (a store failure, or the retry bound reached).
struct tally {
  std::atomic<std::uint64_t> accepted{0};
  std::atomic<std::uint64_t> refused{0};
  std::atomic<std::uint64_t> lost{0};
  std::atomic<std::uint64_t> conflicts{0};

  // r: a runner's result; is_refusal(error): whether the error is the rule's refusal.
  template <class Result, class IsRefusal>
  void count(const Result& r, IsRefusal is_refusal) {
    if (r) {
      ++accepted;
      if constexpr (requires { r->attempts; }) {
        conflicts += r->attempts - 1;
      }
    } else if (is_refusal(r.error())) {
      ++refused;
    } else {
      ++lost;
    }
  }
  [[nodiscard]] outcome result(double seconds, std::uint64_t ops, std::uint64_t violations) const {
    outcome out{seconds, ops, accepted.load(), lost.load(), violations};
    out.extra = {{"refused", refused.load()}, {"conflicts_retried", conflicts.load()}};
    return out;
  }
};

// The retries of a contended workload: many quick attempts rather than few slow ones.
inline const decider::execute_options contended_retry{.max_attempts = 1'000,
                                                      .first_backoff = std::chrono::microseconds{1},
                                                      .max_backoff = std::chrono::microseconds{500}};

// Runs body(thread, share) on `concurrency` threads started together; returns the wall seconds until all end.
// Thread t gets the operations t, t + concurrency, ... of n.
template <class Body>
double on_threads(std::uint64_t n, std::uint64_t concurrency, Body body) {
  std::latch start(static_cast<std::ptrdiff_t>(concurrency) + 1);
  std::vector<std::thread> threads;
  for (std::uint64_t t = 0; t < concurrency; ++t) {
    const std::uint64_t share = n / concurrency + (t < n % concurrency ? 1 : 0);
    threads.emplace_back([&, t, share] {
      start.arrive_and_wait();
      body(t, share);
    });
  }
  const auto began = clock::now();
  start.arrive_and_wait();
  for (auto& t : threads) t.join();
  return std::chrono::duration<double>(clock::now() - began).count();
}

double seconds_since(clock::time_point began) { return std::chrono::duration<double>(clock::now() - began).count(); }

std::string sqlite_path(const options& o) {
  return o.sqlite.empty() ? "/tmp/decider-bench-" + std::to_string(::getpid()) + ".db" : o.sqlite;
}
void remove_sqlite(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::remove((path + suffix).c_str());
  }
}
std::string bench_schema() { return "bench_" + std::to_string(::getpid()); }

// Group commit at work on a durable store: how many transactions served how many appends.
template <class Store>
void add_commit_counts(const Store& store, outcome& out) {
  if constexpr (requires { store.commits_and_appends(); }) {
    const auto [commits, appends] = store.commits_and_appends();
    out.extra.emplace_back("commits", commits);
    out.extra.emplace_back("appends_committed", appends);
  }
  if constexpr (requires { store.one_round_trip_commits(); }) {
    out.extra.emplace_back("one_round_trip_commits", store.one_round_trip_commits());
  }
}

// Runs body(store) on a fresh store of the kind --store names, holding `Event`s (durable stores through
// decider::json_codec), and removes the store afterwards.
template <class Event, class Body>
outcome on_store(const options& o, Body body) {
  if (o.store == "sqlite") {
    const auto path = sqlite_path(o);
    remove_sqlite(path);
    outcome out;
    {
      auto store = decider::sqlite_store<decider::json_codec<Event>>::open(
          path,
          {.durability = o.sync == "normal" ? decider::sqlite_durability::normal : decider::sqlite_durability::full,
           .group_wait = std::chrono::microseconds(o.group_wait_us)});
      if (!store.has_value()) {
        std::cerr << "decider-bench: " << store.error().message << '\n';
        std::exit(2);
      }
      out = body(**store);
      add_commit_counts(**store, out);
    }
    remove_sqlite(path);
    return out;
  }
  if (o.store == "postgres") {
    auto store = decider::postgres_store<decider::json_codec<Event>>::open(
        o.pg, {.schema = bench_schema(), .group_wait = std::chrono::microseconds(o.group_wait_us)});
    if (!store.has_value()) {
      std::cerr << "decider-bench: " << store.error().message << '\n';
      std::exit(2);
    }
    auto out = body(**store);
    add_commit_counts(**store, out);
    static_cast<void>((*store)->drop_schema());
    return out;
  }
  decider::memory_store<Event> store;
  return body(store);
}

// fold-combined / fold-handwritten: replay n events through combine(stock, ledger), or the hand-written loop.
outcome fold(const options& o, bool combined) {
  using namespace fold_workload;
  const auto all = random_events(o.n);
  const auto expected = fold_by_hand(all);
  const auto began = clock::now();
  std::int64_t level = 0;
  std::int64_t balance = 0;
  if (combined) {
    const auto [s, l] = decider::fold(decider::combine(stock_view{}, ledger_view{}), all);
    level = s.level;
    balance = l.balance;
  } else {
    const auto [s, l] = fold_by_hand(all);
    level = s.level;
    balance = l.balance;
  }
  const double seconds = seconds_since(began);
  const bool right = level == expected.first.level && balance == expected.second.balance;
  return {seconds, o.n, o.n, 0, right ? 0U : 1U};
}

// append: n conditional appends of 1 event with 2 tags under a 2-item condition {both tags, after the head read
// just before}, from `concurrency` threads over 1000 x 997 tag values. A concurrent append to either tag fails
// the condition (counted as failed, an expected outcome). The replay checks every accepted append: no event
// matching its condition lies between its `after` and its own position.
struct item_added {
  std::uint64_t n = 0;
  std::string a;
  std::string b;
  static constexpr std::string_view type_name = "item_added";
  static constexpr auto json_fields = std::tuple{
      decider::field("n", &item_added::n), decider::field("a", &item_added::a), decider::field("b", &item_added::b)};
  [[nodiscard]] std::vector<decider::tag> tags() const { return {a, b}; }
};
using item_event = std::variant<item_added>;

// conditional-append: the same appends without the read: `after` is the position this thread's previous append
// returned (the head, before its first). What an append costs on its own, beside raw-insert.
outcome append(const options& o, bool read_head_first) {
  return on_store<item_event>(o, [&](auto& store) {
    struct accepted {
      decider::position at;
      decider::position after;
      std::string a;
      std::string b;
    };
    std::vector<std::vector<accepted>> kept(o.concurrency);
    std::atomic<std::uint64_t> failed{0};
    const double seconds = on_threads(o.n, o.concurrency, [&](std::uint64_t t, std::uint64_t share) {
      std::mt19937_64 random(t + 1);
      kept[t].reserve(share);
      decider::position last = store.head();
      for (std::uint64_t i = 0; i < share; ++i) {
        auto a = "a:" + std::to_string(random() % 1000);
        auto b = "b:" + std::to_string(random() % 997);
        const auto after = read_head_first ? store.head() : last;
        auto r = store.append({{item_added{i, a, b}}},
                              decider::append_condition{decider::tagged({a}) | decider::tagged({b}), after});
        if (r) {
          last = *r;
          kept[t].push_back({*r, after, std::move(a), std::move(b)});
        } else {
          ++failed;
        }
      }
    });
    outcome out{seconds, o.n, 0, failed.load(), 0};
    for (const auto& mine : kept) {
      out.succeeded += mine.size();
      for (const auto& k : mine) {
        const auto first = store.read(decider::tagged({k.a}) | decider::tagged({k.b}),
                                      decider::read_options{.from = k.after + 1, .limit = 1});
        out.violations += first && !first->empty() && first->front().position == k.at ? 0 : 1;
      }
    }
    out.violations += store.head() == out.succeeded ? 0 : 1;
    return out;
  });
}

// read-tag: a store of n events, 100 of which carry the tag "target" (spread evenly); 20,000 reads of that tag
// from `concurrency` threads. ops_per_s is reads per second.
outcome read_tag(const options& o) {
  return on_store<item_event>(o, [&](auto& store) {
    const std::uint64_t every = std::max<std::uint64_t>(o.n / 100, 1);
    std::vector<decider::event_to_append<item_event>> batch;
    for (std::uint64_t i = 0; i < o.n; ++i) {
      const bool target = i % every == 0 && i / every < 100;
      batch.push_back({item_added{i, target ? "target" : "t:" + std::to_string(i % 100'000), "x"}});
      if (batch.size() == 10'000 || i + 1 == o.n) {
        (void)store.append(std::move(batch));
        batch.clear();
      }
    }
    constexpr std::uint64_t reads = 20'000;
    std::atomic<std::uint64_t> wrong{0};
    const auto q = decider::tagged({"target"});
    const double seconds = on_threads(reads, o.concurrency, [&](std::uint64_t, std::uint64_t share) {
      for (std::uint64_t i = 0; i < share; ++i) {
        const auto r = store.read(q);
        wrong += r && r->size() == std::min<std::uint64_t>(100, o.n) ? 0 : 1;
      }
    });
    return outcome{seconds, reads, reads - wrong.load(), 0, wrong.load()};
  });
}

// course: n subscription decisions (students and courses) from `concurrency` threads, over n / 20 courses of capacity
// 30 and n / 4 students picked at random: contention on courses, most accepted, some refused for the 5-course limit.
outcome course(const options& o) {
  using namespace course_workload;
  return on_store<course_workload::event>(o, [&](auto& store) {
    const std::uint64_t courses = std::max<std::uint64_t>(o.n / 20, 1);
    for (std::uint64_t c = 0; c < courses; ++c) {
      (void)store.append({{course_defined{"c" + std::to_string(c), 30}}});
    }
    const std::uint64_t students = std::max<std::uint64_t>(o.n / 4, 1);
    tally counted;
    const double seconds = on_threads(o.n, o.concurrency, [&](std::uint64_t t, std::uint64_t share) {
      std::mt19937_64 random(t + 1);
      for (std::uint64_t i = 0; i < share; ++i) {
        const auto student = "s" + std::to_string(random() % students);
        counted.count(subscribe(store, student, "c" + std::to_string(random() % courses), contended_retry),
                      [](const auto& error) { return std::holds_alternative<refusal>(error); });
      }
    });
    const auto log = store.read(decider::query::all());
    return counted.result(seconds, o.n, violations(*log));
  });
}

// course-decider: the same world and the same n decisions as `course`, decided by the registration decider of the
// students and courses example through the boundary it derives (a command_handler, its cache holding every student
// and course): the price of writing the rule once, as a decider, against the hand-written decision model. The
// students are registered and the courses defined beforehand, untimed.
outcome course_decider(const options& o) {
  using namespace learning;
  return on_store<learning::event>(o, [&](auto& store) {
    const std::uint64_t courses = std::max<std::uint64_t>(o.n / 20, 1);
    const std::uint64_t students = std::max<std::uint64_t>(o.n / 4, 1);
    std::vector<decider::event_to_append<event>> setup;
    const auto flush = [&] {
      if (!setup.empty()) {
        (void)store.append(std::move(setup));
        setup.clear();
      }
    };
    for (std::uint64_t c = 0; c < courses; ++c) {
      const auto id = "c" + std::to_string(c);
      setup.push_back({course_defined{id, id, 30}});
      if (setup.size() == 1'000) flush();
    }
    for (std::uint64_t s = 0; s < students; ++s) {
      const auto id = "s" + std::to_string(s);
      setup.push_back({student_registered{id, id}});
      if (setup.size() == 1'000) flush();
    }
    flush();
    decider::command_handler handler(store, registration{}, {.max_instances = static_cast<std::size_t>(students)});
    tally counted;
    const double seconds = on_threads(o.n, o.concurrency, [&](std::uint64_t t, std::uint64_t share) {
      std::mt19937_64 random(t + 1);
      for (std::uint64_t i = 0; i < share; ++i) {
        const auto student = "s" + std::to_string(random() % students);
        counted.count(handler.handle(subscribe{student, "c" + std::to_string(random() % courses)}, contended_retry),
                      [](const auto& error) {
                        return std::holds_alternative<course_full>(error) ||
                               std::holds_alternative<too_many_courses>(error) ||
                               std::holds_alternative<already_subscribed>(error);
                      });
      }
    });
    const auto log = store.read(decider::query::all());
    return counted.result(seconds, o.n, static_cast<std::uint64_t>(violations(*log)));
  });
}

// booking-per-room, booking-per-night: n attempts to book a random night (of 365) of one of n / 150 rooms (so that
// about one attempt in six finds its night taken), through a command_handler; one rule, two tag designs
// (workloads/booking.hpp). A night booked twice is a violation.
template <bool PerNight>
outcome booking(const options& o) {
  using namespace booking_workload;
  return on_store<event>(o, [&](auto& store) {
    const auto rooms = [] {
      if constexpr (PerNight) {
        return per_night();
      } else {
        return per_room();
      }
    }();
    const std::uint64_t hotel = std::max<std::uint64_t>(o.n / 150, 1);
    decider::command_handler handler(store, rooms, {.max_instances = static_cast<std::size_t>(hotel * 365)});
    tally counted;
    const double seconds = on_threads(o.n, o.concurrency, [&](std::uint64_t t, std::uint64_t share) {
      std::mt19937_64 random(t + 1);
      for (std::uint64_t i = 0; i < share; ++i) {
        counted.count(handler.handle(book{"r" + std::to_string(random() % hotel), static_cast<int>(random() % 365)},
                                     contended_retry),
                      [](const auto& error) { return std::holds_alternative<already_booked>(error); });
      }
    });
    const auto log = store.read(decider::query::all());
    std::set<std::pair<std::string, int>> booked;
    std::uint64_t twice = 0;
    for (const auto& e : *log) {
      const auto& b = std::get<night_booked>(e.event);
      twice += booked.insert({b.room, b.night}).second ? 0 : 1;
    }
    return counted.result(seconds, o.n, twice);
  });
}

// billing: billable user activities, one batch over n completed activities of n / 2 users: the time to build and append
// it.
outcome billing(const options& o) {
  using namespace std::chrono_literals;
  namespace billing = activities_on_store;
  using activities::user_event;
  return on_store<user_event>(o, [&](auto& store) {
    const std::uint64_t users = std::max<std::uint64_t>(o.n / 2, 1);
    std::vector<decider::event_to_append<user_event>> batch;
    for (std::uint64_t i = 0; i < o.n; ++i) {
      const std::string user = "u" + std::to_string(i % users);
      const std::string activity = "a" + std::to_string(i / users);
      const auto day = billing::format_day(std::chrono::sys_days{2026y / 11 / static_cast<unsigned>(1 + i % 30)});
      batch.push_back({user_event{user, activities::activity_started{activity, "work"}}});
      batch.push_back({user_event{user, activities::activity_completed{activity, day}}});
      if (batch.size() >= 10'000 || i + 1 == o.n) {
        (void)store.append(std::move(batch));
        batch.clear();
      }
    }
    const auto began = clock::now();
    const auto taken = billing::bill(store, "batch", billing::completed_since(0));
    const double seconds = seconds_since(began);
    const std::uint64_t count = taken ? taken->activities.size() : 0;
    outcome out{seconds, o.n, count, o.n - count, billing::broken_rules_in(store).size() + (count == o.n ? 0 : 1)};
    out.extra = {{"users", users}, {"attempts", taken ? taken->attempts : 0}};
    return out;
  });
}

// membership: memberships, n attempts from `concurrency` threads to add a membership for one of n / 8 members in 2026
// (about 8 attempts per member and year): exactly one may succeed for each; the replay counts any second one.
outcome membership(const options& o) {
  using namespace memberships;
  return on_store<memberships::event>(o, [&](auto& store) {
    const std::uint64_t member_count = std::max<std::uint64_t>(o.n / 8, 1);
    tally counted;
    const double seconds = on_threads(o.n, o.concurrency, [&](std::uint64_t t, std::uint64_t share) {
      std::mt19937_64 random(t + 1);
      for (std::uint64_t i = 0; i < share; ++i) {
        counted.count(add_membership_on(store, "m" + std::to_string(random() % member_count), 2026,
                                        std::to_string(t) + "-" + std::to_string(i)),
                      [](const auto& error) { return std::holds_alternative<already_member_for_year>(error); });
      }
    });
    std::map<std::string, int> per_member;
    std::uint64_t twice = 0;
    const auto log = store.read(decider::query::all());
    for (const auto& e : *log) {
      twice += ++per_member[std::get<membership_added>(e.event).member_id] > 1 ? 1 : 0;
    }
    return counted.result(seconds, o.n, twice);
  });
}

// transfer-dcb / transfer-reservation / transfer-two-locks: bank transfers, n transfers between 2 accounts from
// `concurrency` threads (examples/bank_transfers). failed: timed out or lost to the retry bound.
template <class Design>
outcome transfer(const options& o) {
  return on_store<transfers::event>(o, [&](auto& store) {
    Design design;
    const auto r = transfers::run_on(store, design, o.n, o.concurrency, static_cast<std::int64_t>(o.n) * 20);
    outcome out{r.seconds, o.n, r.succeeded, r.failed, r.violations};
    out.extra = {{"refused", r.refused}, {"deadlocks", r.deadlocks}};
    return out;
  });
}

// raw-insert: the baseline of the durable stores' bars. n plain insert transactions from `concurrency` threads,
// each of one event row and one tag row (tables shaped like the store's), no condition, no group commit: each
// thread has its own connection and commits each transaction alone.
outcome raw_insert(const options& o);

using workload = std::function<outcome(const options&)>;

const std::map<std::string, workload>& workloads() {
  static const std::map<std::string, workload> all{
      {"fold-combined", [](const options& o) { return fold(o, true); }},
      {"fold-handwritten", [](const options& o) { return fold(o, false); }},
      {"append", [](const options& o) { return append(o, true); }},
      {"conditional-append", [](const options& o) { return append(o, false); }},
      {"read-tag", read_tag},
      {"course", course},
      {"course-decider", course_decider},
      {"billing", billing},
      {"booking-per-room", booking<false>},
      {"booking-per-night", booking<true>},
      {"membership", membership},
      {"transfer-dcb", transfer<transfers::dcb>},
      {"transfer-reservation", transfer<transfers::reservation>},
      {"transfer-two-locks", transfer<transfers::two_locks>},
      {"raw-insert", raw_insert},
  };
  return all;
}

outcome raw_insert_sqlite(const options& o) {
  const auto path = sqlite_path(o);
  remove_sqlite(path);
  {
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    const int made = sqlite3_exec(db,
                                  "PRAGMA journal_mode=WAL;"
                                  "CREATE TABLE raw_events(position INTEGER PRIMARY KEY, type TEXT NOT NULL,"
                                  "  payload BLOB NOT NULL, tags BLOB NOT NULL);"
                                  "CREATE TABLE raw_event_tags(tag TEXT NOT NULL, position INTEGER NOT NULL,"
                                  "  PRIMARY KEY (tag, position)) WITHOUT ROWID;",
                                  nullptr, nullptr, nullptr);
    sqlite3_close(db);
    if (made != SQLITE_OK) {
      std::cerr << "decider-bench: cannot make the raw tables in " << path << '\n';
      std::exit(2);
    }
  }
  std::atomic<std::uint64_t> failed{0};
  const char* sync = o.sync == "normal" ? "PRAGMA synchronous=NORMAL" : "PRAGMA synchronous=FULL";
  const double seconds = on_threads(o.n, o.concurrency, [&](std::uint64_t t, std::uint64_t share) {
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    sqlite3_busy_timeout(db, 10'000);
    sqlite3_exec(db, sync, nullptr, nullptr, nullptr);
    sqlite3_stmt* event = nullptr;
    sqlite3_stmt* tag = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO raw_events(type, payload, tags) VALUES ('item_added', ?1, ?2)", -1, &event,
                       nullptr);
    sqlite3_prepare_v2(db, "INSERT INTO raw_event_tags(tag, position) VALUES (?1, ?2)", -1, &tag, nullptr);
    std::mt19937_64 random(t + 1);
    for (std::uint64_t i = 0; i < share; ++i) {
      const auto a = "a:" + std::to_string(random() % 1000);
      const auto payload = R"({"n":)" + std::to_string(i) + R"(,"a":")" + a + R"(","b":"b:1"})";
      const auto tags = std::to_string(a.size()) + ":" + a;
      bool ok = sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK;
      sqlite3_bind_blob(event, 1, payload.data(), static_cast<int>(payload.size()), SQLITE_STATIC);
      sqlite3_bind_blob(event, 2, tags.data(), static_cast<int>(tags.size()), SQLITE_STATIC);
      ok = ok && sqlite3_step(event) == SQLITE_DONE;
      sqlite3_reset(event);
      sqlite3_bind_text(tag, 1, a.data(), static_cast<int>(a.size()), SQLITE_STATIC);
      sqlite3_bind_int64(tag, 2, sqlite3_last_insert_rowid(db));
      ok = ok && sqlite3_step(tag) == SQLITE_DONE;
      sqlite3_reset(tag);
      ok = ok && sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK;
      if (!ok) {
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        ++failed;
      }
    }
    sqlite3_finalize(event);
    sqlite3_finalize(tag);
    sqlite3_close(db);
  });
  std::uint64_t rows = 0;
  {
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    sqlite3_stmt* count = nullptr;
    sqlite3_prepare_v2(db, "SELECT count(*) FROM raw_events", -1, &count, nullptr);
    if (sqlite3_step(count) == SQLITE_ROW) rows = static_cast<std::uint64_t>(sqlite3_column_int64(count, 0));
    sqlite3_finalize(count);
    sqlite3_close(db);
  }
  remove_sqlite(path);
  const std::uint64_t succeeded = o.n - failed.load();
  return {seconds, o.n, succeeded, failed.load(), rows == succeeded ? 0U : 1U};
}

outcome raw_insert_postgres(const options& o) {
  const std::string schema = "\"bench_raw_" + std::to_string(::getpid()) + "\"";
  const auto run = [&](PGconn* c, const std::string& sql) {
    PGresult* r = PQexec(c, sql.c_str());
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    PQclear(r);
    return ok;
  };
  PGconn* admin = PQconnectdb(o.pg.c_str());
  PQsetNoticeProcessor(
      admin, [](void*, const char*) {}, nullptr);
  if (PQstatus(admin) != CONNECTION_OK ||
      !run(admin, "DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema + ";" + "CREATE TABLE " +
                      schema + ".raw_events (position bigserial PRIMARY KEY, type text NOT NULL," +
                      " payload bytea NOT NULL, tags bytea NOT NULL);" + "CREATE TABLE " + schema +
                      ".raw_event_tags (tag text NOT NULL, position bigint NOT NULL, PRIMARY KEY (tag, position));")) {
    std::cerr << "decider-bench: cannot make the raw tables: " << PQerrorMessage(admin) << '\n';
    std::exit(2);
  }
  std::atomic<std::uint64_t> failed{0};
  const double seconds = on_threads(o.n, o.concurrency, [&](std::uint64_t t, std::uint64_t share) {
    PGconn* c = PQconnectdb(o.pg.c_str());
    bool ready = PQstatus(c) == CONNECTION_OK;
    for (const auto& [name, sql] :
         {std::pair<const char*, std::string>{"event", "INSERT INTO " + schema +
                                                           ".raw_events (type, payload, tags) VALUES ('item_added', "
                                                           "$1::bytea, $2::bytea) RETURNING position"},
          {"tag", "INSERT INTO " + schema + ".raw_event_tags (tag, position) VALUES ($1, $2::int8)"}}) {
      PGresult* r = PQprepare(c, name, sql.c_str(), 0, nullptr);
      ready = ready && PQresultStatus(r) == PGRES_COMMAND_OK;
      PQclear(r);
    }
    std::mt19937_64 random(t + 1);
    for (std::uint64_t i = 0; i < share; ++i) {
      const auto a = "a:" + std::to_string(random() % 1000);
      const auto payload = R"({"n":)" + std::to_string(i) + R"(,"a":")" + a + R"(","b":"b:1"})";
      const auto tags = std::to_string(a.size()) + ":" + a;
      bool ok = ready && run(c, "BEGIN");
      const char* event_values[] = {payload.c_str(), tags.c_str()};
      PGresult* inserted = PQexecPrepared(c, "event", 2, event_values, nullptr, nullptr, 0);
      ok = ok && PQresultStatus(inserted) == PGRES_TUPLES_OK;
      const std::string position = ok ? PQgetvalue(inserted, 0, 0) : "0";
      PQclear(inserted);
      const char* tag_values[] = {a.c_str(), position.c_str()};
      PGresult* tagged = PQexecPrepared(c, "tag", 2, tag_values, nullptr, nullptr, 0);
      ok = ok && PQresultStatus(tagged) == PGRES_COMMAND_OK;
      PQclear(tagged);
      ok = ok && run(c, "COMMIT");
      if (!ok) {
        run(c, "ROLLBACK");
        ++failed;
      }
    }
    PQfinish(c);
  });
  PGresult* count = PQexec(admin, ("SELECT count(*) FROM " + schema + ".raw_events").c_str());
  const std::uint64_t rows = PQresultStatus(count) == PGRES_TUPLES_OK ? std::stoull(PQgetvalue(count, 0, 0)) : 0;
  PQclear(count);
  run(admin, "DROP SCHEMA " + schema + " CASCADE");
  PQfinish(admin);
  const std::uint64_t succeeded = o.n - failed.load();
  return {seconds, o.n, succeeded, failed.load(), rows == succeeded ? 0U : 1U};
}

outcome raw_insert(const options& o) { return o.store == "sqlite" ? raw_insert_sqlite(o) : raw_insert_postgres(o); }

std::string json(const options& o, const outcome& r) {
  std::ostringstream out;
  out.precision(6);
  const std::string store = o.store == "sqlite" ? "sqlite-" + o.sync : o.store;
  out << "{\"workload\":\"" << o.workload << "\",\"store\":\"" << store << "\",\"n\":" << o.n
      << ",\"concurrency\":" << o.concurrency << ",\"seconds\":" << r.seconds
      << ",\"ops_per_s\":" << (r.seconds > 0 ? static_cast<double>(r.ops) / r.seconds : 0.0)
      << ",\"succeeded\":" << r.succeeded << ",\"failed\":" << r.failed << ",\"violations\":" << r.violations;
  for (const auto& [key, value] : r.extra) {
    out << ",\"" << key << "\":" << value;
  }
  out << '}';
  return out.str();
}

int usage(const std::string& problem) {
  std::cerr << "decider-bench: " << problem << "\n"
            << "usage: decider-bench --workload W [--store memory|sqlite|postgres] --n N [--concurrency C]\n"
            << "                     [--sqlite PATH] [--sync full|normal] [--pg CONNINFO] [--group-wait US]\n"
            << "  workloads:";
  for (const auto& [name, run] : workloads()) {
    std::cerr << ' ' << name;
  }
  std::cerr << '\n';
  return 2;
}

std::optional<std::uint64_t> number(const std::string& text) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stoull(text);
}

}  // namespace driver

int main(int argc, char** argv) {
  using namespace driver;
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) return usage("missing a value after " + flag);
    const std::string value = argv[++i];
    if (flag == "--workload") {
      o.workload = value;
    } else if (flag == "--store") {
      o.store = value;
    } else if (flag == "--sqlite") {
      o.sqlite = value;
    } else if (flag == "--sync") {
      o.sync = value;
      if (value != "full" && value != "normal") return usage("--sync takes full or normal");
    } else if (flag == "--pg") {
      o.pg = value;
    } else if (flag == "--group-wait") {
      const auto parsed = number(value);
      if (!parsed) return usage("--group-wait takes microseconds, a whole number");
      o.group_wait_us = *parsed;
    } else if (flag == "--n" || flag == "--concurrency") {
      const auto parsed = number(value);
      if (!parsed || *parsed == 0) return usage(flag + " takes a positive whole number, not \"" + value + "\"");
      (flag == "--n" ? o.n : o.concurrency) = *parsed;
    } else {
      return usage("unknown option " + flag);
    }
  }
  const auto found = workloads().find(o.workload);
  if (found == workloads().end()) return usage("unknown workload \"" + o.workload + "\"");
  if (o.store != "memory" && o.store != "sqlite" && o.store != "postgres") {
    return usage("unknown store \"" + o.store + "\" (memory, sqlite or postgres)");
  }
  if (o.store == "postgres" && o.pg.empty()) return usage("--store postgres needs --pg CONNINFO");
  if (o.workload == "raw-insert" && o.store == "memory") return usage("raw-insert needs --store sqlite or postgres");
  if (o.n == 0) return usage("--n is required");
  const auto result = found->second(o);
  std::cout << json(o, result) << std::endl;
  return result.violations == 0 ? 0 : 1;
}
