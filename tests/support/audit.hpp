// A second small decider for combinator tests. It shares the event type `counter::finished` with the counter,
// so a combined decider must deliver `finished` to both parts.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "decider/concepts.hpp"
#include "decider/visit.hpp"
#include "support/counter.hpp"

namespace audit {

struct note {
  std::string text;
  friend bool operator==(const note&, const note&) = default;
};
using command = note;

struct noted {
  std::string text;
  friend bool operator==(const noted&, const noted&) = default;
};
using event = std::variant<noted, counter::finished>;

struct state {
  std::vector<std::string> notes;
  bool sealed = false;
  friend bool operator==(const state&, const state&) = default;
};

struct empty_note {
  friend bool operator==(const empty_note&, const empty_note&) = default;
};
struct log_sealed {
  friend bool operator==(const log_sealed&, const log_sealed&) = default;
};
using error = std::variant<empty_note, log_sealed>;

struct log {
  using command_type = command;
  using event_type = event;
  using state_type = state;
  using error_type = error;

  [[nodiscard]] state initial_state() const { return {}; }
  [[nodiscard]] decider::decision<event, error> decide(const note& c, const state& s) const {
    if (s.sealed) {
      return decider::refuse(error{log_sealed{}});
    }
    if (c.text.empty()) {
      return decider::refuse(error{empty_note{}});
    }
    return std::vector<event>{noted{c.text}};
  }
  [[nodiscard]] state evolve(state s, const event& e) const {
    if (s.sealed) {
      return s;
    }
    decider::match(
        e, [&](const noted& n) { s.notes.push_back(n.text); }, [&](const counter::finished&) { s.sealed = true; });
    return s;
  }
  [[nodiscard]] bool is_terminal(const state& s) const { return s.sealed; }
};

}  // namespace audit
