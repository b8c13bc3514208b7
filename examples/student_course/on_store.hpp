// Students and courses on an event store: the registration decider that the property tests check runs unchanged
// on the store with decider::command_handler. Each subscription reads its boundary (the student's events and the
// course's, which the decider derives from the command) and appends under it; concurrent subscriptions that
// touch the same student or course conflict and are decided again. No rule is written here.
#pragma once

#include <atomic>
#include <cstddef>
#include <random>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "decider/fold.hpp"
#include "decider/store/handle.hpp"
#include "student_course/course.hpp"

namespace learning {

struct subscription_tally {
  int accepted = 0;
  int refused = 0;  // for a domain reason: decided; the sum of the four below
  int course_full = 0;
  int too_many_courses = 0;
  int already_subscribed = 0;
  int not_active = 0;  // the course is not defined (or cancelled), or the student not registered
  int lost = 0;        // to the retry bound, or to the store
};

// [docs:on-store-run]
// Registers students "s0".."s<students - 1>" and defines courses "c0".."c<courses - 1>" with `seats` seats each,
// each with the registration decider on the store; false if any was refused.
template <class Store>
bool open_school(Store& store, int students, int courses, int seats) {
  const registration school;
  bool ok = true;
  for (int s = 0; s < students; ++s) {
    const auto id = "s" + std::to_string(s);
    ok = decider::handle(store, school, command{register_student{id, "Student " + id}}).has_value() && ok;
  }
  for (int c = 0; c < courses; ++c) {
    const auto id = "c" + std::to_string(c);
    ok = decider::handle(store, school, command{define_course{id, "Course " + id, seats}}).has_value() && ok;
  }
  return ok;
}

// `threads` clients make `attempts` random subscriptions each, of students "s0".."s<students - 1>" to courses
// "c0".."c<courses - 1>" (a course that was not defined refuses), through one handler shared by all threads.
template <class Store>
subscription_tally subscribe_concurrently(Store& store, int threads, int attempts, int courses, int students) {
  decider::command_handler handler(store, registration{});
  std::atomic<int> accepted{0};
  std::atomic<int> full{0};
  std::atomic<int> too_many{0};
  std::atomic<int> twice{0};
  std::atomic<int> inactive{0};
  std::atomic<int> lost{0};
  std::vector<std::thread> clients;
  clients.reserve(static_cast<std::size_t>(threads));
  for (int t = 0; t < threads; ++t) {
    clients.emplace_back([&, t] {
      std::mt19937 random(static_cast<unsigned>(t));
      for (int i = 0; i < attempts; ++i) {
        const auto student = "s" + std::to_string(random() % static_cast<unsigned>(students));
        const auto course = "c" + std::to_string(random() % static_cast<unsigned>(courses));
        const auto r = handler.handle(subscribe{student, course}, {.max_attempts = 64});
        if (r) {
          ++accepted;
        } else if (std::holds_alternative<course_full>(r.error())) {
          ++full;
        } else if (std::holds_alternative<too_many_courses>(r.error())) {
          ++too_many;
        } else if (std::holds_alternative<already_subscribed>(r.error())) {
          ++twice;
        } else if (std::holds_alternative<course_not_active>(r.error()) ||
                   std::holds_alternative<student_not_active>(r.error())) {
          ++inactive;
        } else {
          ++lost;  // retries exhausted, or a store error
        }
      }
    });
  }
  for (auto& c : clients) {
    c.join();
  }
  const int refused = full.load() + too_many.load() + twice.load() + inactive.load();
  return {accepted.load(), refused, full.load(), too_many.load(), twice.load(), inactive.load(), lost.load()};
}
// [/docs:on-store-run]

// Replays a store's log through the registration decider and checks the same invariants the property tests
// check (learning::checks); returns how many are broken.
template <class Log>
int violations(const Log& log) {
  std::vector<event> events;
  events.reserve(log.size());
  for (const auto& stored : log) {
    events.push_back(stored.event);
  }
  const auto replayed = decider::fold(registration{}, events);
  int broken = 0;
  broken += checks::seats_respected(replayed, events) ? 0 : 1;
  broken += checks::at_most_five_courses(replayed, events) ? 0 : 1;
  broken += checks::no_double_subscription(replayed, events) ? 0 : 1;
  broken += checks::only_active_parties_subscribe(replayed, events) ? 0 : 1;
  broken += checks::both_sides_agree(replayed) ? 0 : 1;
  return broken;
}

}  // namespace learning
