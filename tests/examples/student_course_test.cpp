// Seed 002: the rules of a student, of a course, and of a subscription decided over both, as given/when/then.
#include <catch2/catch.hpp>
#include <string>
#include <tuple>
#include <type_traits>
#include <variant>
#include <vector>

#include "decider/combine.hpp"
#include "decider/concepts.hpp"
#include "decider/fold.hpp"
#include "decider/testing/scenario.hpp"
#include "student_course/course.hpp"
#include "student_course/student.hpp"

using decider::testing::given;
using namespace learning;

TEST_CASE("student_course: the deciders model the concept, the subscription event is one shared type",
          "[example][student_course]") {
  STATIC_REQUIRE(decider::decider<student>);
  STATIC_REQUIRE(decider::decider<course>);
  STATIC_REQUIRE(decider::decider<decltype(students())>);
  STATIC_REQUIRE(decider::decider<decltype(courses())>);
  STATIC_REQUIRE(decider::decider<registration>);
  STATIC_REQUIRE(
      std::is_same_v<event, std::variant<student_registered, student_renamed, student_unsubscribed, student_subscribed,
                                         course_defined, course_capacity_changed, course_cancelled>>);
}

TEST_CASE("student_course: a student registers once, with a name", "[example][student_course]") {
  given(student{}).when(register_student{"s1", "Ada"}).then(student_registered{"s1", "Ada"});
  given(student{}, student_registered{"s1", "Ada"})
      .when(register_student{"s1", "Grace"})
      .then_error(student_already_registered{});
  given(student{}).when(register_student{"s1", ""}).then_error(empty_name{});
  given(student{}).when(register_student{"s1", "  "}).then_error(empty_name{});
  // Unsubscribed is final: the id does not come back.
  given(student{}, student_registered{"s1", "Ada"}, student_unsubscribed{"s1"})
      .when(register_student{"s1", "Ada"})
      .then_error(student_already_registered{});
}

TEST_CASE("student_course: a student renames while active, the same name decides nothing",
          "[example][student_course]") {
  given(student{}, student_registered{"s1", "Ada"})
      .when(rename_student{"s1", "Ada L."})
      .then(student_renamed{"s1", "Ada L."})
      .then_state(student_state{student_status::active, "Ada L.", {}});
  given(student{}, student_registered{"s1", "Ada"}).when(rename_student{"s1", "Ada"}).then_nothing();
  given(student{}, student_registered{"s1", "Ada"}).when(rename_student{"s1", ""}).then_error(empty_name{});
  given(student{}).when(rename_student{"s1", "Ada"}).then_error(student_not_active{});
  given(student{}, student_registered{"s1", "Ada"}, student_unsubscribed{"s1"})
      .when(rename_student{"s1", "Bob"})
      .then_error(student_not_active{});
}

TEST_CASE("student_course: a student unsubscribes once, and is then final", "[example][student_course]") {
  given(student{}, student_registered{"s1", "Ada"}).when(unsubscribe_student{"s1"}).then(student_unsubscribed{"s1"});
  given(student{}).when(unsubscribe_student{"s1"}).then_error(student_not_active{});
  given(student{}, student_registered{"s1", "Ada"}, student_unsubscribed{"s1"})
      .when(unsubscribe_student{"s1"})
      .then_error(student_not_active{});
  const student s;
  const auto gone =
      decider::fold(s, std::vector<student_event>{student_registered{"s1", "Ada"}, student_unsubscribed{"s1"}});
  CHECK(s.is_terminal(gone));
  CHECK(s.evolve(gone, student_renamed{"s1", "Bob"}) == gone);
}

