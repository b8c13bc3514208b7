// One decider on a store decides as it does in memory: for random command sequences of the students and courses
// domain, decider::handle (boundary derived from the registration decider, no cache) and two command_handlers on
// one store, each command sent to one of them at random (states cached across commands; one with room for two
// instances per kind so that entries are evicted, the other keeping every instance, so that its states fall behind
// what the first one stores and its decisions on them are checked by the append condition), make the same decisions
// as step() on the whole state, and the stores end up holding the events the pure fold holds.
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
  decider::command_handler evicting(*cached, school, {.max_instances = 2});
  decider::command_handler keeping(*cached, school, {.max_instances = 1'000});
  state now = school.initial_state();
  for (const auto& c : commands) {
    const bool first = *rc::gen::arbitrary<bool>();
    RC_LOG() << "command " << decider::testing::describe(c) << (first ? " (evicting cache)" : " (keeping cache)")
             << '\n';
    const auto pure = decider::step(school, now, c);
    const auto on_store = decider::handle(*plain, school, c);
    const auto from_cache = first ? evicting.handle(c) : keeping.handle(c);
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
