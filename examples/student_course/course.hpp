// Students and courses, the course side (a course is defined with a capacity, changes it, is cancelled, takes
// students), and the registration: students and courses combined, with the subscription decided over both at once.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "decider/combine.hpp"
#include "decider/concepts.hpp"
#include "decider/extend.hpp"
#include "decider/many.hpp"
#include "decider/store/boundary.hpp"
#include "decider/store/event.hpp"
#include "decider/store/fields.hpp"
#include "decider/visit.hpp"
#include "student_course/student.hpp"

namespace learning {

struct define_course {
  std::string course_id;
  std::string name;
  int capacity = 0;
  friend bool operator==(const define_course&, const define_course&) = default;
};
struct change_capacity {
  std::string course_id;
  int capacity = 0;
  friend bool operator==(const change_capacity&, const change_capacity&) = default;
};
struct cancel_course {
  std::string course_id;
  friend bool operator==(const cancel_course&, const cancel_course&) = default;
};
using course_command = std::variant<define_course, change_capacity, cancel_course>;

struct course_defined {
  std::string course_id;
  std::string name;
  int capacity = 0;
  static constexpr std::string_view type_name = "course_defined";
  static constexpr auto json_fields =
      std::tuple{decider::field("course_id", &course_defined::course_id), decider::field("name", &course_defined::name),
                 decider::field("capacity", &course_defined::capacity)};
  [[nodiscard]] std::vector<decider::tag> tags() const { return {decider::make_tag("course", course_id)}; }
  friend bool operator==(const course_defined&, const course_defined&) = default;
};
struct course_capacity_changed {
  std::string course_id;
  int capacity = 0;
  static constexpr std::string_view type_name = "course_capacity_changed";
  static constexpr auto json_fields = std::tuple{decider::field("course_id", &course_capacity_changed::course_id),
                                                 decider::field("capacity", &course_capacity_changed::capacity)};
  [[nodiscard]] std::vector<decider::tag> tags() const { return {decider::make_tag("course", course_id)}; }
  friend bool operator==(const course_capacity_changed&, const course_capacity_changed&) = default;
};
struct course_cancelled {
  std::string course_id;
  static constexpr std::string_view type_name = "course_cancelled";
  static constexpr auto json_fields = std::tuple{decider::field("course_id", &course_cancelled::course_id)};
  [[nodiscard]] std::vector<decider::tag> tags() const { return {decider::make_tag("course", course_id)}; }
  friend bool operator==(const course_cancelled&, const course_cancelled&) = default;
};
using course_event = std::variant<course_defined, course_capacity_changed, course_cancelled, student_subscribed>;

struct course_already_defined {
  friend bool operator==(const course_already_defined&, const course_already_defined&) = default;
};
struct capacity_not_positive {
  friend bool operator==(const capacity_not_positive&, const capacity_not_positive&) = default;
};
struct course_not_active {
  friend bool operator==(const course_not_active&, const course_not_active&) = default;
};
struct capacity_below_subscriptions {
  std::size_t subscriptions = 0;
  friend bool operator==(const capacity_below_subscriptions&, const capacity_below_subscriptions&) = default;
};
struct course_full {
  friend bool operator==(const course_full&, const course_full&) = default;
};
using course_error = std::variant<course_already_defined, capacity_not_positive, course_not_active,
                                  capacity_below_subscriptions, course_full>;

// Cancelled is final: a course id is defined once.
enum class course_status { undefined, active, cancelled };

struct course_state {
  course_status status = course_status::undefined;
  std::string name;
  int capacity = 0;
  // How many students took a seat. Who they are is the students' side's to know (a student is never subscribed
  // twice); the course's decisions need only the count, and a state that keeps only what its decisions need
  // costs less to fold, to cache and to move.
  std::size_t subscriptions = 0;
  friend bool operator==(const course_state&, const course_state&) = default;
};

// One course; the id in commands and events is routed by courses(), not checked here.
// [docs:course]
struct course {
  using command_type = course_command;
  using event_type = course_event;
  using state_type = course_state;
  using error_type = course_error;
  using result = decider::decision<course_event, course_error>;
  using events = std::vector<course_event>;

