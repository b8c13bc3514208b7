// Must not compile: a store that reads but cannot append, given to a command_handler. The test expects the
// library's sentence naming the missing member.
#include "compile_fail/store_support.hpp"
#include "decider/store/handle.hpp"

struct read_only {
  using event_type = compile_fail::event;
  [[nodiscard]] decider::read_result<event_type> read(const decider::query&, const decider::read_options&) const {
    return {};
  }
};

int main() {
  read_only store;
  decider::command_handler<read_only, compile_fail::notes> handler(store, compile_fail::notes{});
  auto done = handler.handle(compile_fail::note{});
  static_cast<void>(done);
  return 0;
}
