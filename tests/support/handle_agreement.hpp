// One decider on a store decides as it does in memory: for random command sequences of the students and courses
// domain, decider::handle (boundary derived from the registration decider, no cache) and a command_handler (states
// cached across commands, with room for two instances per kind so that entries are evicted) make the same
// decisions as step() on the whole state, and the stores end up holding the events the pure fold holds.
// Shared by the property tests (memory store) and the SQLite and PostgreSQL suites.
#pragma once

#include <rapidcheck.h>

#include <vector>

#include "decider/fold.hpp"
#include "decider/store/handle.hpp"
#include "decider/testing/print.hpp"
#include "student_course/course.hpp"
#include "support/student_course_generators.hpp"

namespace handle_agreement {

// make_store() gives a fresh, empty store of learning::event (a pointer-like owner); `size` bounds the sequences.
template <class MakeStore>
void decides_as_step(MakeStore make_store, int size = 100) {
  using namespace learning;
  const auto commands = *rc::gen::resize(
      size, rc::gen::container<std::vector<command>>(student_course_generators::registration_commands()));
  const registration school;
  auto plain = make_store();
  auto cached = make_store();
  decider::command_handler handler(*cached, school, {.max_instances = 2});
  state now = school.initial_state();
  for (const auto& c : commands) {
    RC_LOG() << "command " << decider::testing::describe(c) << '\n';
    const auto pure = decider::step(school, now, c);
    const auto on_store = decider::handle(*plain, school, c);
    const auto from_cache = handler.handle(c);
    RC_ASSERT(pure.has_value() == on_store.has_value());
    RC_ASSERT(pure.has_value() == from_cache.has_value());
    if (pure.has_value()) {
      RC_ASSERT(on_store->events == pure->events);
      RC_ASSERT(from_cache->events == pure->events);
      now = pure->state;
    } else {
      const auto refusal = decider::widen<decider::execute_error<error>>(pure.error());
      RC_ASSERT(on_store.error() == refusal);
      RC_ASSERT(from_cache.error() == refusal);
    }
  }
  for (auto* store : {&*plain, &*cached}) {
    const auto log = store->read(decider::query::all());
    RC_ASSERT(log.has_value());
    std::vector<event> events;
    for (const auto& e : *log) {
      events.push_back(e.event);
    }
    RC_ASSERT(decider::fold(school, events) == now);
  }
}

}  // namespace handle_agreement
