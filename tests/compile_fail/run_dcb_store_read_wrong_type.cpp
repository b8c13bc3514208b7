// Must not compile: a store whose read returns its events without the error branch. The test expects the
// library's sentence naming what read must return.
#include <vector>

#include "compile_fail/store_support.hpp"
#include "decider/store/run.hpp"

struct plain_read {
  using event_type = compile_fail::event;
  [[nodiscard]] std::vector<decider::stored_event<event_type>> read(const decider::query&,
                                                                    const decider::read_options&) const {
    return {};
  }
  [[nodiscard]] decider::append_result append(std::vector<decider::event_to_append<event_type>>,
                                              const std::optional<decider::append_condition>&) {
    return decider::append_result(0);
  }
};

int main() {
  plain_read store;
  auto done = decider::run_dcb(store, compile_fail::notes{}, decider::tagged({"notes"}), compile_fail::note{});
  static_cast<void>(done);
  return 0;
}
