// decider/many.hpp — many<Key>(d): one decider (or view) run as many independent instances by id.
// State is an ordered map from key to instance state; an instance that has never seen an event starts from
// the inner decider's initial state. Two ways to address an instance:
//   many<Key>(d)          commands and events travel wrapped: keyed<Key, T>{key, value}
//   many<Key>(d, key_of)  commands and events stay d's own types and carry their id: key_of(command), key_of(event)
//                         (key_of takes the variant, or each alternative: then the variant is visited)
//   many<Key>(d, key_of, tags_of)
//                         the same, and tags_of(key) names the tags that select an instance's events in an event
//                         store (decider::tag_as("course") gives "course:<key>"): what runs the decider on a store
//                         (decider::handle) reads for a command.
#pragma once

#include <map>
#include <type_traits>
#include <utility>
#include <variant>
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

template <class T>
inline constexpr bool is_keyed_v = false;
template <class Key, class T>
inline constexpr bool is_keyed_v<keyed<Key, T>> = true;

// Addressing by keyed<Key, T> wrappers.
struct by_keyed {
  template <class Key, class T>
  using message = keyed<Key, T>;
  static constexpr bool has_tags = false;
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

// No tags declared for the instances (many<Key>(d, key_of)).
struct no_instance_tags {};

// A generic function object (a lambda with `auto` parameters): it may accept a variant's alternatives and not the
// variant itself, and asking whether it accepts the variant would instantiate its body.
template <class F>
concept generic_callable = !std::is_pointer_v<F> && !std::is_function_v<F> && !requires {
  &F::operator();
};

template <class F, class T>
inline constexpr bool takes_each_alternative_v = false;
template <class F, class... Ts>
inline constexpr bool takes_each_alternative_v<F, std::variant<Ts...>> = (std::is_invocable_v<const F&, const Ts&> &&
                                                                          ...);

// Whether key_of(m) is called with each alternative of a variant message m (a generic key_of that takes them all)
// rather than with m.
template <class F, class T>
inline constexpr bool visits_alternatives_v = generic_callable<F>&& takes_each_alternative_v<F, T>;

template <class F, class T>
decltype(auto) call_or_visit(const F& f, const T& m) {
  if constexpr (visits_alternatives_v<F, T>) {
    return std::visit([&](const auto& alternative) { return f(alternative); }, m);
  } else {
    return f(m);
  }
}

template <class F, class T>
inline constexpr bool invocable_or_visitable_v =
    std::disjunction_v<std::bool_constant<visits_alternatives_v<F, T>>, std::is_invocable<const F&, const T&>>;

// Addressing by a function that reads the id a command or event carries; TagsOf, when given, names the tags of
// an instance's events.
template <class KeyOf, class TagsOf = no_instance_tags>
struct by_function {
  template <class Key, class T>
  using message = T;
  static constexpr bool has_tags = !std::is_same_v<TagsOf, no_instance_tags>;
  [[no_unique_address]] KeyOf key_of;
  [[no_unique_address]] TagsOf tags_of{};
  template <class T>
  decltype(auto) key(const T& m) const {
    return call_or_visit(key_of, m);
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

  constexpr explicit many_view(V inner, Access access = {})
      : inner_(std::move(inner)), access_(std::move(access)), initial_(inner_.initial_state()) {}

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

  // The state of one instance: what it has evolved to, or the initial state if it has seen nothing. A reference
  // into `state`, or into this many: keep it no longer than both (copy it to keep it).
  [[nodiscard]] const state_of<V>& instance(const state_type& state, const Key& key) const {
    const auto at = state.find(key);
    return at == state.end() ? initial_ : at->second;
  }

  // The key of the instance a command or event addresses.
  template <class Message>
  [[nodiscard]] Key key_of(const Message& message) const {
    return access_.key(message);
  }

  // The tags that select one instance's events in an event store (given as many's third argument).
  [[nodiscard]] auto instance_tags(const Key& key) const requires(Access::has_tags) { return access_.tags_of(key); }

 protected:
  V inner_;
  [[no_unique_address]] Access access_;
  state_of<V> initial_;  // what instance() gives for an instance that has seen nothing
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
    return (*this)(std::move(inner), std::move(key_of), detail::no_instance_tags{});
  }

  // many<Key>(d, key_of, tags_of): the same, and tags_of(key) names the tags of an instance's stored events.
  template <class V, class KeyOf, class TagsOf>
  [[nodiscard]] constexpr auto operator()(V inner, KeyOf key_of, TagsOf instance_tags) const {
    if constexpr (!detail::check_view<V>()) {
      return;
    } else {
      static_assert(detail::invocable_or_visitable_v<KeyOf, event_of<V>>,
                    "decider::many<Key>(d, key_of): key_of must take d's event_type (or each of its alternatives) "
                    "and return the Key.");
      if constexpr (decider<V>) {
        static_assert(detail::invocable_or_visitable_v<KeyOf, command_of<V>>,
                      "decider::many<Key>(d, key_of): key_of must take d's command_type (or each of its "
                      "alternatives) and return the Key.");
      }
      if constexpr (!std::is_same_v<TagsOf, detail::no_instance_tags>) {
        static_assert(std::is_invocable_v<const TagsOf&, const Key&>,
                      "decider::many<Key>(d, key_of, tags_of): tags_of must take a Key and return its tag or tags.");
      }
      using access = detail::by_function<KeyOf, TagsOf>;
      return make<access>(std::move(inner), access{std::move(key_of), std::move(instance_tags)});
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
// many<Key>(d), many<Key>(d, key_of) or many<Key>(d, key_of, tags_of): instances of d addressed by a Key (which
// needs operator<).
template <class Key>
inline constexpr many_fn<Key> many{};

}  // namespace decider
