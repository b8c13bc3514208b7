// A small bounded counter, written twice (as a type with members and from lambdas), used by the unit tests.
#pragma once

#include <variant>

#include "decider/concepts.hpp"
#include "decider/make.hpp"
#include "decider/visit.hpp"

namespace counter {

// [docs:types]
struct increment {
  int by = 1;
  friend bool operator==(const increment&, const increment&) = default;
};
struct finish {
  friend bool operator==(const finish&, const finish&) = default;
};
using command = std::variant<increment, finish>;

struct incremented {
  int by = 1;
  friend bool operator==(const incremented&, const incremented&) = default;
};
struct finished {
  friend bool operator==(const finished&, const finished&) = default;
};
using event = std::variant<incremented, finished>;
// [/docs:types]

struct state {
  int value = 0;
  bool open = true;
  friend bool operator==(const state&, const state&) = default;
};

enum class error { would_exceed_limit, already_closed, not_positive };

inline constexpr int limit = 100;

// [docs:decide]
inline decider::decision<event, error> decide(const command& c, const state& s) {
  if (!s.open) {
    return decider::refuse(error::already_closed);
  }
  return decider::match(
      c,
      [&](const increment& i) -> decider::decision<event, error> {
        if (i.by <= 0) {
          return decider::refuse(error::not_positive);
        }
        if (s.value + i.by > limit) {
          return decider::refuse(error::would_exceed_limit);
        }
        return std::vector<event>{incremented{i.by}};
      },
      [](const finish&) -> decider::decision<event, error> { return std::vector<event>{finished{}}; });
}

inline state evolve(state s, const event& e) {
  if (!s.open) {
    return s;  // terminal: absorbs
  }
  decider::match(
      e, [&](const incremented& i) { s.value += i.by; }, [&](const finished&) { s.open = false; });
  return s;
}
// [/docs:decide]

// As a plain type with members.
// [docs:members]
struct bounded_counter {
  using command_type = command;
  using event_type = event;
  using state_type = state;
  using error_type = error;

  [[nodiscard]] state initial_state() const { return {}; }
  [[nodiscard]] decider::decision<event, error> decide(const command& c, const state& s) const {
    return counter::decide(c, s);
  }
  [[nodiscard]] state evolve(state s, const event& e) const { return counter::evolve(std::move(s), e); }
  [[nodiscard]] bool is_terminal(const state& s) const { return !s.open; }
};
// [/docs:members]

// The same rules built from lambdas.
// [docs:lambdas]
inline auto make_lambda_counter() {
  return decider::make_decider<command, event, state, error>(
      state{}, [](const command& c, const state& s) { return counter::decide(c, s); },
      [](state s, const event& e) { return counter::evolve(std::move(s), e); }, [](const state& s) { return !s.open; });
}
// [/docs:lambdas]

}  // namespace counter
