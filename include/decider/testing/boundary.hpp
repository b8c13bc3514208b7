// decider/testing/boundary.hpp — check_boundary("name", d, command_gen): the boundary a decider derives for a
// command is sufficient. For random histories (reached by generated commands) and a random next command, the
// decision on the state folded from only the events the command's boundary selects equals the decision on the
// whole history. The append condition guards exactly that boundary, so a passing check and a conforming store
// mean the rule holds under any concurrency. A failure names the command, the boundary's query, and an event
// outside the boundary that changed the decision; rapidcheck shrinks the history first.
#pragma once

#include <rapidcheck.h>

#include <algorithm>
#include <cstddef>
#include <sstream>
#include <string>
#include <vector>

#include "decider/concepts.hpp"
#include "decider/store/boundary.hpp"
#include "decider/store/event.hpp"
#include "decider/store/handle.hpp"
#include "decider/testing/laws.hpp"
#include "decider/testing/print.hpp"
#include "decider/testing/rapidcheck.hpp"

namespace decider::testing {

namespace detail {

template <class D>
auto decide_on_boundary(const D& d, const command_of<D>& command, const std::vector<stored_event<event_of<D>>>& history,
                        std::vector<std::size_t>& outside) {
  decider::detail::boundary_buffers<D> buffers;
  const decider::detail::boundary_model<D, false> model(d, command, nullptr, buffers);
  auto state = model.initial_state();
  for (std::size_t i = 0; i < history.size(); ++i) {
    const auto& e = history[i];
    if (model.selects().matches(e.type, e.tags)) {
      state = model.evolve(std::move(state), e);
    } else {
      outside.push_back(i);
    }
  }
  return d.decide(command, state.partial);
}

template <class D>
std::string boundary_counterexample(const D& d, const command_of<D>& command,
                                    const std::vector<stored_event<event_of<D>>>& history,
                                    const std::vector<std::size_t>& outside,
                                    const decision<event_of<D>, error_of<D>>& on_boundary,
                                    const decision<event_of<D>, error_of<D>>& on_history) {
  std::ostringstream os;
  os << "the boundary of a command misses an event its decision depends on\n  command:  " << describe(command)
     << "\n  boundary: " << describe(boundary_of(d, command))
     << "\n  decided on the whole history: " << describe(on_history)
     << "\n  decided on the boundary's events: " << describe(on_boundary);
  // The first event outside the boundary that, added to the boundary's events, changes the decision.
  for (const std::size_t candidate : outside) {
    auto state = d.initial_state();
    for (std::size_t i = 0; i < history.size(); ++i) {
      const bool inside = std::find(outside.begin(), outside.end(), i) == outside.end();
      if (inside || i == candidate) {
        state = d.evolve(std::move(state), history[i].event);
      }
    }
    if (!(d.decide(command, state) == on_boundary)) {
      os << "\n  an event outside the boundary that changes the decision: " << describe(history[candidate].event)
         << " (type " << history[candidate].type << ", tags " << describe(history[candidate].tags) << ", event "
         << candidate + 1 << " of " << history.size() << ")";
      return os.str();
    }
  }
  os << "\n  no single event outside the boundary changes the decision; together they do: ";
  for (const std::size_t i : outside) {
    os << describe(history[i].event) << ' ';
  }
  return os.str();
}

}  // namespace detail

struct boundary_check_options {
  history_length length{};
};

// check_boundary(name, d, commands [, {.length = {min, max}}]): for every generated history and next command, the
// decision on the boundary's events equals the decision on the whole history.
template <class D, class G>
bool check_boundary(const std::string& name, const D& d, rc::Gen<G> generator, boundary_check_options options = {}) {
  if constexpr (!detail::check_command_generator<D, G>()) {
    return false;
  } else {
    static_assert(has_boundary<D>,
                  "decider::testing::check_boundary: this decider has no boundary: build it from many<Key>(d, key_of, "
                  "tags_of), combine and extend, or give it a member `decider::query boundary(const command_type&) "
                  "const`.");
    const auto commands = rc::gen::cast<command_of<D>>(std::move(generator));
    const auto sequences = gen::histories(commands, options.length);
    return rc::check(name + ": the boundary of each command is sufficient", [=] {
      const auto t = run_commands(d, *sequences);
      const auto next = *commands;
      std::vector<stored_event<event_of<D>>> history;
      history.reserve(t.events.size());
      for (const auto& e : t.events) {
        history.push_back({history.size() + 1, std::string(type_name_of(e)), tags_of(e), e, {}});
      }
      std::vector<std::size_t> outside;
      const auto on_boundary = detail::decide_on_boundary(d, next, history, outside);
      const auto on_history = d.decide(next, t.state);
      RC_CLASSIFY(outside.empty(), "no event outside the boundary");
      RC_CLASSIFY(on_history.has_value(), "the next command accepted");
      if (!(on_boundary == on_history)) {
        RC_LOG() << detail::boundary_counterexample(d, next, history, outside, on_boundary, on_history) << '\n';
        RC_FAIL("the decision on the boundary's events differs from the decision on the whole history");
      }
    });
  }
}

}  // namespace decider::testing
