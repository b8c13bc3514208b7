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

using namespace store_events;

namespace dcb_test {

struct course_seats {
  bool defined = false;
  int capacity = 0;
  int taken = 0;
};
struct student_courses {
  std::set<std::string> courses;
};
struct course_missing {
  friend bool operator==(const course_missing&, const course_missing&) = default;
};
struct course_full {
  friend bool operator==(const course_full&, const course_full&) = default;
};
struct too_many_courses {
  friend bool operator==(const too_many_courses&, const too_many_courses&) = default;
};
struct already_subscribed {
  friend bool operator==(const already_subscribed&, const already_subscribed&) = default;
};
using refusal = std::variant<course_missing, course_full, too_many_courses, already_subscribed>;

// [docs:decision-model]
// What a subscription of `student` to `course` must know, as two projections read together.
inline auto subscription_model(const std::string& student, const std::string& course) {
  const auto seats = decider::make_view<event, course_seats>({}, [](course_seats s, const event& e) {
    if (const auto* d = std::get_if<course_defined>(&e)) {
      s.defined = true;
      s.capacity = d->capacity;
    } else if (std::holds_alternative<student_subscribed>(e)) {
      ++s.taken;
    }
    return s;
  });
  const auto taken_by_student = decider::make_view<event, student_courses>({}, [](student_courses s, const event& e) {
    if (const auto* sub = std::get_if<student_subscribed>(&e)) {
      s.courses.insert(sub->course);
    }
    return s;
  });
  return decider::decision_model(
      decider::project(
          seats, decider::events({"course_defined", "student_subscribed"}, {decider::make_tag("course", course)})),
      decider::project(taken_by_student,
                       decider::events({"student_subscribed"}, {decider::make_tag("student", student)})));
}

inline auto subscribe(const std::string& student, const std::string& course) {
  return [=](const auto& state) -> decider::decision<event, refusal> {
    const auto& [seats, mine] = state;
    if (!seats.defined) return decider::refuse(refusal{course_missing{}});
    if (mine.courses.count(course) != 0) return decider::refuse(refusal{already_subscribed{}});
    if (mine.courses.size() >= 5) return decider::refuse(refusal{too_many_courses{}});
    if (seats.taken >= seats.capacity) return decider::refuse(refusal{course_full{}});
    return std::vector<event>{student_subscribed{student, course}};
  };
}
// [/docs:decision-model]

}  // namespace dcb_test
using namespace dcb_test;

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
  decider::memory_store<event> store;
  // A decision that does not look at the state: retried after a lost acknowledgement, it decides the same events.
  auto note_it = [](const auto&) -> decider::decision<event, refusal> {
    return std::vector<event>{note{"hello", {"inbox"}}, note{"world", {"inbox"}}};
  };
  const auto model = decider::decision_model(decider::project(
      decider::make_view<event, int>(0, [](int n, const event&) { return n + 1; }), decider::tagged({"inbox"})));
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

TEST_CASE("seed 002 under concurrency: no course over capacity, no student over 5, no double subscription",
          "[store][dcb][concurrency]") {
  decider::memory_store<event> store;
  const int courses = 6;
  const int students = 12;
  for (int c = 0; c < courses; ++c) {
    REQUIRE(store.append({{course_defined{"c" + std::to_string(c), 3}}}).has_value());
  }
  std::atomic<int> accepted{0};
  std::atomic<int> refused{0};
  std::atomic<int> lost{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 random(static_cast<unsigned>(t));
      for (int i = 0; i < 300; ++i) {
        const auto student = "s" + std::to_string(random() % students);
        const auto course = "c" + std::to_string(random() % courses);
        auto r = decider::execute(store, subscription_model(student, course), subscribe(student, course),
                                  decider::execute_options{.max_attempts = 64});
        if (r) {
          accepted++;
        } else if (std::holds_alternative<decider::retries_exhausted>(r.error())) {
          lost++;
        } else {
          refused++;
        }
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  CHECK(accepted + refused + lost == 1200);
  CHECK(lost == 0);
  std::map<std::string, int> per_course;
  std::map<std::string, std::set<std::string>> per_student;
  int subscriptions = 0;
  const auto all = store.read(decider::events({"student_subscribed"}));
  for (const auto& e : *all) {
    const auto& s = std::get<student_subscribed>(e.event);
    ++per_course[s.course];
    CHECK(per_student[s.student].insert(s.course).second);  // no double subscription
    ++subscriptions;
  }
  CHECK(subscriptions == accepted.load());
  for (const auto& [course, n] : per_course) {
    CHECK(n <= 3);
  }
  for (const auto& [student, taken] : per_student) {
    CHECK(taken.size() <= 5);
  }
}
