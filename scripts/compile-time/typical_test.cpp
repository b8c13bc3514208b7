// A typical test translation unit, for scripts/compile-time.sh: it is compiled (-c), never linked or run.
// Over the combined `many` decider learning::registration (examples/student_course/course.hpp): 20 given/when/then
// scenarios, 7 invariant checks (check_invariant) and 4 law checks (check_laws), the mix a domain's test file has.
#include <rapidcheck.h>

#include <catch2/catch.hpp>
#include <cstddef>
#include <string>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "decider/testing/rapidcheck.hpp"
#include "decider/testing/scenario.hpp"
#include "student_course/course.hpp"
#include "student_course/student.hpp"
#include "support/student_course_generators.hpp"

using decider::testing::check_invariant;
using decider::testing::check_laws;
using decider::testing::given;
using decider::testing::given_history;
using namespace learning;
using namespace student_course_generators;

namespace {

// A student s1 and two courses: c1 with one seat, c2 with two.
auto school() {
  return given(registration{}, student_registered{"s1", "Ada"}, course_defined{"c1", "Maths", 1},
               course_defined{"c2", "Physics", 2});
}

// s1 registered, six courses of one seat each, and s1 in the first five.
std::vector<event> five_courses_taken() {
  std::vector<event> history{student_registered{"s1", "Ada"}};
  for (const std::string id : {"c1", "c2", "c3", "c4", "c5", "c6"}) {
    history.emplace_back(course_defined{id, "Course " + id, 1});
  }
  for (const std::string id : {"c1", "c2", "c3", "c4", "c5"}) {
    history.emplace_back(student_subscribed{"s1", id});
  }
  return history;
}

}  // namespace

// --- given / when / then -------------------------------------------------------------------------------------

TEST_CASE("registration: a student registers once, with a name", "[compile_time][scenario]") {
  given(registration{}).when(register_student{"s1", "Ada"}).then(student_registered{"s1", "Ada"});
  given(registration{}, student_registered{"s1", "Ada"})
      .when(register_student{"s1", "Grace"})
      .then_error(student_already_registered{});
}

TEST_CASE("registration: a blank name is refused", "[compile_time][scenario]") {
  given(registration{}).when(register_student{"s1", ""}).then_error(empty_name{});
  given(registration{}).when(register_student{"s1", "   "}).then_error(empty_name{});
}

TEST_CASE("registration: an unsubscribed student does not come back", "[compile_time][scenario]") {
  given(registration{}, student_registered{"s1", "Ada"}, student_unsubscribed{"s1"})
      .when(register_student{"s1", "Ada"})
      .then_error(student_already_registered{});
}

TEST_CASE("registration: a student renames while active", "[compile_time][scenario]") {
  given(registration{}, student_registered{"s1", "Ada"})
      .when(rename_student{"s1", "Ada L."})
      .then(student_renamed{"s1", "Ada L."});
  given(registration{}).when(rename_student{"s1", "Ada"}).then_error(student_not_active{});
}

TEST_CASE("registration: renaming to the same name decides nothing", "[compile_time][scenario]") {
  given(registration{}, student_registered{"s1", "Ada"}).when(rename_student{"s1", "Ada"}).then_nothing();
}

TEST_CASE("registration: a student unsubscribes once", "[compile_time][scenario]") {
  given(registration{}, student_registered{"s1", "Ada"})
      .when(unsubscribe_student{"s1"})
      .then(student_unsubscribed{"s1"});
  given(registration{}, student_registered{"s1", "Ada"}, student_unsubscribed{"s1"})
      .when(unsubscribe_student{"s1"})
      .then_error(student_not_active{});
}

TEST_CASE("registration: a course is defined once, with a positive capacity", "[compile_time][scenario]") {
  given(registration{}).when(define_course{"c1", "Maths", 2}).then(course_defined{"c1", "Maths", 2});
  given(registration{}, course_defined{"c1", "Maths", 2})
      .when(define_course{"c1", "Maths", 3})
      .then_error(course_already_defined{});
  given(registration{}).when(define_course{"c1", "Maths", 0}).then_error(capacity_not_positive{});
}

