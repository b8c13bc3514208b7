// DCB decision models on the memory store: seed 002's subscription rule across a course and a student, enforced by
// one read with a union query and one conditional append, under concurrent writers.
#include "decider/store/dcb.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "decider/make.hpp"
#include "decider/store/memory.hpp"
#include "support/store_events.hpp"
#include "support/subscription_model.hpp"

using namespace subscriptions;

TEST_CASE("a decision model reads the union of its projections' queries and folds each its own events",
          "[store][dcb]") {
  decider::memory_store<event> store;
  REQUIRE(store.append({{course_defined{"c1", 2}}, {course_defined{"c2", 1}}}).has_value());
  REQUIRE(store.append({{student_subscribed{"s1", "c2"}}, {student_subscribed{"s2", "c1"}}}).has_value());
  const auto model = subscription_model("s1", "c1");
  CHECK(model.selects().items.size() == 2);
  auto state = model.initial_state();
  const auto read = store.read(model.selects());  // kept: a range-for over *store.read(...) would dangle
  for (const auto& e : *read) {
    state = model.evolve(std::move(state), e);
  }
  const auto& [seats, mine] = state;
  CHECK(seats.capacity == 2);
  CHECK(seats.taken == 1);                             // s2 -> c1, not s1 -> c2
  CHECK(mine.courses == std::set<std::string>{"c2"});  // s1's subscriptions only
}

TEST_CASE("execute appends under the union condition and refuses with domain errors", "[store][dcb]") {
  decider::memory_store<event> store;
  REQUIRE(store.append({{course_defined{"c1", 1}}}).has_value());
  // [docs:execute]
  auto first = decider::execute(store, subscription_model("s1", "c1"), subscribe("s1", "c1"),
                                decider::execute_options{.idempotency_key = "subscribe-s1-c1"});
  REQUIRE(first.has_value());
  CHECK(first->position == 2);
  CHECK(first->events == std::vector<event>{student_subscribed{"s1", "c1"}});
  auto full = decider::execute(store, subscription_model("s2", "c1"), subscribe("s2", "c1"));
  REQUIRE_FALSE(full.has_value());
  CHECK(full.error() == decider::execute_error<refusal>{course_full{}});
  // [/docs:execute]
  auto missing = decider::execute(store, subscription_model("s2", "c9"), subscribe("s2", "c9"));
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error() == decider::execute_error<refusal>{course_missing{}});
  CHECK(store.head() == 2);
}

TEST_CASE("a command retried with the same idempotency key is stored once", "[store][dcb]") {
  decider::memory_store<store_events::event> store;  // notes: events with whatever tags a test gives
  // A decision that does not look at the state: retried after a lost acknowledgement, it decides the same events.
  auto note_it = [](const auto&) -> decider::decision<store_events::event, refusal> {
    using store_events::note;
    return std::vector<store_events::event>{note{"hello", {"inbox"}}, note{"world", {"inbox"}}};
  };
  const auto model = decider::decision_model(decider::project(
      decider::make_view<store_events::event, int>(0, [](int n, const store_events::event&) { return n + 1; }),
      decider::tagged({"inbox"})));
  const decider::execute_options once{.idempotency_key = "cmd-42"};
  auto first = decider::execute(store, model, note_it, once);
  REQUIRE(first.has_value());
  CHECK(first->position == 2);
  // The retry reads the first attempt's events, so its condition would fail; the store recognizes the ids first.
  auto retry = decider::execute(store, model, note_it, once);
  REQUIRE(retry.has_value());
  CHECK(retry->position == 2);
  CHECK(store.head() == 2);
  auto other = decider::execute(store, model, note_it, decider::execute_options{.idempotency_key = "cmd-43"});
  REQUIRE(other.has_value());
  CHECK(store.head() == 4);
}

TEST_CASE("execute retries a conflicting decision and gives up after the bound", "[store][dcb]") {
  decider::memory_store<event> store;
  REQUIRE(store.append({{course_defined{"c1", 100}}}).has_value());
  int calls = 0;
  // A decision that, every time, lets a competitor append to the same boundary before it appends.
  auto racing = [&](const auto& state) -> decider::decision<event, refusal> {
    ++calls;
    REQUIRE(store.append({{student_subscribed{"rival" + std::to_string(calls), "c1"}}}).has_value());
    return subscribe("s1", "c1")(state);
  };
  auto result =
      decider::execute(store, subscription_model("s1", "c1"), racing,
                       decider::execute_options{.max_attempts = 3, .first_backoff = std::chrono::microseconds{1}});
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error() == decider::execute_error<refusal>{decider::retries_exhausted{3}});
  CHECK(calls == 3);
}

