// Boundaries derived from the deciders are sufficient (check_boundary), deliberately broken boundaries are caught,
// and handle() on the memory store decides as step() does on the whole state, with and without the cache.
#include <rapidcheck.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "decider/combine.hpp"
#include "decider/extend.hpp"
#include "decider/many.hpp"
#include "decider/store/boundary.hpp"
#include "decider/store/memory.hpp"
#include "decider/testing/boundary.hpp"
#include "student_course/course.hpp"
#include "support/handle_agreement.hpp"
#include "support/student_course_generators.hpp"

using decider::testing::check_boundary;
using namespace learning;
using namespace student_course_generators;

namespace {

// Broken on purpose, each in one way; check_boundary must catch every one.

// A key mapped to the wrong tag: the courses' instances are looked up under "student:<course id>".
auto mistagged_registration() {
  const auto mistagged_courses = decider::many<std::string>(
      course{}, [](const auto& message) { return message.course_id; }, decider::tag_as("student"));
  return decider::extend<subscribe>(decider::combine(students(), mistagged_courses), subscription_rule{});
}

// A part dropped from the rule's boundary: a subscription reads the student but not the course.
auto course_left_out() {
  return decider::extend<subscribe>(decider::combine(students(), courses()), subscription_rule{},
                                    [](const subscribe& c) -> decider::selection_of<school_parts> {
                                      return {{c.student_id}, {}};
                                    });
}

// An event type dropped from the boundary: the subscriptions are not read, so seats and courses look free.
struct subscriptions_left_out : registration {
  [[nodiscard]] decider::query boundary(const command& c) const {
    auto q = decider::boundary_of(registration{}, c);
    for (auto& item : q.items) {
      item.types.erase(std::remove(item.types.begin(), item.types.end(), "student_subscribed"), item.types.end());
    }
    return q;
  }
};

}  // namespace

TEST_CASE("boundary: the students and courses deciders derive sufficient boundaries", "[property][boundary]") {
  // [docs:check-boundary]
  REQUIRE(check_boundary("registration", registration{}, registration_commands(), {.length = {0, 150}}));
  // [/docs:check-boundary]
  REQUIRE(check_boundary("students", students(), student_commands()));
  REQUIRE(check_boundary("courses", courses(), course_commands()));
}

TEST_CASE("boundary: a broken boundary is caught", "[property][boundary]") {
  CHECK_FALSE(check_boundary("a key mapped to the wrong tag", mistagged_registration(), registration_commands()));
  CHECK_FALSE(check_boundary("a part left out of the rule's boundary", course_left_out(), registration_commands()));
  CHECK_FALSE(check_boundary("an event type left out of the boundary", subscriptions_left_out{},
                             registration_commands(), {.length = {20, 120}}));
}

TEST_CASE("boundary: handle on the memory store decides as step on the whole state", "[property][boundary]") {
  REQUIRE(rc::check("handle agrees with step", [] {
    handle_agreement::decides_as_step([] { return std::make_unique<decider::memory_store<event>>(); });
  }));
}