  [[nodiscard]] course_state initial_state() const { return {}; }

  [[nodiscard]] result decide(const course_command& command, const course_state& s) const {
    return decider::match(
        command,
        [&](const define_course& c) -> result {
          if (s.status != course_status::undefined) {
            return decider::refuse(course_error{course_already_defined{}});
          }
          if (c.capacity <= 0) {
            return decider::refuse(course_error{capacity_not_positive{}});
          }
          return events{course_defined{c.course_id, c.name, c.capacity}};
        },
        [&](const change_capacity& c) -> result {
          if (s.status != course_status::active) {
            return decider::refuse(course_error{course_not_active{}});
          }
          if (c.capacity <= 0) {
            return decider::refuse(course_error{capacity_not_positive{}});
          }
          if (c.capacity == s.capacity) {
            return events{};  // nothing changes
          }
          // The course evolves on subscriptions, so it can keep its own promise: never more students than seats.
          if (std::cmp_less(c.capacity, s.subscriptions)) {
            return decider::refuse(course_error{capacity_below_subscriptions{s.subscriptions}});
          }
          return events{course_capacity_changed{c.course_id, c.capacity}};
        },
        [&](const cancel_course& c) -> result {
          if (s.status != course_status::active) {
            return decider::refuse(course_error{course_not_active{}});
          }
          return events{course_cancelled{c.course_id}};
        });
  }

  [[nodiscard]] course_state evolve(course_state s, const course_event& event) const {
    if (is_terminal(s)) {
      return s;
    }
    decider::match(
        event,
        [&](const course_defined& e) {
          s.status = course_status::active;
          s.name = e.name;
          s.capacity = e.capacity;
        },
        [&](const course_capacity_changed& e) { s.capacity = e.capacity; },
        [&](const course_cancelled&) { s.status = course_status::cancelled; },
        [&](const student_subscribed&) { ++s.subscriptions; });
    return s;
  }

  [[nodiscard]] bool is_terminal(const course_state& s) const { return s.status == course_status::cancelled; }
};

// The course's share of the subscription rule, on the course's own state: the reason to refuse, if any.
inline std::optional<course_error> refuse_subscription(const course_state& s) {
  if (s.status != course_status::active) {
    return course_not_active{};
  }
  if (std::cmp_greater_equal(s.subscriptions, s.capacity)) {
    return course_full{};
  }
  return std::nullopt;
}
// [/docs:course]

// Every course, one instance per id, its events tagged "course:<id>" (see students()).
inline auto courses() {
  return decider::many<std::string>(
      course{}, [](const auto& message) { return message.course_id; }, decider::tag_as("course"));
}

// Students and courses side by side, plus the one decision that needs both: subscribe.
// combine() gives each part only its own state and decides a shared command in every part that owns it
// (events concatenated), so a subscribe owned by both sides would record the fact twice. Instead
// decider::extend adds subscribe on top of the combination: it sees both sides' states, asks each side for its
// share of the rule, and decides one student_subscribed, which combine's evolve delivers to both sides.
// [docs:registration]
using school_parts = decltype(decider::combine(students(), courses()));  // state: (students, courses) by id

struct subscription_rule {
  using result = decider::decision<decider::event_of<school_parts>, decider::error_of<school_parts>>;

  [[nodiscard]] result operator()(const subscribe& c, const decider::state_of<school_parts>& state) const {
    const auto& [all_students, all_courses] = state;
    if (auto refusal = refuse_subscription(students().instance(all_students, c.student_id), c.course_id)) {
      return decider::refuse(decider::widen<decider::error_of<school_parts>>(*refusal));
    }
    if (auto refusal = refuse_subscription(courses().instance(all_courses, c.course_id))) {
      return decider::refuse(decider::widen<decider::error_of<school_parts>>(*refusal));
    }
    return std::vector<decider::event_of<school_parts>>{student_subscribed{c.student_id, c.course_id}};
  }