TEST_CASE("registration: capacity changes while the course is active", "[compile_time][scenario]") {
  given(registration{}, course_defined{"c1", "Maths", 3})
      .when(change_capacity{"c1", 5})
      .then(course_capacity_changed{"c1", 5});
  given(registration{}, course_defined{"c1", "Maths", 3}).when(change_capacity{"c1", 3}).then_nothing();
  given(registration{}).when(change_capacity{"c1", 3}).then_error(course_not_active{});
}

TEST_CASE("registration: capacity never drops below the students already in", "[compile_time][scenario]") {
  given(registration{}, student_registered{"s1", "Ada"}, student_registered{"s2", "Bob"},
        course_defined{"c1", "Maths", 3}, student_subscribed{"s1", "c1"}, student_subscribed{"s2", "c1"})
      .when(change_capacity{"c1", 1})
      .then_error(capacity_below_subscriptions{2});
}

TEST_CASE("registration: a course is cancelled once", "[compile_time][scenario]") {
  given(registration{}, course_defined{"c1", "Maths", 3}).when(cancel_course{"c1"}).then(course_cancelled{"c1"});
  given(registration{}, course_defined{"c1", "Maths", 3}, course_cancelled{"c1"})
      .when(cancel_course{"c1"})
      .then_error(course_not_active{});
}

TEST_CASE("registration: a subscription is recorded on both sides", "[compile_time][scenario]") {
  state expected = school().state();
  std::get<0>(expected)["s1"].courses.insert("c1");
  ++std::get<1>(expected)["c1"].subscriptions;
  school().when(subscribe{"s1", "c1"}).then(student_subscribed{"s1", "c1"}).then_state(expected);
}

TEST_CASE("registration: an unknown student cannot subscribe", "[compile_time][scenario]") {
  school().when(subscribe{"s9", "c1"}).then_error(student_not_active{});
}

TEST_CASE("registration: an unknown course takes no subscription", "[compile_time][scenario]") {
  school().when(subscribe{"s1", "c9"}).then_error(course_not_active{});
}

TEST_CASE("registration: an unsubscribed student takes no course", "[compile_time][scenario]") {
  given(registration{}, student_registered{"s1", "Ada"}, student_unsubscribed{"s1"}, course_defined{"c1", "Maths", 1})
      .when(subscribe{"s1", "c1"})
      .then_error(student_not_active{});
}

TEST_CASE("registration: a cancelled course takes no student", "[compile_time][scenario]") {
  given(registration{}, student_registered{"s1", "Ada"}, course_defined{"c1", "Maths", 1}, course_cancelled{"c1"})
      .when(subscribe{"s1", "c1"})
      .then_error(course_not_active{});
}

TEST_CASE("registration: a full course refuses", "[compile_time][scenario]") {
  given(registration{}, student_registered{"s1", "Ada"}, student_registered{"s2", "Bob"},
        course_defined{"c1", "Maths", 1}, student_subscribed{"s2", "c1"})
      .when(subscribe{"s1", "c1"})
      .then_error(course_full{});
}

TEST_CASE("registration: no double subscription", "[compile_time][scenario]") {
  school().when(subscribe{"s1", "c2"}).then(student_subscribed{"s1", "c2"});
  given(registration{}, student_registered{"s1", "Ada"}, course_defined{"c2", "Physics", 2},
        student_subscribed{"s1", "c2"})
      .when(subscribe{"s1", "c2"})
      .then_error(already_subscribed{});
}

TEST_CASE("registration: a sixth course is refused", "[compile_time][scenario]") {
  given_history(registration{}, five_courses_taken()).when(subscribe{"s1", "c6"}).then_error(too_many_courses{});
}

