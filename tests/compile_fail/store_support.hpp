// What the store compile-fail cases share: a decider with a boundary, to run on a store that is not one.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "decider/make.hpp"
#include "decider/store/event.hpp"
#include "decider/store/query.hpp"

namespace compile_fail {

struct noted {
  static constexpr std::string_view type_name = "noted";
  [[nodiscard]] std::vector<decider::tag> tags() const { return {"notes"}; }
};
using event = std::variant<noted>;
struct note {};

struct notes {
  using command_type = note;
  using event_type = event;
  using state_type = int;
  using error_type = decider::never;
  [[nodiscard]] int initial_state() const { return 0; }
  [[nodiscard]] int evolve(int n, const event&) const { return n + 1; }
  [[nodiscard]] decider::decision<event, decider::never> decide(const note&, int) const {
    return std::vector<event>{noted{}};
  }
  [[nodiscard]] decider::query boundary(const note&) const { return decider::tagged({"notes"}); }
};

}  // namespace compile_fail