TEST_CASE("student_course: the student's share of the subscription rule", "[example][student_course]") {
  const student_state none{};
  const student_state active{student_status::active, "Ada", {"c1"}};
  const student_state gone{student_status::unsubscribed, "Ada", {}};
  const student_state full{student_status::active, "Ada", {"c1", "c2", "c3", "c4", "c5"}};
  CHECK(refuse_subscription(none, "c2") == student_error{student_not_active{}});
  CHECK(refuse_subscription(gone, "c2") == student_error{student_not_active{}});
  CHECK(refuse_subscription(active, "c1") == student_error{already_subscribed{}});
  CHECK(refuse_subscription(full, "c6") == student_error{too_many_courses{}});
  CHECK_FALSE(refuse_subscription(active, "c2").has_value());
}

TEST_CASE("student_course: a course is defined once, with a positive capacity", "[example][student_course]") {
  given(course{}).when(define_course{"c1", "Maths", 2}).then(course_defined{"c1", "Maths", 2});
  given(course{}, course_defined{"c1", "Maths", 2})
      .when(define_course{"c1", "Maths", 3})
      .then_error(course_already_defined{});
  given(course{}, course_defined{"c1", "Maths", 2}, course_cancelled{"c1"})
      .when(define_course{"c1", "Maths", 3})
      .then_error(course_already_defined{});
  given(course{}).when(define_course{"c1", "Maths", 0}).then_error(capacity_not_positive{});
  given(course{}).when(define_course{"c1", "Maths", -3}).then_error(capacity_not_positive{});
}

TEST_CASE("student_course: capacity changes while active, never below the students already in",
          "[example][student_course]") {
  const auto two_in = [] {
    return given(course{}, course_defined{"c1", "Maths", 3}, student_subscribed{"s1", "c1"},
                 student_subscribed{"s2", "c1"});
  };
  two_in().when(change_capacity{"c1", 5}).then(course_capacity_changed{"c1", 5});
  two_in().when(change_capacity{"c1", 2}).then(course_capacity_changed{"c1", 2});
  two_in().when(change_capacity{"c1", 1}).then_error(capacity_below_subscriptions{2});
  two_in().when(change_capacity{"c1", 3}).then_nothing();
  two_in().when(change_capacity{"c1", 0}).then_error(capacity_not_positive{});
  given(course{}).when(change_capacity{"c1", 3}).then_error(course_not_active{});
  given(course{}, course_defined{"c1", "Maths", 3}, course_cancelled{"c1"})
      .when(change_capacity{"c1", 4})
      .then_error(course_not_active{});
}

TEST_CASE("student_course: a course is cancelled once", "[example][student_course]") {
  given(course{}, course_defined{"c1", "Maths", 3}).when(cancel_course{"c1"}).then(course_cancelled{"c1"});
  given(course{}, course_defined{"c1", "Maths", 3}, course_cancelled{"c1"})
      .when(cancel_course{"c1"})
      .then_error(course_not_active{});
  given(course{}).when(cancel_course{"c1"}).then_error(course_not_active{});
}

TEST_CASE("student_course: the course's share of the subscription rule", "[example][student_course]") {
  CHECK(refuse_subscription(course_state{}) == course_error{course_not_active{}});
  CHECK(refuse_subscription(course_state{course_status::cancelled, "Maths", 3, {}}) ==
        course_error{course_not_active{}});
  CHECK(refuse_subscription(course_state{course_status::active, "Maths", 2, 2}) == course_error{course_full{}});
  CHECK_FALSE(refuse_subscription(course_state{course_status::active, "Maths", 2, 1}).has_value());
}

TEST_CASE("student_course: students() and courses(): one instance per id, the id travels in the messages",
          "[example][student_course]") {
  given(students(), student_registered{"s1", "Ada"})
      .when(register_student{"s2", "Ada"})
      .then(student_registered{"s2", "Ada"});
  given(students(), student_registered{"s1", "Ada"})
      .when(register_student{"s1", "Ada"})
      .then_error(student_already_registered{});
  given(courses(), course_defined{"c1", "Maths", 1}).when(cancel_course{"c2"}).then_error(course_not_active{});
}

