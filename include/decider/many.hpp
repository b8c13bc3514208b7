// decider/many.hpp — many<Key>(d): one decider (or view) run as many independent instances by id.
// State is an ordered map from key to instance state; an instance that has never seen an event starts from
// the inner decider's initial state. Two ways to address an instance:
//   many<Key>(d)          commands and events travel wrapped: keyed<Key, T>{key, value}
//   many<Key>(d, key_of)  commands and events stay d's own types and carry their id: key_of(command), key_of(event)
#pragma once

#include <map>
#include <type_traits>
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

namespace detail {

// Addressing by keyed<Key, T> wrappers.
struct by_keyed {
  template <class Key, class T>
  using message = keyed<Key, T>;
  template <class Key, class T>
  static const Key& key(const keyed<Key, T>& m) noexcept {
    return m.key;
  }
  template <class Key, class T>
  static const T& value(const keyed<Key, T>& m) noexcept {
    return m.value;
  }
  template <class Key, class T>
  static keyed<Key, T> address(const Key& key, T value) {
    return {key, std::move(value)};
  }
};

// Addressing by a function that reads the id a command or event carries.
template <class KeyOf>
struct by_function {
  template <class Key, class T>
  using message = T;
  [[no_unique_address]] KeyOf key_of;
  template <class T>
  decltype(auto) key(const T& m) const {
    return key_of(m);
  }
  template <class T>
  static const T& value(const T& m) noexcept {
    return m;
  }
  template <class Key, class T>
  static T address(const Key&, T value) {
    return value;
  }
};

}  // namespace detail

template <class Key, class V, class Access = detail::by_keyed>
class many_view {
 public:
  using key_type = Key;
  using event_type = typename Access::template message<Key, event_of<V>>;
  using state_type = std::map<Key, state_of<V>>;

  constexpr explicit many_view(V inner, Access access = {}) : inner_(std::move(inner)), access_(std::move(access)) {}

  [[nodiscard]] constexpr const V& inner() const noexcept { return inner_; }
  [[nodiscard]] state_type initial_state() const { return {}; }

  [[nodiscard]] state_type evolve(state_type state, const event_type& event) const {
    const Key& key = access_.key(event);
    auto at = state.find(key);
    if (at == state.end()) {
      at = state.emplace(key, inner_.initial_state()).first;
    }
    at->second = inner_.evolve(std::move(at->second), access_.value(event));
    return state;
  }

  // The state of one instance: what it has evolved to, or the initial state if it has seen nothing.
  [[nodiscard]] state_of<V> instance(const state_type& state, const Key& key) const {
    const auto at = state.find(key);
    return at == state.end() ? inner_.initial_state() : at->second;
  }

 protected:
  V inner_;
  [[no_unique_address]] Access access_;
};

template <class Key, class D, class Access = detail::by_keyed>
class many_decider : public many_view<Key, D, Access> {
  using base = many_view<Key, D, Access>;

 public:
  using typename base::event_type;
  using typename base::state_type;
  using command_type = typename Access::template message<Key, command_of<D>>;
  using error_type = error_of<D>;

  using base::base;

  [[nodiscard]] decision<event_type, error_type> decide(const command_type& command, const state_type& state) const {
    using result = decision<event_type, error_type>;
    const Key& key = this->access_.key(command);
    const auto at = state.find(key);
    auto decided = at == state.end() ? this->inner_.decide(this->access_.value(command), this->inner_.initial_state())
                                     : this->inner_.decide(this->access_.value(command), at->second);
    if (!decided.has_value()) {
      return result(unexpected<error_type>(std::move(decided).error()));
    }
    std::vector<event_type> events;
    events.reserve(decided->size());
    for (auto& event : *decided) {
      events.push_back(this->access_.address(key, std::move(event)));
    }
    return result(std::move(events));
  }
};

template <class Key>
struct many_fn {
  // many<Key>(d): instances addressed by keyed<Key, T> commands and events.
  template <class V>
  [[nodiscard]] constexpr auto operator()(V inner) const {
    return make<detail::by_keyed>(std::move(inner), detail::by_keyed{});
  }

  // many<Key>(d, key_of): instances addressed by the id that d's own commands and events carry.
  template <class V, class KeyOf>
  [[nodiscard]] constexpr auto operator()(V inner, KeyOf key_of) const {
    if constexpr (!detail::check_view<V>()) {
      return;
    } else {
      static_assert(std::is_invocable_r_v<Key, const KeyOf&, const event_of<V>&>,
                    "decider::many<Key>(d, key_of): key_of must take d's event_type and return the Key.");
      if constexpr (decider<V>) {
        static_assert(std::is_invocable_r_v<Key, const KeyOf&, const command_of<V>&>,
                      "decider::many<Key>(d, key_of): key_of must take d's command_type and return the Key.");
      }
      return make<detail::by_function<KeyOf>>(std::move(inner), detail::by_function<KeyOf>{std::move(key_of)});
    }
  }

 private:
  template <class Access, class V>
  static constexpr auto make(V inner, Access access) {
    if constexpr (!detail::check_view<V>()) {
      return;
    } else if constexpr (decider<V>) {
      return many_decider<Key, V, Access>(std::move(inner), std::move(access));
    } else {
      return many_view<Key, V, Access>(std::move(inner), std::move(access));
    }
  }
};
// many<Key>(d) or many<Key>(d, key_of): instances of d addressed by a Key (which needs operator<).
template <class Key>
inline constexpr many_fn<Key> many{};

}  // namespace decider
