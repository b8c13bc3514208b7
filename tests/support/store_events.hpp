// Events with an identity (type name and tags), for the store tests.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "decider/store/event.hpp"

namespace store_events {

struct course_defined {
  std::string course;
  int capacity = 0;
  static constexpr std::string_view type_name = "course_defined";
  [[nodiscard]] std::vector<decider::tag> tags() const { return {decider::make_tag("course", course)}; }
  friend bool operator==(const course_defined&, const course_defined&) = default;
};

// [docs:identity]
struct student_subscribed {
  std::string student;
  std::string course;
  static constexpr std::string_view type_name = "student_subscribed";
  [[nodiscard]] std::vector<decider::tag> tags() const {
    return {decider::make_tag("student", student), decider::make_tag("course", course)};
  }
  friend bool operator==(const student_subscribed&, const student_subscribed&) = default;
};
// [/docs:identity]

// Carries whatever tags a test gives it.
struct note {
  std::string text;
  std::vector<decider::tag> labels;
  static constexpr std::string_view type_name = "note";
  [[nodiscard]] std::vector<decider::tag> tags() const { return labels; }
  friend bool operator==(const note&, const note&) = default;
};

using event = std::variant<course_defined, student_subscribed, note>;

}  // namespace store_events
