// A subscription of a student to a course written by hand as a decision model (two projections, one read of the
// union query, one conditional append): the lower-level tool under decider::handle, for the store tests. The
// student and course scenario itself runs its registration decider with handle (examples/student_course).
#pragma once

#include <set>
#include <string>
#include <string_view>
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

}  // namespace subscriptions
