// Must not compile: a generator of something that is not the decider's command_type.
#include <string>

#include "decider/testing/rapidcheck.hpp"
#include "support/counter.hpp"

int main() {
  const bool ok = decider::testing::check_laws("wrong", counter::bounded_counter{}, rc::gen::arbitrary<std::string>());
  return ok ? 0 : 1;
}