  // What the rule reads on a store: the student's instance and the course's, nothing else.
  [[nodiscard]] decider::selection_of<school_parts> boundary(const subscribe& c) const {
    return {{c.student_id}, {c.course_id}};
  }
};

struct registration : decider::extended<subscribe, school_parts, subscription_rule> {
  registration() : extended(decider::combine(students(), courses()), subscription_rule{}) {}
};
// [/docs:registration]

using command = registration::command_type;
using event = registration::event_type;
using state = registration::state_type;
using error = registration::error_type;

// The invariants, as predicates over a reachable state and the events that reached it. The property tests
// and the example program check them after every command of random command sequences.
namespace checks {

// [docs:seats]
// No course ever holds more subscriptions than its capacity. The capacity is the current one: it may change,
// but never below the subscriptions already taken. Decided events are counted, so a double subscription
// would count twice.
inline bool seats_respected(const state& s, const std::vector<event>& events) {
  std::map<std::string, std::size_t> taken;
  for (const auto& e : events) {
    if (const auto* sub = std::get_if<student_subscribed>(&e)) {
      ++taken[sub->course_id];
    }
  }
  for (const auto& [course_id, count] : taken) {
    const auto at = std::get<1>(s).find(course_id);
    if (at == std::get<1>(s).end() || std::cmp_greater(count, at->second.capacity)) {
      return false;
    }
  }
  return true;
}
// [/docs:seats]

// No student ever takes more than five courses.
inline bool at_most_five_courses(const state&, const std::vector<event>& events) {
  std::map<std::string, std::size_t> taken;
  for (const auto& e : events) {
    if (const auto* sub = std::get_if<student_subscribed>(&e);
        sub && ++taken[sub->student_id] > max_courses_per_student) {
      return false;
    }
  }
  return true;
}

// No student is subscribed twice to one course.
inline bool no_double_subscription(const state&, const std::vector<event>& events) {
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& e : events) {
    if (const auto* sub = std::get_if<student_subscribed>(&e);
        sub && !seen.emplace(sub->student_id, sub->course_id).second) {
      return false;
    }
  }
  return true;
}

// Only an active student joins, and only an active course: replaying the history, every subscription finds
// its student registered and not unsubscribed, and its course defined and not cancelled.
inline bool only_active_parties_subscribe(const state&, const std::vector<event>& events) {
  const registration r;
  auto replayed = r.initial_state();
  for (const auto& e : events) {
    if (const auto* sub = std::get_if<student_subscribed>(&e)) {
      const auto student_at = std::get<0>(replayed).find(sub->student_id);
      const auto course_at = std::get<1>(replayed).find(sub->course_id);
      if (student_at == std::get<0>(replayed).end() || student_at->second.status != student_status::active ||
          course_at == std::get<1>(replayed).end() || course_at->second.status != course_status::active) {
        return false;
      }
    }
    replayed = r.evolve(std::move(replayed), e);
  }
  return true;
}

// The one subscription event reaches both sides: each course counts exactly the students who list it.
inline bool both_sides_agree(const state& s) {
  std::map<std::string, std::size_t> listed;
  for (const auto& [student_id, st] : std::get<0>(s)) {
    for (const auto& course_id : st.courses) {
      ++listed[course_id];
    }
  }
  for (const auto& [course_id, co] : std::get<1>(s)) {
    const auto at = listed.find(course_id);
    if (co.subscriptions != (at == listed.end() ? 0 : at->second)) {
      return false;
    }
    if (at != listed.end()) {
      listed.erase(at);
    }
  }
  return listed.empty();  // no student lists a course the courses do not know
}

}  // namespace checks
}  // namespace learning
