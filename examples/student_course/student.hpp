// Students and courses, the student side: a student registers, changes name, unsubscribes, and takes courses.
// Commands and events carry the student id; students() runs one student per id with many<std::string>, and
// names the tag ("student:<id>") that selects a student's events in an event store. Each event declares its
// type name, tags and fields once, for the stores. The subscription fact (student_subscribed) is shared with the
// course side, which evolves on it too.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <variant>
#include <vector>

#include "decider/concepts.hpp"
#include "decider/many.hpp"
#include "decider/store/event.hpp"
#include "decider/store/fields.hpp"
#include "decider/visit.hpp"

namespace learning {

// The subscription belongs to neither side alone: the command is decided over a student and a course at once
// (learning::registration in course.hpp), and the event is evolved by both.
// [docs:subscription]
struct subscribe {
  std::string student_id;
  std::string course_id;
  friend bool operator==(const subscribe&, const subscribe&) = default;
};
struct student_subscribed {
  std::string student_id;
  std::string course_id;
  static constexpr std::string_view type_name = "student_subscribed";
  static constexpr auto json_fields = std::tuple{decider::field("student_id", &student_subscribed::student_id),
                                                 decider::field("course_id", &student_subscribed::course_id)};
  [[nodiscard]] std::vector<decider::tag> tags() const {
    return {decider::make_tag("student", student_id), decider::make_tag("course", course_id)};
  }
  friend bool operator==(const student_subscribed&, const student_subscribed&) = default;
};
// [/docs:subscription]

inline constexpr std::size_t max_courses_per_student = 5;

struct register_student {
  std::string student_id;
  std::string name;
  friend bool operator==(const register_student&, const register_student&) = default;
};
struct rename_student {
  std::string student_id;
  std::string name;
  friend bool operator==(const rename_student&, const rename_student&) = default;
};
struct unsubscribe_student {
  std::string student_id;
  friend bool operator==(const unsubscribe_student&, const unsubscribe_student&) = default;
};
using student_command = std::variant<register_student, rename_student, unsubscribe_student>;

struct student_registered {
  std::string student_id;
  std::string name;
  static constexpr std::string_view type_name = "student_registered";
  static constexpr auto json_fields = std::tuple{decider::field("student_id", &student_registered::student_id),
                                                 decider::field("name", &student_registered::name)};
  [[nodiscard]] std::vector<decider::tag> tags() const { return {decider::make_tag("student", student_id)}; }
  friend bool operator==(const student_registered&, const student_registered&) = default;
};
struct student_renamed {
  std::string student_id;
  std::string name;
  static constexpr std::string_view type_name = "student_renamed";
  static constexpr auto json_fields = std::tuple{decider::field("student_id", &student_renamed::student_id),
                                                 decider::field("name", &student_renamed::name)};
  [[nodiscard]] std::vector<decider::tag> tags() const { return {decider::make_tag("student", student_id)}; }
  friend bool operator==(const student_renamed&, const student_renamed&) = default;
};
struct student_unsubscribed {
  std::string student_id;
  static constexpr std::string_view type_name = "student_unsubscribed";
  static constexpr auto json_fields = std::tuple{decider::field("student_id", &student_unsubscribed::student_id)};
  [[nodiscard]] std::vector<decider::tag> tags() const { return {decider::make_tag("student", student_id)}; }
  friend bool operator==(const student_unsubscribed&, const student_unsubscribed&) = default;
};
using student_event = std::variant<student_registered, student_renamed, student_unsubscribed, student_subscribed>;

struct student_already_registered {
  friend bool operator==(const student_already_registered&, const student_already_registered&) = default;
};
struct empty_name {
  friend bool operator==(const empty_name&, const empty_name&) = default;
};
struct student_not_active {
  friend bool operator==(const student_not_active&, const student_not_active&) = default;
};
struct already_subscribed {
  friend bool operator==(const already_subscribed&, const already_subscribed&) = default;
};
struct too_many_courses {
  friend bool operator==(const too_many_courses&, const too_many_courses&) = default;
};
using student_error =
    std::variant<student_already_registered, empty_name, student_not_active, already_subscribed, too_many_courses>;

// Unsubscribed is final: an id is registered once (the original scenario lets a student register again; here a
// returning student takes a new id, which keeps "unsubscribed students take no courses" a plain invariant).
enum class student_status { unregistered, active, unsubscribed };

struct student_state {
  student_status status = student_status::unregistered;
  std::string name;
  std::set<std::string> courses;  // the ids of the courses taken
  friend bool operator==(const student_state&, const student_state&) = default;
};

inline bool is_blank(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
}

// One student; the id in commands and events is routed by students(), not checked here.
// [docs:student]
struct student {
  using command_type = student_command;
  using event_type = student_event;
  using state_type = student_state;
  using error_type = student_error;
  using result = decider::decision<student_event, student_error>;
  using events = std::vector<student_event>;

  [[nodiscard]] student_state initial_state() const { return {}; }

  [[nodiscard]] result decide(const student_command& command, const student_state& s) const {
    return decider::match(
        command,
        [&](const register_student& c) -> result {
          if (s.status != student_status::unregistered) {
            return decider::refuse(student_error{student_already_registered{}});
          }
          if (is_blank(c.name)) {
            return decider::refuse(student_error{empty_name{}});
          }
          return events{student_registered{c.student_id, c.name}};
        },
        [&](const rename_student& c) -> result {
          if (s.status != student_status::active) {
            return decider::refuse(student_error{student_not_active{}});
          }
          if (is_blank(c.name)) {
            return decider::refuse(student_error{empty_name{}});
          }
          if (c.name == s.name) {
            return events{};  // already so named: nothing to record
          }
          return events{student_renamed{c.student_id, c.name}};
        },
        [&](const unsubscribe_student& c) -> result {
          if (s.status != student_status::active) {
            return decider::refuse(student_error{student_not_active{}});
          }
          return events{student_unsubscribed{c.student_id}};
        });
  }

  [[nodiscard]] student_state evolve(student_state s, const student_event& event) const {
    if (is_terminal(s)) {
      return s;
    }
    decider::match(
        event,
        [&](const student_registered& e) {
          s.status = student_status::active;
          s.name = e.name;
        },
        [&](const student_renamed& e) { s.name = e.name; },
        [&](const student_unsubscribed&) { s.status = student_status::unsubscribed; },
        [&](const student_subscribed& e) { s.courses.insert(e.course_id); });
    return s;
  }

  [[nodiscard]] bool is_terminal(const student_state& s) const { return s.status == student_status::unsubscribed; }
};

// The student's share of the subscription rule, on the student's own state: the reason to refuse, if any.
inline std::optional<student_error> refuse_subscription(const student_state& s, const std::string& course_id) {
  if (s.status != student_status::active) {
    return student_not_active{};
  }
  if (s.courses.count(course_id) != 0) {
    return already_subscribed{};
  }
  if (s.courses.size() >= max_courses_per_student) {
    return too_many_courses{};
  }
  return std::nullopt;
}
// [/docs:student]

// Every student, one instance per id: commands and events carry the student id as a field (as they travel),
// many<std::string>(d, key_of, tags_of) reads it to address the instance (key_of is called with each alternative),
// and an instance's events in a store are those tagged "student:<id>".
// [docs:students]
inline auto students() {
  return decider::many<std::string>(
      student{}, [](const auto& message) { return message.student_id; }, decider::tag_as("student"));
}
// [/docs:students]

}  // namespace learning
