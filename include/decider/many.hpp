// decider/many.hpp — many<Key>(d): one decider (or view) run as many independent instances by id.
// Commands and events carry their instance's key; state is an ordered map from key to instance state.
// An instance that has never seen an event starts from the inner decider's initial state.
#pragma once

#include <map>
#include <utility>
#include <vector>

#include "decider/concepts.hpp"

namespace decider {

template <class Key, class T>
struct keyed {
  Key key;
  T value;
  friend bool operator==(const keyed&, const keyed&) = default;
};

template <class Key, class V>
class many_view {
 public:
  using key_type = Key;
  using event_type = keyed<Key, event_of<V>>;
  using state_type = std::map<Key, state_of<V>>;

  constexpr explicit many_view(V inner) : inner_(std::move(inner)) {}

  [[nodiscard]] constexpr const V& inner() const noexcept { return inner_; }
  [[nodiscard]] state_type initial_state() const { return {}; }

  [[nodiscard]] state_type evolve(state_type state, const event_type& event) const {
    auto at = state.find(event.key);
    if (at == state.end()) {
      at = state.emplace(event.key, inner_.initial_state()).first;
    }
    at->second = inner_.evolve(std::move(at->second), event.value);
    return state;
  }

  // The state of one instance: what it has evolved to, or the initial state if it has seen nothing.
  [[nodiscard]] state_of<V> instance(const state_type& state, const Key& key) const {
    const auto at = state.find(key);
    return at == state.end() ? inner_.initial_state() : at->second;
  }

 protected:
  V inner_;
};

template <class Key, class D>
class many_decider : public many_view<Key, D> {
  using base = many_view<Key, D>;

 public:
  using typename base::event_type;
  using typename base::state_type;
  using command_type = keyed<Key, command_of<D>>;
  using error_type = error_of<D>;

  using base::base;

  [[nodiscard]] decision<event_type, error_type> decide(const command_type& command, const state_type& state) const {
    using result = decision<event_type, error_type>;
    const auto at = state.find(command.key);
    auto decided = at == state.end() ? this->inner_.decide(command.value, this->inner_.initial_state())
                                     : this->inner_.decide(command.value, at->second);
    if (!decided.has_value()) {
      return result(unexpected<error_type>(std::move(decided).error()));
    }
    std::vector<event_type> events;
    events.reserve(decided->size());
    for (auto& event : *decided) {
      events.push_back(event_type{command.key, std::move(event)});
    }
    return result(std::move(events));
  }
};

template <class Key>
struct many_fn {
  template <class V>
  [[nodiscard]] constexpr auto operator()(V inner) const {
    if constexpr (!detail::check_view<V>()) {
      return;
    } else if constexpr (decider<V>) {
      return many_decider<Key, V>(std::move(inner));
    } else {
      return many_view<Key, V>(std::move(inner));
    }
  }
};
// many<Key>(d): instances of d addressed by a Key (which needs operator<).
template <class Key>
inline constexpr many_fn<Key> many{};

}  // namespace decider
