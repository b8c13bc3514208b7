// decider::handle and command_handler on the memory store: the boundary derived from the students and courses
// registration decider, the refusals step() gives, idempotency keys, a cache that reads only what is new, a
// decider that states its own boundary, and subscriptions from several threads with their log replayed.
#include "decider/store/handle.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <cstddef>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "decider/fold.hpp"
#include "decider/store/detail/slot_index.hpp"
#include "decider/store/memory.hpp"
#include "decider/testing/faults.hpp"
#include "student_course/course.hpp"
#include "student_course/on_store.hpp"
#include "support/bank.hpp"
#include "transactions/on_store.hpp"

using namespace learning;

namespace {

decider::query_item student_item(const std::string& id) {
  return {{"student_registered", "student_renamed", "student_subscribed", "student_unsubscribed"}, {"student:" + id}};
}
decider::query_item course_item(const std::string& id) {
  return {{"course_cancelled", "course_capacity_changed", "course_defined", "student_subscribed"}, {"course:" + id}};
}

// A store that counts its reads and the events they hand out (handle reads through read_each).
struct counting_store : decider::memory_store<event> {
  mutable std::size_t reads = 0;
  mutable std::size_t events_read = 0;
  template <class Visit>
  decider::expected<std::size_t, decider::read_error> read_each(const decider::query& q,
                                                                const decider::read_options& options,
                                                                Visit&& visit) const {
    ++reads;
    auto visited = memory_store::read_each(q, options, std::forward<Visit>(visit));
    events_read += visited ? *visited : 0;
    return visited;
  }
};

}  // namespace

TEST_CASE("a command's boundary comes from the decider: the instances it names, the event types they evolve on",
          "[store][boundary]") {
  const registration school;
  CHECK(decider::boundary_of(school, subscribe{"s1", "c1"}).items ==
        std::vector<decider::query_item>{student_item("s1"), course_item("c1")});
  CHECK(decider::boundary_of(school, register_student{"s1", "Ada"}).items ==
        std::vector<decider::query_item>{student_item("s1")});
  CHECK(decider::boundary_of(school, cancel_course{"c2"}).items == std::vector<decider::query_item>{course_item("c2")});
  CHECK(decider::boundary_of(students(), rename_student{"s2", "Bo"}).items ==
        std::vector<decider::query_item>{student_item("s2")});
}

TEST_CASE("handle decides with the decider's own rules and refuses as step refuses", "[store][boundary]") {
  decider::memory_store<event> store;
  const registration school;
  REQUIRE(decider::handle(store, school, define_course{"c1", "Maths", 1}).has_value());
  REQUIRE(decider::handle(store, school, register_student{"s1", "Ada"}).has_value());
  REQUIRE(decider::handle(store, school, register_student{"s2", "Bo"}).has_value());
  const auto first = decider::handle(store, school, subscribe{"s1", "c1"});
  REQUIRE(first.has_value());
  CHECK(first->events == std::vector<event>{student_subscribed{"s1", "c1"}});
  CHECK(first->position == 4);
  CHECK(std::get<1>(first->state).at("c1").subscriptions == 1);
  const auto full = decider::handle(store, school, subscribe{"s2", "c1"});
  REQUIRE_FALSE(full.has_value());
  CHECK(full.error() == decider::widen<decider::execute_error<error>>(error{course_full{}}));
  const auto twice = decider::handle(store, school, subscribe{"s1", "c1"});
  REQUIRE_FALSE(twice.has_value());
  CHECK(std::holds_alternative<already_subscribed>(twice.error()));
  CHECK(store.head() == 4);
}

TEST_CASE("handle with an idempotency key stores a command retried after a lost answer once", "[store][boundary]") {
  decider::memory_store<event> store;
  const registration school;
  const decider::execute_options keyed{.idempotency_key = "define c1"};
  REQUIRE(decider::handle(store, school, define_course{"c1", "Maths", 3}, keyed).has_value());
  // The same command sent again with its key: decided again on a state that has the course, so refused; the
  // store holds it once.
  const auto again = decider::handle(store, school, define_course{"c1", "Maths", 3}, keyed);
  CHECK_FALSE(again.has_value());
  CHECK(store.head() == 1);
}

