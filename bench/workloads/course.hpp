// The students-and-courses subscription decision as a benchmark workload, shared by the micro benchmarks and the
// benchmark driver: a subscription reads the course's events and the student's subscriptions (two projections, one
// read), decides, and appends under the union condition. `violations` replays a log and counts broken invariants.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "decider/make.hpp"
#include "decider/store/dcb.hpp"
#include "decider/store/fields.hpp"

namespace course_workload {

struct course_defined {
  std::string course;
  int capacity = 0;
  static constexpr std::string_view type_name = "course_defined";
  static constexpr auto json_fields = std::tuple{decider::field("course", &course_defined::course),
                                                 decider::field("capacity", &course_defined::capacity)};
  [[nodiscard]] std::vector<decider::tag> tags() const { return {"course:" + course}; }
};
struct subscribed {
  std::string student;
  std::string course;
  static constexpr std::string_view type_name = "subscribed";
  static constexpr auto json_fields =
      std::tuple{decider::field("student", &subscribed::student), decider::field("course", &subscribed::course)};
  [[nodiscard]] std::vector<decider::tag> tags() const { return {"student:" + student, "course:" + course}; }
};
using event = std::variant<course_defined, subscribed>;

struct seats {
  int capacity = 0;
  int taken = 0;
};
struct mine {
  int courses = 0;
  bool already = false;
};
enum class refusal { full, too_many, already };
constexpr int most_courses = 5;

template <class Store>
auto subscribe(Store& store, const std::string& student, const std::string& course,
               const decider::execute_options& options = {}) {
  const auto seats_view = decider::make_view<event, seats>({}, [](seats v, const event& e) {
    if (const auto* d = std::get_if<course_defined>(&e)) v.capacity = d->capacity;
    if (std::holds_alternative<subscribed>(e)) ++v.taken;
    return v;
  });
  const auto mine_view = decider::make_view<event, mine>({}, [&course](mine v, const event& e) {
    if (const auto* sub = std::get_if<subscribed>(&e)) {
      ++v.courses;
      v.already = v.already || sub->course == course;
    }
    return v;
  });
  const auto model = decider::decision_model(
      decider::project(seats_view, decider::events({"course_defined", "subscribed"}, {"course:" + course})),
      decider::project(mine_view, decider::events({"subscribed"}, {"student:" + student})));
  return decider::execute(
      store, model,
      [&](const auto& st) -> decider::decision<event, refusal> {
        const auto& [course_seats, taken] = st;
        if (taken.already) return decider::refuse(refusal::already);
        if (taken.courses >= most_courses) return decider::refuse(refusal::too_many);
        if (course_seats.taken >= course_seats.capacity) return decider::refuse(refusal::full);
        return std::vector<event>{subscribed{student, course}};
      },
      options);
}

// Replays a log: a course over its capacity, a student over 5 courses, a student twice in a course, each count.
template <class Log>
std::uint64_t violations(const Log& log) {
  std::map<std::string, std::pair<int, int>> courses;  // capacity, taken
  std::map<std::string, std::set<std::string>> students;
  std::uint64_t found = 0;
  for (const auto& stored : log) {
    if (const auto* d = std::get_if<course_defined>(&stored.event)) {
      courses[d->course].first = d->capacity;
    } else {
      const auto& s = std::get<subscribed>(stored.event);
      auto& [capacity, taken] = courses[s.course];
      found += ++taken > capacity ? 1 : 0;
      auto& taken_by_student = students[s.student];
      found += taken_by_student.insert(s.course).second ? 0 : 1;
      found += taken_by_student.size() > static_cast<std::size_t>(most_courses) ? 1 : 0;
    }
  }
  return found;
}

}  // namespace course_workload
