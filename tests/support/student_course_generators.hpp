// Random commands of the students and courses domain, shared by its property tests: few ids, so that commands
// collide (full courses, sixth courses, double subscriptions, cancelled courses).
#pragma once

#include <rapidcheck.h>

#include <cstddef>
#include <string>
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
inline rc::Gen<int> capacities() {
  return rc::gen::weightedOneOf<int>({{8, rc::gen::element(1, 2, 3)}, {1, rc::gen::element(-1, 0)}});
}

template <class Command, class T>
rc::Gen<Command> as(rc::Gen<T> g) {
  return rc::gen::map(std::move(g), [](T value) { return Command{std::move(value)}; });
}

// Weights chosen so that random runs reach the interesting refusals often: full courses, sixth courses,
// double subscriptions, capacities lowered under the count, cancelled courses and unsubscribed students.
template <class Command>
std::vector<std::pair<std::size_t, rc::Gen<Command>>> student_commands_weighted() {
  return {
      {8, as<Command>(rc::gen::apply(
              [](std::string id, std::string name) {
                return register_student{id, name};
              },
              student_ids(), names()))},
      {2, as<Command>(rc::gen::apply(
              [](std::string id, std::string name) {
                return rename_student{id, name};
              },
              student_ids(), names()))},
      {1, as<Command>(rc::gen::map(student_ids(), [](std::string id) { return unsubscribe_student{id}; }))},
  };
}

template <class Command>
std::vector<std::pair<std::size_t, rc::Gen<Command>>> course_commands_weighted() {
  return {
      {12, as<Command>(rc::gen::apply(
               [](std::string id, std::string name, int capacity) {
                 return define_course{id, name, capacity};
               },
               course_ids(), names(), capacities()))},
      {4, as<Command>(rc::gen::apply(
              [](std::string id, int capacity) {
                return change_capacity{id, capacity};
              },
              course_ids(), rc::gen::element(0, 1, 2, 3, 4)))},
      {1, as<Command>(rc::gen::map(course_ids(), [](std::string id) { return cancel_course{id}; }))},
  };
}

// weightedOneOf over a vector: each choice's index appears `weight` times (elementOf does not scale with size,
// so short sequences draw from every choice too).
template <class Command>
rc::Gen<Command> one_of(std::vector<std::pair<std::size_t, rc::Gen<Command>>> choices) {
  std::vector<std::size_t> picks;
  for (std::size_t i = 0; i < choices.size(); ++i) {
    picks.insert(picks.end(), choices[i].first, i);
  }
  return rc::gen::mapcat(rc::gen::elementOf(picks), [choices](std::size_t pick) { return choices[pick].second; });
}

template <class Command>
rc::Gen<Command> student_commands_as() {
  return one_of(student_commands_weighted<Command>());
}
template <class Command>
rc::Gen<Command> course_commands_as() {
  return one_of(course_commands_weighted<Command>());
}

inline rc::Gen<command> registration_commands() {
  auto choices = student_commands_weighted<command>();
  for (auto& choice : course_commands_weighted<command>()) {
    choices.push_back(std::move(choice));
  }
  choices.emplace_back(30, as<command>(rc::gen::apply(
                               [](std::string s, std::string c) {
                                 return subscribe{s, c};
                               },
                               student_ids(), course_ids())));
  return one_of(std::move(choices));
}

// Commands of one side alone, for the laws of student, course, students() and courses().
inline rc::Gen<student_command> student_commands() { return student_commands_as<student_command>(); }
inline rc::Gen<course_command> course_commands() { return course_commands_as<course_command>(); }

}  // namespace student_course_generators