TEST_CASE("student_course: combine delivers the one subscription event to the student and to the course",
          "[example][student_course]") {
  const auto both = decider::combine(students(), courses());
  const auto s =
      decider::fold(both, std::vector<event>{student_registered{"s1", "Ada"}, course_defined{"c1", "Maths", 2},
                                             student_subscribed{"s1", "c1"}});
  CHECK(std::get<0>(s).at("s1").courses == std::set<std::string>{"c1"});
  CHECK(std::get<1>(s).at("c1").subscriptions == 1);
}

namespace {
// A student s1 and two courses: c1 with one seat, c2 with two.
auto school() {
  return given(registration{}, student_registered{"s1", "Ada"}, course_defined{"c1", "Maths", 1},
               course_defined{"c2", "Physics", 2});
}
}  // namespace

TEST_CASE("student_course: a subscription is decided once, over both sides, and recorded on both",
          "[example][student_course]") {
  state expected = school().state();
  std::get<0>(expected)["s1"].courses.insert("c1");
  ++std::get<1>(expected)["c1"].subscriptions;
  school().when(subscribe{"s1", "c1"}).then(student_subscribed{"s1", "c1"}).then_state(expected);
}

TEST_CASE("student_course: each side refuses a subscription for its own reasons", "[example][student_course]") {
  school().when(subscribe{"s9", "c1"}).then_error(student_not_active{});
  school().when(subscribe{"s1", "c9"}).then_error(course_not_active{});
  given(registration{}, student_registered{"s1", "Ada"}, student_unsubscribed{"s1"}, course_defined{"c1", "Maths", 1})
      .when(subscribe{"s1", "c1"})
      .then_error(student_not_active{});
  given(registration{}, student_registered{"s1", "Ada"}, course_defined{"c1", "Maths", 1}, course_cancelled{"c1"})
      .when(subscribe{"s1", "c1"})
      .then_error(course_not_active{});
  given(registration{}, student_registered{"s1", "Ada"}, student_registered{"s2", "Bob"},
        course_defined{"c1", "Maths", 1}, student_subscribed{"s2", "c1"})
      .when(subscribe{"s1", "c1"})
      .then_error(course_full{});
  given(registration{}, student_registered{"s1", "Ada"}, course_defined{"c2", "Physics", 2},
        student_subscribed{"s1", "c2"})
      .when(subscribe{"s1", "c2"})
      .then_error(already_subscribed{});
}

TEST_CASE("student_course: a sixth course is refused, the student's refusal comes first", "[example][student_course]") {
  std::vector<event> history{student_registered{"s1", "Ada"}};
  for (const std::string id : {"c1", "c2", "c3", "c4", "c5", "c6"}) {
    history.emplace_back(course_defined{id, "Course " + id, 1});
  }
  for (const std::string id : {"c1", "c2", "c3", "c4", "c5"}) {
    history.emplace_back(student_subscribed{"s1", id});
  }
  decider::testing::given_history(registration{}, history).when(subscribe{"s1", "c6"}).then_error(too_many_courses{});
  // c1 is full too; the student's share of the rule is asked first.
  history.emplace_back(student_registered{"s2", "Bob"});
  decider::testing::given_history(registration{}, history).when(subscribe{"s1", "c1"}).then_error(already_subscribed{});
  decider::testing::given_history(registration{}, history).when(subscribe{"s2", "c1"}).then_error(course_full{});
}

TEST_CASE("student_course: the registration sends other commands to the side that owns them, by id",
          "[example][student_course]") {
  school().when(register_student{"s2", "Bob"}).then(student_registered{"s2", "Bob"});
  school().when(rename_student{"s1", "Ada"}).then_nothing();
  school().when(change_capacity{"c2", 5}).then(course_capacity_changed{"c2", 5});
  school().when(cancel_course{"c9"}).then_error(course_not_active{});
  given(registration{}, student_registered{"s1", "Ada"}, course_defined{"c1", "Maths", 2},
        student_subscribed{"s1", "c1"})
      .when(change_capacity{"c1", 1})
      .then(course_capacity_changed{"c1", 1});
}
