// A decider that cannot refuse (error_type is decider::never): its commands and events carry an id, and each N is
// its own set of types, so several tallies can be combined side by side.
#pragma once

#include <string>
#include <vector>

#include "decider/concepts.hpp"

namespace tally_support {

template <int N = 1>
struct tally {
  struct add {
    std::string id;
    int n = 0;
    friend bool operator==(const add&, const add&) = default;
  };
  struct added {
    std::string id;
    int n = 0;
    friend bool operator==(const added&, const added&) = default;
  };
  using command_type = add;
  using event_type = added;
  using state_type = int;
  using error_type = decider::never;
  [[nodiscard]] int initial_state() const { return 0; }
  [[nodiscard]] decider::decision<added, decider::never> decide(const add& c, const int&) const {
    return std::vector<added>{{c.id, c.n}};
  }
  [[nodiscard]] int evolve(int s, const added& e) const { return s + N * e.n; }
};

}  // namespace tally_support
