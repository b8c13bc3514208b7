// Random commands of the students and courses domain, shared by its property tests: few ids, so that commands
// collide (full courses, sixth courses, double subscriptions, cancelled courses).
// Every command is made from one random draw (a kind and the values any kind needs) by one function: rapidcheck's
// generators and shrinking are compiled once per command variant, not once per command type and mapping, which is
// most of what these tests cost to compile. A draw shrinks as a tuple does: towards an earlier kind, earlier ids,
// the first name and capacity.
#pragma once

#include <rapidcheck.h>

#include <cstddef>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "student_course/course.hpp"
#include "student_course/student.hpp"

namespace student_course_generators {

using namespace learning;

// Few ids, so that commands collide; s1 is the busy one, so that a student often reaches a sixth course.
inline rc::Gen<std::string> student_ids() {
  return rc::gen::weightedElement<std::string>({{4, "s1"}, {2, "s2"}, {1, "s3"}});
}
inline rc::Gen<std::string> course_ids() { return rc::gen::element<std::string>("c1", "c2", "c3", "c4", "c5", "c6"); }
inline rc::Gen<std::string> names() {
  return rc::gen::weightedElement<std::string>({{8, "Ada"}, {8, "Grace"}, {1, ""}, {1, " "}});
}
// Mostly valid capacities, sometimes not.
inline rc::Gen<int> capacities() { return rc::gen::weightedElement<int>({{16, 1}, {16, 2}, {16, 3}, {3, -1}, {3, 0}}); }

// The kinds of command, and how often each is drawn: weights chosen so that random runs reach the interesting
// refusals often (full courses, sixth courses, double subscriptions, capacities lowered under the count, cancelled
// courses and unsubscribed students).
enum class kind : std::size_t { register_student, rename, unsubscribe, define, change_capacity, cancel, subscribe };
struct weighted_kind {
  kind k;
  std::size_t weight;
};
inline const std::vector<weighted_kind>& student_kinds() {
  static const std::vector<weighted_kind> kinds{{kind::register_student, 8}, {kind::rename, 2}, {kind::unsubscribe, 1}};
  return kinds;
}
inline const std::vector<weighted_kind>& course_kinds() {
  static const std::vector<weighted_kind> kinds{{kind::define, 12}, {kind::change_capacity, 4}, {kind::cancel, 1}};
  return kinds;
}

// One draw: the kind, a student, a course, a name, a capacity to define and one to change to.
using draw = std::tuple<std::size_t, std::string, std::string, std::string, int, int>;

// Each kind's index appears `weight` times (elementOf does not scale with size, so short sequences draw from every
// kind too).
inline rc::Gen<draw> draws(const std::vector<std::vector<weighted_kind>>& groups) {
  std::vector<std::size_t> picks;
  for (const auto& group : groups) {
    for (const auto& [k, weight] : group) {
      picks.insert(picks.end(), weight, static_cast<std::size_t>(k));
    }
  }
  return rc::gen::tuple(rc::gen::elementOf(std::move(picks)), student_ids(), course_ids(), names(), capacities(),
                        rc::gen::element(0, 1, 2, 3, 4));
}

// The command a draw names, as a value of Command (which holds every kind the draw may name).
template <class Command>
Command command_of(const draw& d) {
  const auto& [pick, student, course_id, name, capacity, new_capacity] = d;
  const auto as = [](auto c) -> Command {
    if constexpr (std::is_constructible_v<Command, decltype(c)>) {
      return Command{std::move(c)};
    } else {
      return Command{};  // never drawn: the draw's kinds are Command's
    }
  };
  switch (static_cast<kind>(pick)) {
    case kind::register_student:
      return as(register_student{student, name});
    case kind::rename:
      return as(rename_student{student, name});
    case kind::unsubscribe:
      return as(unsubscribe_student{student});
    case kind::define:
      return as(define_course{course_id, name, capacity});
    case kind::change_capacity:
      return as(change_capacity{course_id, new_capacity});
    case kind::cancel:
      return as(cancel_course{course_id});
    case kind::subscribe:
      return as(subscribe{student, course_id});
  }
  return Command{};
}

template <class Command>
rc::Gen<Command> commands_of(const std::vector<std::vector<weighted_kind>>& groups) {
  return rc::gen::map(draws(groups), [](const draw& d) { return command_of<Command>(d); });
}

template <class Command>
rc::Gen<Command> student_commands_as() {
  return commands_of<Command>({student_kinds()});
}
template <class Command>
rc::Gen<Command> course_commands_as() {
  return commands_of<Command>({course_kinds()});
}

inline rc::Gen<command> registration_commands() {
  return commands_of<command>({student_kinds(), course_kinds(), {{kind::subscribe, 30}}});
}

// Commands of one side alone, for the laws of student, course, students() and courses().
inline rc::Gen<student_command> student_commands() { return student_commands_as<student_command>(); }
inline rc::Gen<course_command> course_commands() { return course_commands_as<course_command>(); }

}  // namespace student_course_generators
