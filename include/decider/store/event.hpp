// decider/store/event.hpp — what a store needs to know about an event, declared once: a stable type name and
// a set of tags ("course:c1"). Metadata (event id, recorded time, correlation and causation ids) travels beside
// the event, never inside it. Declare identity with members, or with a specialization of event_traits for types
// you cannot change:
//   struct course_defined { static constexpr std::string_view type_name = "course_defined";
//                           std::vector<decider::tag> tags() const { return {decider::make_tag("course", id)}; } };
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "decider/detail/type_list.hpp"
#include "decider/many.hpp"  // keyed

namespace decider {

// A tag names something an event is about: "course:c1", "student:s7". Tags are compared exactly.
using tag = std::string;

// Positions are global, start at 1, and increase in commit order. 0 means "before the first event".
using position = std::uint64_t;

[[nodiscard]] inline tag make_tag(std::string_view kind, std::string_view id) {
  tag t;
  t.reserve(kind.size() + 1 + id.size());
  t.append(kind).append(1, ':').append(id);
  return t;
}

// tag_as("course") is a function from an instance key to its tag, "course:<key>": the tags_of of
// many<Key>(d, key_of, tags_of). Keys are strings, or integers (written in decimal).
struct tag_as {
  std::string_view kind;
  constexpr explicit tag_as(std::string_view k) noexcept : kind(k) {}
  template <class Key>
  [[nodiscard]] tag operator()(const Key& key) const {
    if constexpr (std::is_integral_v<Key>) {
      return make_tag(kind, std::to_string(key));
    } else {
      static_assert(std::is_convertible_v<const Key&, std::string_view>,
                    "decider::tag_as: the key is neither a string nor an integer: give many a function "
                    "from the key to its tag instead.");
      return make_tag(kind, key);
    }
  }
};

// Specialize for event types you cannot add members to.
template <class E>
struct event_traits;

// many<Key>(d) with keyed messages on a store: the kind of instance that d's events belong to, named once for d's
// event type T (`static constexpr std::string_view name = "transaction";`). A stored keyed<Key, T> then has the
// type name of its value and its value's tags plus the instance's tag, tag_as(name)(key) ("transaction:t1").
template <class T>
struct instance_kind;

namespace detail {
template <class T>
concept has_instance_kind = requires {
  { instance_kind<T>::name } -> std::convertible_to<std::string_view>;
};
}  // namespace detail

namespace detail {
template <class E>
concept has_member_identity = requires(const E& e) {
  { E::type_name } -> std::convertible_to<std::string_view>;
  { e.tags() } -> std::convertible_to<std::vector<tag>>;
};
template <class E>
concept has_traits_identity = requires(const E& e) {
  { event_traits<E>::type_name } -> std::convertible_to<std::string_view>;
  { event_traits<E>::tags(e) } -> std::convertible_to<std::vector<tag>>;
};

// A tag set: sorted, without duplicates, so that "has all these tags" is a merge, and equal sets compare equal.
inline std::vector<tag> normalize(std::vector<tag> tags) {
  std::sort(tags.begin(), tags.end());
  tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
  return tags;
}
}  // namespace detail

// An event type with an identity, a variant whose alternatives all have one, or a keyed<Key, T> of such a T whose
// instance kind is named (instance_kind<T>).
template <class E>
concept identified_event = detail::has_member_identity<E> || detail::has_traits_identity<E>;

namespace detail {
template <class E>
inline constexpr bool identified_v = identified_event<E>;
template <class... Es>
inline constexpr bool identified_v<std::variant<Es...>> = (identified_event<Es> && ...);
template <class Key, class T>
inline constexpr bool identified_v<keyed<Key, T>> = identified_v<T>&& has_instance_kind<T>;
}  // namespace detail

template <class E>
concept storable_event = detail::identified_v<E> && std::copy_constructible<E>;

struct type_name_of_fn {
  template <class E>
  [[nodiscard]] std::string_view operator()(const E& event) const {
    static_assert(detail::identified_v<E>,
                  "decider::type_name_of: the event type declares no identity: give it `static constexpr "
                  "std::string_view type_name` and `std::vector<decider::tag> tags() const`, or specialize "
                  "decider::event_traits.");
    if constexpr (detail::is_variant_v<E>) {
      return std::visit([this](const auto& alternative) { return (*this)(alternative); }, event);
    } else if constexpr (detail::is_keyed_v<E>) {
      return (*this)(event.value);
    } else if constexpr (detail::has_member_identity<E>) {
      return E::type_name;
    } else {
      return event_traits<E>::type_name;
    }
  }
};
// The stable name of an event's type (of the active alternative, for a variant).
inline constexpr type_name_of_fn type_name_of{};

struct tags_of_fn {
  template <class E>
  [[nodiscard]] std::vector<tag> operator()(const E& event) const {
    static_assert(detail::identified_v<E>, "decider::tags_of: the event type declares no identity (see type_name_of).");
    if constexpr (detail::is_variant_v<E>) {
      return std::visit([this](const auto& alternative) { return (*this)(alternative); }, event);
    } else if constexpr (detail::is_keyed_v<E>) {
      auto tags = (*this)(event.value);
      tags.push_back(tag_as(instance_kind<std::remove_cvref_t<decltype(event.value)>>::name)(event.key));
      return detail::normalize(std::move(tags));
    } else if constexpr (detail::has_member_identity<E>) {
      return detail::normalize(event.tags());
    } else {
      return detail::normalize(event_traits<E>::tags(event));
    }
  }
};
// The tag set of an event: sorted, duplicates removed.
inline constexpr tags_of_fn tags_of{};

// Travels beside an event. The store fills recorded_at when it is not given (an import may give it); an empty
// event_id gets one from the store.
struct event_metadata {
  std::string event_id{};
  std::chrono::system_clock::time_point recorded_at{};
  std::string correlation_id{};
  std::string causation_id{};
  friend bool operator==(const event_metadata&, const event_metadata&) = default;
};

// An event on its way into a store.
template <class Event>
struct event_to_append {
  Event event;
  event_metadata metadata{};
};

// An event read back: its position, type name and tags as stored, and its metadata.
template <class Event>
struct stored_event {
  decider::position position = 0;
  std::string type;
  std::vector<tag> tags;
  Event event;
  event_metadata metadata;
};

}  // namespace decider
