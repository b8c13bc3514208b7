// Must not compile: decide returns the wrong type, so the type is not a decider; combine names the problem.
#include <vector>

#include "decider/combine.hpp"
#include "decider/fold.hpp"

struct wrong_decide {
  using command_type = int;
  using event_type = int;
  using state_type = int;
  using error_type = int;
  [[nodiscard]] int initial_state() const { return 0; }
  [[nodiscard]] bool decide(const int&, const int&) const { return true; }
  [[nodiscard]] int evolve(int s, const int& e) const { return s + e; }
};

int main() {
  const auto both = decider::combine(wrong_decide{}, wrong_decide{});
  auto r = decider::step(both, both.initial_state(), 1);
  static_cast<void>(r);
  return 0;
}
