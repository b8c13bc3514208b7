// One decider, run unchanged in memory (step), event-sourced on streams, state-stored, and with a DCB decision
// model: for every random command sequence they decide the same and reach the same state.
#include <rapidcheck.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "decider/fold.hpp"
#include "decider/store/memory.hpp"
#include "decider/store/run.hpp"
#include "decider/testing/print.hpp"
#include "support/bank.hpp"

namespace {

rc::Gen<bank::command> account_commands(const std::string& id) {
  const auto amounts = rc::gen::inRange<std::int64_t>(-5, 200);
  return rc::gen::weightedOneOf<bank::command>({
      {1, rc::gen::just(bank::command{bank::open{id}})},
      {4, rc::gen::map(amounts,
                       [id](std::int64_t c) {
                         return bank::command{bank::deposit{id, c}};
                       })},
      {4, rc::gen::map(amounts,
                       [id](std::int64_t c) {
                         return bank::command{bank::withdraw{id, c}};
                       })},
  });
}

}  // namespace

TEST_CASE("runners agree: in memory, event-sourced, state-stored and DCB decide the same", "[store][runners]") {
  REQUIRE(rc::check("runners agree", [] {
    const std::string id = "account:a1";
    const auto commands = *rc::gen::container<std::vector<bank::command>>(account_commands("a1"));
    const bank::account d;

    decider::memory_store<bank::event> event_store;
    decider::stream_adapter streams(event_store);
    decider::memory_state_store<bank::state> states;
    decider::memory_store<bank::event> dcb_store;

    bank::state in_memory = d.initial_state();
    for (const auto& c : commands) {
      const auto pure = decider::step(d, in_memory, c);
      const auto sourced = decider::run_event_sourced(streams, d, id, c);
      const auto stored = decider::run_state_stored(states, d, id, c);
      const auto dcb = decider::run_dcb(dcb_store, d, decider::tagged({id}), c);
      RC_LOG() << "command " << decider::testing::describe(c) << '\n';
      RC_ASSERT(pure.has_value() == sourced.has_value());
      RC_ASSERT(pure.has_value() == stored.has_value());
      RC_ASSERT(pure.has_value() == dcb.has_value());
      if (pure.has_value()) {
        RC_ASSERT(sourced->events == pure->events);
        RC_ASSERT(stored->events == pure->events);
        RC_ASSERT(dcb->events == pure->events);
        RC_ASSERT(sourced->state == pure->state);
        RC_ASSERT(stored->state == pure->state);
        RC_ASSERT(dcb->state == pure->state);
        in_memory = pure->state;
      } else {
        const decider::execute_error<bank::error> refusal{pure.error()};
        RC_ASSERT(sourced.error() == refusal);
        RC_ASSERT(stored.error() == refusal);
        RC_ASSERT(dcb.error() == refusal);
      }
    }
    // The stores hold what the pure fold says.
    const auto replayed = decider::fold(d, [&] {
      std::vector<bank::event> events;
      const auto all = event_store.read(decider::query::all());
      for (const auto& e : *all) {
        events.push_back(e.event);
      }
      return events;
    }());
    RC_ASSERT(replayed == in_memory);
    RC_ASSERT(states.load(id)->value_or(decider::versioned_state<bank::state>{}).state == in_memory);
  }));
}