TEST_CASE("a command_handler reads only what was stored since it last saw an instance, and misses nothing",
          "[store][boundary]") {
  counting_store store;
  // [docs:command-handler]
  decider::command_handler handler(store, registration{}, {.max_instances = 10'000});
  // [/docs:command-handler]
  REQUIRE(handler.handle(define_course{"c1", "Maths", 10}).has_value());
  for (int s = 0; s < 8; ++s) {
    const auto id = "s" + std::to_string(s);
    REQUIRE(handler.handle(register_student{id, id}).has_value());
    REQUIRE(handler.handle(subscribe{id, "c1"}).has_value());
  }
  // Another writer (a plain handle, no cache) takes a seat behind the handler's back.
  REQUIRE(decider::handle(store, registration{}, register_student{"x", "X"}).has_value());
  REQUIRE(decider::handle(store, registration{}, subscribe{"x", "c1"}).has_value());
  store.events_read = 0;
  const auto next = handler.handle(register_student{"s8", "s8"});
  REQUIRE(next.has_value());
  const auto last = handler.handle(subscribe{"s8", "c1"});
  REQUIRE(last.has_value());
  CHECK(last->events == std::vector<event>{student_subscribed{"s8", "c1"}});
  // One read, each instance from where its cached state starts: x's subscription alone (s8's registration, which
  // the student's cached state has, is left out by the memory store, which takes the per-item hint).
  CHECK(store.events_read == 1);
  // The course's 10th seat is taken: the handler saw the other writer's subscription.
  REQUIRE(handler.handle(register_student{"s9", "s9"}).has_value());
  CHECK(handler.handle(subscribe{"s9", "c1"}).error() == decider::execute_error<error>{course_full{}});
  CHECK(handler.handle(subscribe{"s0", "c1"}).error() == decider::execute_error<error>{already_subscribed{}});
}

TEST_CASE("a command_handler decides on cached states without reading, and a read confirms a refusal or a conflict",
          "[store][boundary]") {
  counting_store store;
  decider::command_handler handler(store, registration{});
  REQUIRE(handler.handle(define_course{"c1", "Maths", 2}).has_value());
  for (const std::string id : {"s1", "s2", "s3"}) {
    REQUIRE(handler.handle(register_student{id, id}).has_value());
  }
  // The student and the course are cached and current: the append's condition, item by item, is the only check.
  store.reads = 0;
  REQUIRE(handler.handle(subscribe{"s1", "c1"}).has_value());
  CHECK(store.reads == 0);
  // Another writer takes the last seat behind the handler's back: the course's cached state is behind, the
  // condition fails, and the read finds that seat taken.
  REQUIRE(decider::handle(store, registration{}, register_student{"x", "X"}).has_value());
  REQUIRE(decider::handle(store, registration{}, subscribe{"x", "c1"}).has_value());
  store.reads = 0;
  CHECK(handler.handle(subscribe{"s2", "c1"}).error() == decider::execute_error<error>{course_full{}});
  CHECK(store.reads == 1);
  // A refusal on cached states stands only once a read confirms it: another writer adds a seat, and the handler,
  // whose cached course is full, reads it and accepts.
  REQUIRE(decider::handle(store, registration{}, change_capacity{"c1", 3}).has_value());
  store.reads = 0;
  const auto third = handler.handle(subscribe{"s3", "c1"});
  REQUIRE(third.has_value());
  CHECK(third->events == std::vector<event>{student_subscribed{"s3", "c1"}});
  CHECK(store.reads == 1);
  // With decide_first off, every decision reads first, current or not.
  decider::command_handler reading(store, registration{}, {.decide_first = false});
  REQUIRE(reading.handle(register_student{"s4", "s4"}).has_value());
  REQUIRE(reading.handle(change_capacity{"c1", 4}).has_value());
  store.reads = 0;
  REQUIRE(reading.handle(subscribe{"s4", "c1"}).has_value());
  CHECK(store.reads == 1);
  const auto log = store.read(decider::query::all());
  CHECK(violations(*log) == 0);
}

TEST_CASE("a command_handler deciding on cached states keeps the runners' promises when the store fails",
          "[store][boundary][faults]") {
  using decider::testing::fault_kind;
  using decider::testing::store_call;
  decider::memory_store<event> inner;
  decider::testing::faulty_store store(inner, nullptr);
  decider::command_handler handler(store, registration{});
  REQUIRE(handler.handle(define_course{"c1", "Maths", 5}).has_value());
  REQUIRE(handler.handle(register_student{"s1", "Ada"}).has_value());
  const auto stored = [&] { return inner.read(decider::query::all())->size(); };
  // Every append from now on reports a failed condition: each attempt reads and decides again, and after the last
  // the answer is retries_exhausted, with nothing stored.
  const auto reads = store.counts().reads;
  store.set_plan(
      decider::testing::from_call(store_call::append, store.counts().appends + 1, {fault_kind::conflict, {}}));
  decider::execute_options options;
  options.max_attempts = 3;
  options.first_backoff = std::chrono::microseconds{0};
  CHECK(handler.handle(subscribe{"s1", "c1"}, options).error() ==
        decider::execute_error<error>{decider::retries_exhausted{3}});
  CHECK(store.counts().reads == reads + 3);
  CHECK(stored() == 2U);
  // The answer to the append on cached states is lost: without an idempotency key it is returned at once (the
  // event was stored, once; only the caller can tell).
  store.set_plan(decider::testing::on_calls(store_call::append, {store.counts().appends + 1},
                                            {fault_kind::unavailable_after, {}}));
  const auto lost = handler.handle(subscribe{"s1", "c1"}, options);
  REQUIRE_FALSE(lost.has_value());
  CHECK(std::holds_alternative<decider::store_unavailable>(lost.error()));
  CHECK(stored() == 3U);
  // The next decision reads what its cached states miss and refuses as step() would.
  store.set_plan(nullptr);
  CHECK(handler.handle(subscribe{"s1", "c1"}).error() == decider::execute_error<error>{already_subscribed{}});
  CHECK(stored() == 3U);
}

// A decider that states its own boundary: one account, its events tagged with its id.
// [docs:own-boundary]
struct one_account : bank::account {
  [[nodiscard]] decider::query boundary(const bank::command& c) const {
    return decider::tagged({"account:" + std::visit([](const auto& a) { return a.account; }, c)});
  }
};
// [/docs:own-boundary]

TEST_CASE("a decider may state its own boundary for a command", "[store][boundary]") {
  decider::memory_store<bank::event> store;
  const one_account account;
  REQUIRE(decider::handle(store, account, bank::command{bank::open{"a1"}}).has_value());
  REQUIRE(decider::handle(store, account, bank::command{bank::open{"a2"}}).has_value());
  REQUIRE(decider::handle(store, account, bank::command{bank::deposit{"a1", 5}}).has_value());
  const auto overdraft = decider::handle(store, account, bank::command{bank::withdraw{"a2", 1}});
  CHECK_FALSE(overdraft.has_value());
  const auto ok = decider::handle(store, account, bank::command{bank::withdraw{"a1", 5}});
  CHECK(ok.has_value());
}

// A decider that reads every event for every command (its boundary matches all).
struct every_account : bank::account {
  [[nodiscard]] decider::query boundary(const bank::command&) const { return decider::query::all(); }
};

// A store that keeps the per-item hint of the last read it was given.
struct hint_recording_store : decider::memory_store<bank::event> {
  mutable std::vector<decider::position> last_hint{};
  mutable std::size_t reads_seen = 0;
  template <class Visit>
  decider::expected<std::size_t, decider::read_error> read_each(const decider::query& q,
                                                                const decider::read_options& options,
                                                                Visit&& visit) const {
    last_hint.assign(options.items_after.begin(), options.items_after.end());
    ++reads_seen;
    return memory_store::read_each(q, options, std::forward<Visit>(visit));
  }
};

TEST_CASE("a read of every event carries no per-item hint, a read of items carries one per item", "[store][boundary]") {
  hint_recording_store store;
  REQUIRE(decider::handle(store, one_account{}, bank::command{bank::open{"a1"}}).has_value());
  REQUIRE(store.reads_seen == 1);
  CHECK(store.last_hint == std::vector<decider::position>{0});
  // One part reads every event, the other one account's: the read is of every event, its items only tell the
  // parts apart, and a hint per item would describe a query the store is not given.
  const auto both = decider::combine(every_account{}, one_account{});
  REQUIRE(decider::handle(store, both, bank::command{bank::deposit{"a1", 5}}).has_value());
  REQUIRE(store.reads_seen == 2);
  CHECK(store.last_hint.empty());
}

TEST_CASE("subscriptions from 4 threads: no course over capacity, no student over 5, no double subscription",
          "[store][boundary][concurrency]") {
  decider::memory_store<event> store;
  // 9 courses of 3 seats (c9 is never defined) and 5 students: the seats and the students' limits both bind.
  REQUIRE(open_school(store, 5, 9, 3));
  const auto result = subscribe_concurrently(store, 4, 300, 10, 5);
  CHECK(result.accepted + result.refused + result.lost == 1200);
  CHECK(result.lost == 0);
  CHECK(result.accepted > 0);
  // Every rule was put to the test, so the log below could have broken any of them.
  CHECK(result.not_active > 0);
  CHECK(result.course_full > 0);
  CHECK(result.too_many_courses > 0);
  CHECK(result.already_subscribed > 0);
  const auto all = store.read(decider::query::all());
  CHECK(violations(*all) == 0);
  CHECK(static_cast<int>(store.head()) == 14 + result.accepted);
}

TEST_CASE("the log replay counts each broken rule of the registration", "[store][boundary]") {
  std::vector<decider::stored_event<event>> log;
  const auto add = [&](event e) {
    log.push_back({log.size() + 1, std::string(decider::type_name_of(e)), decider::tags_of(e), std::move(e), {}});
  };
  add(course_defined{"c1", "Maths", 1});
  add(student_registered{"s1", "Ada"});
  add(student_registered{"s2", "Bo"});
  add(student_subscribed{"s1", "c1"});
  CHECK(violations(log) == 0);
  add(student_subscribed{"s2", "c1"});  // over capacity
  CHECK(violations(log) == 1);
  add(student_subscribed{"s1", "c1"});  // and twice: the course then counts one more student than list it
  CHECK(violations(log) == 3);
  add(student_subscribed{"s9", "c1"});  // a student never registered
  CHECK(violations(log) == 4);
}

TEST_CASE("many<Key>(d) with keyed messages runs on a store once the kind of its instances is named",
          "[store][boundary]") {
  decider::memory_store<transactions::ledger_event> store;
  const auto ledger = transactions::ledger();
  const transactions::ledger_command t1{"t1", transactions::post{500, "alice", "bob"}};
  CHECK(decider::boundary_of(ledger, t1) ==
        decider::events({"account_credited", "account_debited"}, {"transaction:t1"}));
  const auto posted = decider::handle(store, ledger, t1);
  REQUIRE(posted.has_value());
  CHECK(posted->events == std::vector<transactions::ledger_event>{{"t1", transactions::account_debited{"alice", 500}},
                                                                  {"t1", transactions::account_credited{"bob", 500}}});
  const auto log = store.read(decider::query::all());
  REQUIRE(log->size() == 2);
  CHECK(log->front().type == "account_debited");
  CHECK(log->front().tags == std::vector<decider::tag>{"account:alice", "transaction:t1"});
  // Sent again: the ledger's own refusal, read from the transaction's events.
  CHECK(decider::handle(store, ledger, t1).error() ==
        decider::execute_error<transactions::error>{transactions::already_posted{}});
  CHECK(decider::handle(store, ledger, transactions::ledger_command{"t2", t1.value}).has_value());
  CHECK(store.head() == 4);
}

TEST_CASE("the instance cache moves a state out to one decision, and gives copies once decisions overlap",
          "[store][boundary]") {
  decider::instance_cache<std::string, int> cache({.max_instances = 2});
  cache.put("a", {7, 3});
  auto first = cache.take("a");
  REQUIRE(first.has_value());
  CHECK(first->moved);
  CHECK(*first->state == 7);
  CHECK(first->through == 3);
  CHECK_FALSE(cache.take("a").has_value());  // taken by a decision in progress: this one reads the store
  cache.put("a", {8, 4, first->slot});
  const auto copy = cache.take("a");  // contended from now on: copies, and the cache keeps it
  REQUIRE(copy.has_value());
  CHECK_FALSE(copy->moved);
  CHECK(*copy->state == 8);
  CHECK(cache.take("a")->through == 4);
  cache.put("a", {6, 2});  // older than what is kept: ignored
  CHECK(*cache.take("a")->state == 8);
  cache.put("b", {1, 5});
  cache.put("c", {2, 6});  // a third instance evicts one of the two
  CHECK(cache.size() == 2);
}

TEST_CASE("the instance cache's index finds every key it holds while keys come and go", "[store][boundary]") {
  // Integer keys hash to themselves: multiples of 64 share a home cell, so runs form and erasing shifts them back.
  std::vector<int> slots;  // slot -> key, as the cache's slots hold them
  const auto key_at = [&](std::size_t slot) -> const int& { return slots[slot]; };
  decider::detail::slot_index<int> index;
  std::map<int, std::size_t> model;
  std::mt19937 random(7);
  for (int step = 0; step < 20'000; ++step) {
    const int key = static_cast<int>(random() % 40) * (random() % 2 == 0 ? 64 : 1);
    const bool held = model.count(key) != 0;
    if (held && random() % 2 == 0) {
      index.erase(key, key_at);
      model.erase(key);
    } else if (!held) {
      slots.push_back(key);
      index.insert(key, slots.size() - 1);
      model[key] = slots.size() - 1;
    }
    if (step % 97 == 0) {
      int wrong = 0;  // keys the index answers for differently from the model
      for (int k = 0; k < 40 * 64; ++k) {
        const auto at = model.find(k);
        wrong +=
            index.find(k, key_at) == (at == model.end() ? decider::detail::slot_index<int>::none : at->second) ? 0 : 1;
      }
      REQUIRE(wrong == 0);
    }
  }
}

TEST_CASE("a boundary of many items finds an item it holds, before and after it is reused", "[store][boundary]") {
  decider::detail::boundary_planner planner;
  const std::vector<std::string> types{"a", "b"};
  const auto tags_of = [](int i) { return std::vector<decider::tag>{"k:" + std::to_string(i)}; };
  for (int round = 0; round < 2; ++round) {  // the second round reuses the items' buffers after reset()
    planner.reset();
    for (int i = 0; i < 40; ++i) {
      CHECK(planner.add(types, tags_of(i)) == static_cast<std::size_t>(i));
    }
    // Past 16 items the planner looks items up in its index: each is found, not added again.
    for (int i = 39; i >= 0; --i) {
      CHECK(planner.add(types, tags_of(i)) == static_cast<std::size_t>(i));
    }
    CHECK(planner.add({"a"}, tags_of(3)) == 40);  // the same tags with other types is another item
    CHECK(planner.items().size() == 41);
  }
}
