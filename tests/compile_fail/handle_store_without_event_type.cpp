// Must not compile: decider::handle on a store that does not say what events it stores. The test expects the
// library's sentence naming the missing member type.
#include "compile_fail/store_support.hpp"
#include "decider/store/handle.hpp"

struct no_event_type {
  [[nodiscard]] decider::read_result<compile_fail::event> read(const decider::query&,
                                                               const decider::read_options&) const {
    return {};
  }
};

int main() {
  no_event_type store;
  auto done = decider::handle(store, compile_fail::notes{}, compile_fail::note{});
  static_cast<void>(done);
  return 0;
}
