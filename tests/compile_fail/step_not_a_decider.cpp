// Must not compile: a view (no command_type, no decide) passed where a decider is required.
#include "decider/fold.hpp"

struct only_a_view {
  using event_type = int;
  using state_type = int;
  [[nodiscard]] int initial_state() const { return 0; }
  [[nodiscard]] int evolve(int s, const int& e) const { return s + e; }
};

int main() {
  auto result = decider::step(only_a_view{}, 0, 1);
  static_cast<void>(result);
  return 0;
}
