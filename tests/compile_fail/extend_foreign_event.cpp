// Must not compile: the extension decides an event type the extended decider does not know.
#include <vector>

#include "decider/extend.hpp"
#include "decider/make.hpp"

struct ping {};
struct pinged {};
struct stranger {};

int main() {
  const auto d = decider::make_decider<ping, pinged, int, decider::never>(
      0, [](const ping&, const int&) { return decider::decision<pinged, decider::never>(std::vector<pinged>{}); },
      [](int s, const pinged&) { return s + 1; });
  const auto e = decider::extend<int>(
      d, [](const int&, const int&) { return decider::decision<stranger, decider::never>(std::vector<stranger>{}); });
  static_cast<void>(e);
  return 0;
}
