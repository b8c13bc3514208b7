// Seed 002 on an event store: a subscription needs the course's seats and the student's courses, read together
// as one decision model (two projections, one read of the union query) and guarded by one conditional append.
// No Student or Course aggregate is loaded and no lock is held; concurrent subscriptions that touch the same
// course or student conflict, and execute decides them again.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <variant>
#include <vector>

#include "decider/make.hpp"
#include "decider/store/dcb.hpp"
#include "decider/store/event.hpp"
#include "decider/store/fields.hpp"

namespace subscriptions {

struct course_defined {
  std::string course;
  int capacity = 0;
  static constexpr std::string_view type_name = "course_defined";
  static constexpr auto json_fields = std::tuple{decider::field("course", &course_defined::course),
                                                 decider::field("capacity", &course_defined::capacity)};
  [[nodiscard]] std::vector<decider::tag> tags() const { return {decider::make_tag("course", course)}; }
  friend bool operator==(const course_defined&, const course_defined&) = default;
};

// [docs:identity]
struct student_subscribed {
  std::string student;
  std::string course;
  static constexpr std::string_view type_name = "student_subscribed";
  static constexpr auto json_fields = std::tuple{decider::field("student", &student_subscribed::student),
                                                 decider::field("course", &student_subscribed::course)};
  [[nodiscard]] std::vector<decider::tag> tags() const {
    return {decider::make_tag("student", student), decider::make_tag("course", course)};
  }
  friend bool operator==(const student_subscribed&, const student_subscribed&) = default;
};
// [/docs:identity]

using event = std::variant<course_defined, student_subscribed>;

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

struct tally {
  int accepted = 0;
  int refused = 0;  // for a domain reason: decided; the sum of the four below
  int course_missing = 0;
  int course_full = 0;
  int too_many_courses = 0;
  int already_subscribed = 0;
  int lost = 0;  // to the retry bound
};

// `threads` clients make `attempts` random subscriptions each, to courses "c0".."c<courses - 1>" (those not defined
// are refused) by students "s0".."s<students - 1>".
template <class Store>
tally subscribe_concurrently(Store& store, int threads, int attempts, int courses, int students) {
  std::atomic<int> accepted{0};
  std::atomic<int> missing{0};
  std::atomic<int> full{0};
  std::atomic<int> too_many{0};
  std::atomic<int> twice{0};
  std::atomic<int> lost{0};
  std::vector<std::thread> clients;
  clients.reserve(static_cast<std::size_t>(threads));
  for (int t = 0; t < threads; ++t) {
    clients.emplace_back([&, t] {
      std::mt19937 random(static_cast<unsigned>(t));
      for (int i = 0; i < attempts; ++i) {
        const auto student = "s" + std::to_string(random() % static_cast<unsigned>(students));
        const auto course = "c" + std::to_string(random() % static_cast<unsigned>(courses));
        auto r = decider::execute(store, subscription_model(student, course), subscribe(student, course),
                                  decider::execute_options{.max_attempts = 64});
        if (r) {
          ++accepted;
        } else if (std::holds_alternative<course_missing>(r.error())) {
          ++missing;
        } else if (std::holds_alternative<course_full>(r.error())) {
          ++full;
        } else if (std::holds_alternative<too_many_courses>(r.error())) {
          ++too_many;
        } else if (std::holds_alternative<already_subscribed>(r.error())) {
          ++twice;
        } else {
          ++lost;  // retries exhausted, or a store error
        }
      }
    });
  }
  for (auto& c : clients) {
    c.join();
  }
  const int refused = missing.load() + full.load() + too_many.load() + twice.load();
  return {accepted.load(), refused, missing.load(), full.load(), too_many.load(), twice.load(), lost.load()};
}

// Replays a log: every course over its capacity, student over 5 courses, or subscription made twice, counted.
template <class Log>
int violations(const Log& log) {
  std::map<std::string, int> capacity;
  std::map<std::string, int> taken;
  std::map<std::string, std::set<std::string>> per_student;
  int found = 0;
  for (const auto& stored : log) {
    if (const auto* d = std::get_if<course_defined>(&stored.event)) {
      capacity[d->course] = d->capacity;
    } else if (const auto* s = std::get_if<student_subscribed>(&stored.event)) {
      found += ++taken[s->course] > capacity[s->course] ? 1 : 0;
      found += per_student[s->student].insert(s->course).second ? 0 : 1;
      found += per_student[s->student].size() > 5 ? 1 : 0;
    }
  }
  return found;
}

}  // namespace subscriptions
