// Events with an identity (type name and tags), for the store tests.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "decider/store/event.hpp"
#include "support/subscription_model.hpp"

namespace store_events {

// The seed 002 events (examples/student_course/on_store.hpp), and a note for tests that choose tags.
using subscriptions::course_defined;
using subscriptions::student_subscribed;

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
