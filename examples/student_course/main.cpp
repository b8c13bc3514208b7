// Students and courses, each its own decider, and a subscription rule that spans both
// (a student takes at most five courses, a course never exceeds its capacity, no double subscription),
// decided in one decision over both states. Prints the story, then checks the invariants on random histories.
#include <rapidcheck.h>

#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "common/report.hpp"
#include "common/store_choice.hpp"
#include "decider/fold.hpp"
#include "decider/testing/print.hpp"
#include "decider/testing/rapidcheck.hpp"
#include "student_course/course.hpp"
#include "student_course/on_store.hpp"
#include "student_course/student.hpp"

using namespace learning;
using decider::testing::describe;
using examples::show;

namespace {

// Runs the story one command at a time from the state so far, printing each outcome; remembers whether any
// outcome differed from the one the story expects.
struct story {
  registration school;
  state now = school.initial_state();
  bool as_expected = true;

  void run(const command& c, const std::optional<error>& refusal = std::nullopt) {
    auto decided = decider::step(school, now, c);
    std::cout << "  " << show(describe(c)) << "  ->  ";
    if (decided.has_value()) {
      now = decided->state;
      std::cout << (decided->events.empty() ? "accepted, nothing to record" : show(describe(decided->events)));
    } else {
      std::cout << "refused: " << show(describe(decided.error()));
    }
    const bool expected = refusal ? !decided.has_value() && decided.error() == *refusal : decided.has_value();
    if (!expected) {
      std::cout << "   <-- UNEXPECTED";
      as_expected = false;
    }
    std::cout << '\n';
  }
};

rc::Gen<command> random_commands() {
  const auto students = rc::gen::element<std::string>("ada", "bob", "cy");
  const auto courses = rc::gen::element<std::string>("c1", "c2", "c3", "c4", "c5", "c6");
  return rc::gen::weightedOneOf<command>({
      {3, rc::gen::map(students,
                       [](std::string s) {
                         return command{register_student{std::move(s), "Name"}};
                       })},
      {1, rc::gen::map(students, [](std::string s) { return command{unsubscribe_student{std::move(s)}}; })},
      {4, rc::gen::apply(
              [](std::string c, int n) {
                return command{define_course{std::move(c), "Course", n}};
              },
              courses, rc::gen::element(0, 1, 2, 3))},
      {2, rc::gen::apply(
              [](std::string c, int n) {
                return command{change_capacity{std::move(c), n}};
              },
              courses, rc::gen::element(1, 2, 3))},
      {1, rc::gen::map(courses, [](std::string c) { return command{cancel_course{std::move(c)}}; })},
      {10, rc::gen::apply(
               [](std::string s, std::string c) {
                 return command{subscribe{std::move(s), std::move(c)}};
               },
               students, courses)},
  });
}

template <class Invariant>
bool check(const std::string& sentence, Invariant invariant) {
  return examples::report_invariant(sentence, registration{}, random_commands(), std::move(invariant));
}

// [docs:on-store]
// On the event store, with the same registration decider: 5 students and 9 courses of 3 seats, then 4 threads make
// 100 random subscription attempts each (to 10 courses: one is not defined). Every attempt is one decision over
// the student's and the course's events. Then the log is replayed and every broken rule counted.
bool subscriptions_on_the_store() {
  return examples::on_chosen_store<event>("courses", false, [](auto& store) {
    if (!open_school(store, 5, 9, 3)) {
      std::cout << "  the students and courses could not be set up\n";
      return false;
    }
    const auto r = subscribe_concurrently(store, 4, 100, 10, 5);
    std::cout << "  " << r.accepted << " accepted; refused: " << r.course_full << " course full, " << r.too_many_courses
              << " too many courses, " << r.already_subscribed << " already subscribed, " << r.not_active
              << " no such course; " << r.lost << " lost to conflicts\n";
    const auto log = store.read(decider::query::all());
    const int broken = violations(*log);
    std::cout << "  replaying the log (" << log->size() << " events) through the registration decider: " << broken
              << " invariants broken\n";
    return r.lost == 0 && broken == 0 && r.accepted + r.refused == 400;
  });
}
// [/docs:on-store]

}  // namespace

int main() {
  std::cout << "students, courses, and a subscription rule that spans both\n";
  story s;
  s.run(define_course{"maths", "Maths", 2});
  s.run(define_course{"physics", "Physics", 1});
  s.run(register_student{"ada", "Ada"});
  s.run(register_student{"bob", "Bob"});
  s.run(subscribe{"ada", "physics"});
  s.run(subscribe{"bob", "physics"}, course_full{});
  s.run(subscribe{"ada", "physics"}, already_subscribed{});
  s.run(subscribe{"ada", "maths"});
  s.run(subscribe{"bob", "maths"});
  s.run(change_capacity{"maths", 1}, capacity_below_subscriptions{2});
  s.run(define_course{"art", "Art", 10});
  s.run(define_course{"biology", "Biology", 10});
  s.run(define_course{"chemistry", "Chemistry", 10});
  s.run(define_course{"dance", "Dance", 10});
  s.run(subscribe{"ada", "art"});
  s.run(subscribe{"ada", "biology"});
  s.run(subscribe{"ada", "chemistry"});
  s.run(subscribe{"ada", "dance"}, too_many_courses{});
  s.run(cancel_course{"dance"});
  s.run(subscribe{"bob", "dance"}, course_not_active{});
  s.run(unsubscribe_student{"bob"});
  s.run(subscribe{"bob", "art"}, student_not_active{});
  s.run(rename_student{"ada", "Ada"});
  std::cout << "ada takes " << show(describe(std::get<0>(s.now).at("ada").courses)) << "; maths seats "
            << std::get<1>(s.now).at("maths").subscriptions << "/" << std::get<1>(s.now).at("maths").capacity
            << ", physics " << std::get<1>(s.now).at("physics").subscriptions << "/"
            << std::get<1>(s.now).at("physics").capacity << "\n";
  std::cout << "the invariants, each over random histories of the combined decider:\n";

  bool ok = s.as_expected;
  ok = check("no course ever holds more subscriptions than its capacity", checks::seats_respected) && ok;
  ok = check("no student ever takes more than 5 courses", checks::at_most_five_courses) && ok;
  ok = check("no student is subscribed twice to one course", checks::no_double_subscription) && ok;
  ok = check("cancelled courses and unsubscribed students take no subscriptions",
             checks::only_active_parties_subscribe) &&
       ok;
  ok = check("a student lists a course exactly when the course lists the student", checks::both_sides_agree) && ok;

  std::cout << "\nOn the event store, subscriptions from 4 threads at once:\n";
  const bool on_store = subscriptions_on_the_store();
  std::cout << "invariant: no course over capacity, no student over 5 courses, no double subscription, none lost: "
            << (on_store ? "holds" : "BROKEN") << '\n';
  return ok && on_store ? EXIT_SUCCESS : EXIT_FAILURE;
}
