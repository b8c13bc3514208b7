// Seed 002: the subscription invariants hold in every state reached by random commands over a few students and
// courses (few ids, so that commands collide: full courses, sixth courses, double subscriptions, cancelled courses),
// and the laws hold for the student, the course, their instances by id, their combination and the registration.
#include <rapidcheck.h>

#include <catch2/catch.hpp>
#include <cstddef>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "decider/combine.hpp"
#include "decider/testing/laws.hpp"
#include "decider/testing/rapidcheck.hpp"
#include "student_course/course.hpp"
#include "student_course/student.hpp"
#include "support/student_course_generators.hpp"

using decider::testing::check_invariant;
using decider::testing::check_laws;
using namespace learning;
using namespace student_course_generators;

namespace {

// check_invariant draws up to 100 commands per history, mostly short ones; a sixth course or a capacity
// lowered under its count takes a few dozen commands to reach. So each invariant is checked twice: with the
// test kit's check_invariant, and here on histories of 60 to 200 commands, after every command.
template <class Invariant>
bool holds_on_long_histories(const std::string& name, Invariant invariant) {
  return rc::check(name + " (histories of 60 to 200 commands)", [=] {
    const auto length = *rc::gen::resize(100, rc::gen::inRange<std::size_t>(60, 201));
    const auto commands = *rc::gen::container<std::vector<command>>(length, registration_commands());
    const auto t = decider::testing::run_commands(registration{}, commands);
    std::vector<event> so_far;
    for (std::size_t i = 0; i < t.states.size(); ++i) {
      if (!invariant(t.states[i], so_far)) {
        RC_FAIL("broken after " + std::to_string(i) + " commands: " + decider::testing::describe(so_far));
      }
      if (i < commands.size() && t.decisions[i].has_value()) {
        so_far.insert(so_far.end(), t.decisions[i]->begin(), t.decisions[i]->end());
      }
    }
  });
}

}  // namespace

TEST_CASE("student_course: no course holds more subscriptions than its capacity",
          "[property][example][student_course]") {
  REQUIRE(check_invariant("seats respected", registration{}, registration_commands(), checks::seats_respected));
  REQUIRE(holds_on_long_histories("seats respected", checks::seats_respected));
}

TEST_CASE("student_course: no student takes more than five courses", "[property][example][student_course]") {
  REQUIRE(
      check_invariant("at most five courses", registration{}, registration_commands(), checks::at_most_five_courses));
  REQUIRE(holds_on_long_histories("at most five courses", checks::at_most_five_courses));
}

TEST_CASE("student_course: no student is subscribed twice to one course", "[property][example][student_course]") {
  REQUIRE(check_invariant("no double subscription", registration{}, registration_commands(),
                          checks::no_double_subscription));
  REQUIRE(holds_on_long_histories("no double subscription", checks::no_double_subscription));
}

TEST_CASE("student_course: cancelled courses and unsubscribed students take no subscriptions",
          "[property][example][student_course]") {
  REQUIRE(check_invariant("only active parties subscribe", registration{}, registration_commands(),
                          checks::only_active_parties_subscribe));
  REQUIRE(holds_on_long_histories("only active parties subscribe", checks::only_active_parties_subscribe));
  // The same, stated on the decisions: a subscribe accepted from a state where a side was not active fails.
  REQUIRE(rc::check("an accepted subscribe found both sides active", [] {
    const auto length = *rc::gen::resize(100, rc::gen::inRange<std::size_t>(60, 201));
    const auto commands = *rc::gen::container<std::vector<command>>(length, registration_commands());
    const auto t = decider::testing::run_commands(registration{}, commands);
    for (std::size_t i = 0; i < commands.size(); ++i) {
      const auto* sub = std::get_if<subscribe>(&commands[i]);
      if (sub == nullptr || !t.decisions[i].has_value()) {
        continue;
      }
      RC_ASSERT(t.decisions[i]->size() == 1U);
      const auto& before = t.states[i];
      RC_ASSERT(std::get<0>(before).count(sub->student_id) == 1U);
      RC_ASSERT(std::get<0>(before).at(sub->student_id).status == student_status::active);
      RC_ASSERT(std::get<1>(before).count(sub->course_id) == 1U);
      RC_ASSERT(std::get<1>(before).at(sub->course_id).status == course_status::active);
    }
  }));
}

