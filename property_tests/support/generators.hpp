// Generators for the unit-test domains (tests/support), shared by the law and property suites.
#pragma once

#include <rapidcheck.h>

#include <string>

#include "support/audit.hpp"
#include "support/counter.hpp"

namespace generators {

// [docs:generators]
inline rc::Gen<counter::command> counter_commands() {
  return rc::gen::weightedOneOf<counter::command>({
      {10, rc::gen::map(rc::gen::inRange(-2, 40), [](int by) { return counter::command{counter::increment{by}}; })},
      {1, rc::gen::just(counter::command{counter::finish{}})},
  });
}
// [/docs:generators]

inline rc::Gen<counter::event> counter_events() {
  return rc::gen::weightedOneOf<counter::event>({
      {10, rc::gen::map(rc::gen::inRange(1, 40), [](int by) { return counter::event{counter::incremented{by}}; })},
      {1, rc::gen::just(counter::event{counter::finished{}})},
  });
}

inline rc::Gen<audit::command> audit_commands() {
  return rc::gen::map(rc::gen::element<std::string>("", "a", "b", "deploy", "rollback"),
                      [](std::string text) { return audit::command{std::move(text)}; });
}

}  // namespace generators
