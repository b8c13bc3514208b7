// Printing shared by the example programs: values without namespace qualifiers, for a readable story, and an
// invariant checked with rapidcheck and reported on one line.
#pragma once

#include <cctype>
#include <iostream>
#include <string>

#include "decider/concepts.hpp"
#include "decider/testing/rapidcheck.hpp"

namespace examples {

// Drops every `name::` qualifier outside quotes from a described value: "learning::subscribe{...}" becomes
// "subscribe{...}".
inline std::string show(const std::string& described) {
  std::string out;
  std::size_t start = 0;
  bool quoted = false;
  for (std::size_t i = 0; i + 1 < described.size(); ++i) {
    quoted = quoted != (described[i] == '"');
    const bool word = std::isalnum(static_cast<unsigned char>(described[i])) != 0 || described[i] == '_';
    if (quoted || !word) {
      start = i + 1;
    } else if (described[i + 1] == ':' && i + 2 < described.size() && described[i + 2] == ':') {
      out.erase(out.size() - (i - start));
      i += 2;
      start = i + 1;
      continue;
    }
    out += described[i];
  }
  if (!described.empty()) {
    out += described.back();
  }
  return out;
}

// Checks `invariant` in every state reached by random sequences of `commands` and prints
// "invariant: <sentence>: holds" when it held; rapidcheck prints its own report (on stderr) either way.
template <class D, class Invariant>
bool report_invariant(const std::string& sentence, const D& d, rc::Gen<decider::command_of<D>> commands,
                      Invariant invariant) {
  std::cout << std::flush;
  const bool holds = decider::testing::check_invariant(sentence, d, std::move(commands), std::move(invariant));
  if (holds) {
    std::cout << "invariant: " << sentence << ": holds\n";
  }
  return holds;
}

}  // namespace examples