TEST_CASE("registration: the student's refusal comes before the course's", "[compile_time][scenario]") {
  auto history = five_courses_taken();
  history.emplace_back(student_registered{"s2", "Bob"});
  given_history(registration{}, history).when(subscribe{"s1", "c1"}).then_error(already_subscribed{});
  given_history(registration{}, history).when(subscribe{"s2", "c1"}).then_error(course_full{});
}

TEST_CASE("registration: other commands go to the side that owns them, by id", "[compile_time][scenario]") {
  school().when(register_student{"s2", "Bob"}).then(student_registered{"s2", "Bob"});
  school().when(change_capacity{"c2", 5}).then(course_capacity_changed{"c2", 5});
  school().when(cancel_course{"c9"}).then_error(course_not_active{});
}

// --- invariants in every reachable state -----------------------------------------------------------------------

TEST_CASE("registration: no course holds more subscriptions than its capacity", "[compile_time][property]") {
  REQUIRE(check_invariant("seats respected", registration{}, registration_commands(), checks::seats_respected));
}

TEST_CASE("registration: no student takes more than five courses", "[compile_time][property]") {
  REQUIRE(check_invariant("at most five courses", registration{}, registration_commands(), checks::at_most_five_courses,
                          {.min = 60, .max = 200}));
}

TEST_CASE("registration: no student is subscribed twice to one course", "[compile_time][property]") {
  REQUIRE(check_invariant("no double subscription", registration{}, registration_commands(),
                          checks::no_double_subscription));
}

TEST_CASE("registration: only active parties subscribe", "[compile_time][property]") {
  REQUIRE(check_invariant("only active parties subscribe", registration{}, registration_commands(),
                          checks::only_active_parties_subscribe));
}

TEST_CASE("registration: the student and the course record the same subscriptions", "[compile_time][property]") {
  REQUIRE(check_invariant("both sides agree", registration{}, registration_commands(), checks::both_sides_agree));
}

TEST_CASE("registration: in every state, a course lists at most its capacity", "[compile_time][property]") {
  REQUIRE(check_invariant("course state within capacity", registration{}, registration_commands(), [](const state& s) {
    for (const auto& [course_id, c] : std::get<1>(s)) {
      if (c.subscriptions > static_cast<std::size_t>(c.capacity)) {
        return false;
      }
    }
    return true;
  }));
}

TEST_CASE("registration: in every state, a student lists at most five courses", "[compile_time][property]") {
  REQUIRE(check_invariant("student state within five courses", registration{}, registration_commands(),
                          [](const state& s) {
                            for (const auto& [student_id, st] : std::get<0>(s)) {
                              if (st.courses.size() > max_courses_per_student) {
                                return false;
                              }
                            }
                            return true;
                          },
                          {.min = 60, .max = 200}));
}

// --- laws ------------------------------------------------------------------------------------------------------

TEST_CASE("registration: laws, on every command", "[compile_time][laws]") {
  REQUIRE(check_laws("registration", registration{}, registration_commands()));
}

TEST_CASE("registration: laws, on the students' commands", "[compile_time][laws]") {
  REQUIRE(check_laws("registration (students)", registration{}, student_commands_as<command>()));
}

TEST_CASE("registration: laws, on the courses' commands", "[compile_time][laws]") {
  REQUIRE(check_laws("registration (courses)", registration{}, course_commands_as<command>()));
}

TEST_CASE("registration: laws, on subscriptions over a defined school", "[compile_time][laws]") {
  const auto subscriptions = rc::gen::weightedOneOf<command>({
      {1, course_commands_as<command>()},
      {1, student_commands_as<command>()},
      {4, rc::gen::apply(
              [](std::string s, std::string c) {
                return command{subscribe{std::move(s), std::move(c)}};
              },
              student_ids(), course_ids())},
  });
  REQUIRE(check_laws("registration (subscriptions)", registration{}, subscriptions));
}
