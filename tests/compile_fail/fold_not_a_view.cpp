// Must not compile: a type without evolve passed to decider::fold. The test expects the library's sentence.
#include <vector>

#include "decider/fold.hpp"

struct no_evolve {
  using event_type = int;
  using state_type = int;
  [[nodiscard]] int initial_state() const { return 0; }
};

int main() {
  const std::vector<int> events{1, 2, 3};
  return decider::fold(no_evolve{}, events);
}
