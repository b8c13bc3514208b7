// decider/visit.hpp — the overloaded-lambdas helper for std::variant, the shape of every evolve:
//   decider::match(event, [&](const opened& e) { ... }, [&](const closed&) { ... });
#pragma once

#include <utility>
#include <variant>

namespace decider {

template <class... Fs>
struct overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
overloaded(Fs...) -> overloaded<Fs...>;

struct match_fn {
  template <class Variant, class... Fs>
  constexpr decltype(auto) operator()(Variant&& variant, Fs&&... fs) const {
    return std::visit(overloaded<std::remove_cvref_t<Fs>...>{std::forward<Fs>(fs)...}, std::forward<Variant>(variant));
  }
};
// Visits a variant with a set of lambdas; a missing alternative is a compile error, not a silent default.
inline constexpr match_fn match{};

}  // namespace decider