namespace dcb_cached {
// Forwards to a memory store through read() only, counting the events each read returns.
struct counting_store {
  using event_type = subscriptions::event;
  decider::memory_store<event_type>* inner;
  std::size_t returned = 0;
  decider::read_result<event_type> read(const decider::query& q, const decider::read_options& o) {
    auto r = inner->read(q, o);
    returned += r ? r->size() : 0;
    return r;
  }
  decider::append_result append(std::vector<decider::event_to_append<event_type>> batch,
                                const std::optional<decider::append_condition>& condition) {
    return inner->append(std::move(batch), condition);
  }
};
}  // namespace dcb_cached

TEST_CASE("a cached decision model reads only what was stored since its last decision, and misses nothing",
          "[store][dcb]") {
  decider::memory_store<event> inner;
  dcb_cached::counting_store store{&inner};
  REQUIRE(inner.append({{course_defined{"c1", 3}}}).has_value());
  // [docs:cached]
  const auto model = decider::cached(subscription_model("s1", "c1"));  // keep it as long as the boundary
  CHECK(model.snapshot().second == std::nullopt);                      // nothing read yet
  // Another student takes a seat: the first decision reads both events.
  REQUIRE(inner.append({{student_subscribed{"s2", "c1"}}}).has_value());
  const auto first = decider::execute(store, model, subscribe("s1", "c1"));
  REQUIRE(first.has_value());
  CHECK(store.returned == 2);
  CHECK(model.snapshot().second == 3);  // it has folded everything through its own append
  CHECK(std::get<0>(model.snapshot().first).taken == 2);
  // [/docs:cached]
  // Two more seats go elsewhere; the next decision reads those two only, and sees the course full.
  REQUIRE(inner.append({{student_subscribed{"s3", "c1"}}, {student_subscribed{"s4", "c9"}}}).has_value());
  store.returned = 0;
  const auto again = decider::execute(store, model, [](const auto& state) -> decider::decision<event, refusal> {
    const auto& [seats, mine] = state;
    if (seats.taken >= seats.capacity) return decider::refuse(refusal{course_full{}});
    return std::vector<event>{};
  });
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error() == decider::execute_error<refusal>{course_full{}});
  CHECK(store.returned == 1);  // s3 -> c1: the only event since position 3 on this boundary
  CHECK(model.snapshot().second == 4);
  // The same answers as a model that reads everything.
  const auto fresh = subscription_model("s1", "c1");
  auto state = fresh.initial_state();
  const auto all = inner.read(fresh.selects());
  for (const auto& e : *all) {
    state = fresh.evolve(std::move(state), e);
  }
  CHECK(std::get<0>(state).taken == std::get<0>(model.snapshot().first).taken);
  CHECK(std::get<1>(state).courses == std::get<1>(model.snapshot().first).courses);
}

TEST_CASE("append_unless borrows the condition where the store can, and builds it where not", "[store][dcb]") {
  STATIC_REQUIRE(decider::borrowing_event_store<decider::memory_store<event>>);
  STATIC_REQUIRE_FALSE(decider::borrowing_event_store<dcb_cached::counting_store>);
  decider::memory_store<event> memory;
  decider::memory_store<event> inner;
  dcb_cached::counting_store plain{&inner};  // append only: decider::append_unless makes the append_condition
  const auto boundary = decider::tagged({decider::make_tag("course", "c1")});
  const auto both = [&](auto append) {
    const auto a = append(memory);
    const auto b = append(plain);
    CHECK(a == b);
    return a;
  };
  const auto first = both([&](auto& s) {
    return decider::append_unless(s, {{course_defined{"c1", 3}}}, boundary, std::nullopt);
  });
  CHECK(first == decider::append_result(1));
  // Without `after`, any matching event fails the append: the course is defined once.
  const auto again = both([&](auto& s) {
    return decider::append_unless(s, {{course_defined{"c1", 5}}}, boundary, std::nullopt);
  });
  REQUIRE_FALSE(again.has_value());
  CHECK(std::holds_alternative<decider::condition_failed>(again.error()));
  // After position 1 nothing matches: the subscription goes in.
  const auto next = both([&](auto& s) {
    return decider::append_unless(s, {{student_subscribed{"s1", "c1"}}}, boundary, decider::position{1});
  });
  CHECK(next == decider::append_result(2));
  CHECK(memory.head() == 2);
  CHECK(inner.head() == 2);
}