TEST_CASE("student_course: the student and the course record the same subscriptions",
          "[property][example][student_course]") {
  REQUIRE(check_invariant("both sides agree", registration{}, registration_commands(), checks::both_sides_agree));
  REQUIRE(holds_on_long_histories(
      "both sides agree", [](const state& s, const std::vector<event>&) { return checks::both_sides_agree(s); }));
}

TEST_CASE("student_course: the registration decides as combine(students, courses) for every other command",
          "[property][example][student_course]") {
  REQUIRE(rc::check("registration delegates", [] {
    using both_command = decider::command_of<decltype(decider::combine(students(), courses()))>;
    const auto commands = *rc::gen::container<std::vector<both_command>>(
        rc::gen::oneOf(student_commands_as<both_command>(), course_commands_as<both_command>()));
    std::vector<command> as_registration;
    for (const auto& c : commands) {
      as_registration.push_back(std::visit([](const auto& alternative) { return command{alternative}; }, c));
    }
    const auto alone = decider::testing::run_commands(decider::combine(students(), courses()), commands);
    const auto through = decider::testing::run_commands(registration{}, as_registration);
    RC_ASSERT(alone.events == through.events);
    RC_ASSERT(alone.states == through.states);
  }));
}

TEST_CASE("student_course: random histories reach the refusals the invariants are about",
          "[property][example][student_course]") {
  // Without this, the invariants above could hold only because the states that threaten them were never reached.
  auto seen = std::make_shared<std::map<std::string, int>>();
  auto runs = std::make_shared<int>(0);
  REQUIRE(rc::check("reachability of the refusals", [seen, runs] {
    const auto length = *rc::gen::resize(100, rc::gen::inRange<std::size_t>(60, 201));
    const auto commands = *rc::gen::container<std::vector<command>>(length, registration_commands());
    const auto t = decider::testing::run_commands(registration{}, commands);
    std::set<std::string> kinds;
    for (std::size_t i = 0; i < commands.size(); ++i) {
      const auto* sub = std::get_if<subscribe>(&commands[i]);
      if (t.decisions[i].has_value()) {
        continue;
      }
      const auto& e = t.decisions[i].error();
      const auto& before = t.states[i];
      const auto note = [&](bool happened, const char* kind) {
        if (happened) {
          kinds.insert(kind);
        }
      };
      note(std::holds_alternative<course_full>(e), "course full");
      note(std::holds_alternative<too_many_courses>(e), "sixth course");
      note(std::holds_alternative<already_subscribed>(e), "double subscription");
      note(std::holds_alternative<capacity_below_subscriptions>(e), "capacity under the count");
      note(sub != nullptr && std::holds_alternative<course_not_active>(e) &&
               std::get<1>(before).count(sub->course_id) != 0 &&
               std::get<1>(before).at(sub->course_id).status == course_status::cancelled,
           "cancelled course");
      note(sub != nullptr && std::holds_alternative<student_not_active>(e) &&
               std::get<0>(before).count(sub->student_id) != 0 &&
               std::get<0>(before).at(sub->student_id).status == student_status::unsubscribed,
           "unsubscribed student");
    }
    for (const auto& kind : kinds) {
      ++(*seen)[kind];
    }
    ++*runs;
  }));
  for (const std::string kind : {"course full", "sixth course", "double subscription", "capacity under the count",
                                 "cancelled course", "unsubscribed student"}) {
    INFO(kind << " in " << (*seen)[kind] << " of " << *runs << " histories");
    CHECK((*seen)[kind] * 10 >= *runs);
  }
}

TEST_CASE("student_course: laws of the student and the course, alone and by id",
          "[property][laws][example][student_course]") {
  REQUIRE(check_laws("student", student{}, student_commands()));
  REQUIRE(check_laws("course", course{}, course_commands()));
  REQUIRE(check_laws("students()", students(), student_commands()));
  REQUIRE(check_laws("courses()", courses(), course_commands()));
}

TEST_CASE("student_course: laws of the registration and of combine over students and courses",
          "[property][laws][example][student_course]") {
  REQUIRE(check_laws("registration", registration{}, registration_commands()));
  const auto both = decider::combine(students(), courses());
  using both_command = decider::command_of<decltype(both)>;
  REQUIRE(check_laws("combine(students, courses)", both,
                     rc::gen::oneOf(student_commands_as<both_command>(), course_commands_as<both_command>())));
  REQUIRE(decider::testing::check_combine_laws("students/courses/registration", students(), student_commands(),
                                               courses(), course_commands(), registration{}, registration_commands()));
}
