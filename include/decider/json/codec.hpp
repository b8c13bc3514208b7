// decider/json/codec.hpp — a codec for std::variant events (and many<Key>(d)'s keyed<Key, variant>) as JSON
// objects (nlohmann-json; target decider::json). Declare an event's fields once, as a member or a trait:
//   struct course_defined { ...; static constexpr auto json_fields =
//       std::tuple{decider::field("course", &course_defined::course), decider::field("capacity", ...)}; };
// Old type names and schema versions map to today's events through upcasters the user registers.
#pragma once

#include <cstddef>
#include <exception>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <variant>

#include "decider/config.hpp"
#include "decider/detail/type_list.hpp"
#include "decider/many.hpp"
#include "decider/store/codec.hpp"
#include "decider/store/event.hpp"
#include "decider/store/fields.hpp"

namespace decider {

namespace detail {
template <class E>
concept has_member_json_fields = requires {
  E::json_fields;
};
template <class E>
concept has_traits_json_fields = requires {
  json_traits<E>::fields;
};

template <class E>
constexpr const auto& json_fields_of() {
  if constexpr (has_member_json_fields<E>) {
    return E::json_fields;
  } else {
    return json_traits<E>::fields;
  }
}

template <class E>
constexpr std::string_view type_name_for() {
  if constexpr (has_member_identity<E>) {
    return E::type_name;
  } else {
    return event_traits<E>::type_name;
  }
}

// An event type's schema version: `static constexpr int schema_version` when it declares one, else 1.
template <class E>
constexpr int schema_version_of() {
  if constexpr (requires { E::schema_version; }) {
    return E::schema_version;
  } else {
    return 1;
  }
}
}  // namespace detail

template <class Event>
class json_codec {
  static_assert(detail::is_variant_v<Event>, "decider::json_codec: the event type must be a std::variant of events.");
  static_assert(detail::identified_v<Event>,
                "decider::json_codec: an event type declares no identity: give it `static constexpr std::string_view "
                "type_name` and `std::vector<decider::tag> tags() const`, or specialize decider::event_traits.");
  static_assert(
      []<class... Es>(detail::type_list<Es...>) {
        return ((detail::has_member_json_fields<Es> || detail::has_traits_json_fields<Es>)&&...);
      }(detail::alternatives_t<Event>{}),
      "decider::json_codec: an event type declares no fields: give it `static constexpr auto json_fields = "
      "std::tuple{decider::field(\"name\", &event::member), ...}`, or specialize decider::json_traits.");

 public:
  using event_type = Event;
  // Reads an old record's JSON object into today's event, or says why it cannot.
  using upcaster = std::function<decode_result<Event>(const nlohmann::json& payload, position at)>;

  // Records of type `type` at schema version `version` are read by `read` (an old name, or an old version of a
  // type's schema). Returns the codec, for chaining.
  json_codec& upcast(std::string type, int version, upcaster read) {
    upcasters_[{std::move(type), version}] = std::move(read);
    return *this;
  }

  [[nodiscard]] encode_result encode(const Event& event) const {
    return encode_with(event, [](nlohmann::json&) {});
  }

  // The record of `event`, with `add(object)` writing more members into its payload (for a codec that wraps this one).
  template <class Add>
  [[nodiscard]] static encode_result encode_with(const Event& event, const Add& add) {
    return std::visit(
        [&](const auto& e) -> encode_result {
          using E = std::decay_t<decltype(e)>;
          nlohmann::json object = nlohmann::json::object();
          std::apply([&](const auto&... f) { ((object[std::string(f.name)] = e.*(f.member)), ...); },
                     detail::json_fields_of<E>());
          add(object);
          try {
            return encoded_event{std::string(type_name_of(e)), detail::schema_version_of<E>(), object.dump()};
          } catch (const nlohmann::json::exception& failure) {  // a string that is not UTF-8
            return unexpected<encode_error>(encode_error{std::string(type_name_of(e)), failure.what()});
          }
        },
        event);
  }

  [[nodiscard]] decode_result<Event> decode(const encoded_event& record, position at = 0) const {
    const auto upcast = upcasters_.find({record.type, record.version});
    const bool known = upcast != upcasters_.end() || has_type(record.type, record.version);
    if (!known) {
      return unexpected<decode_error>(unknown_event_type{at, record.type, record.version});
    }
    auto payload = nlohmann::json::parse(record.payload, nullptr, false);  // no exceptions: discarded on error
    if (payload.is_discarded() || !payload.is_object()) {
      return unexpected<decode_error>(corrupt_payload{at, record.type, "the payload is not a JSON object"});
    }
    if (upcast != upcasters_.end()) {
      return upcast->second(payload, at);
    }
    return decode_current(record.type, payload, at);
  }

  // Reads `name` of `payload` into `out`: for upcasters, with the errors the codec itself gives.
  template <class T>
  static std::optional<decode_error> read_field(const nlohmann::json& payload, std::string_view name, T& out,
                                                position at, std::string_view type) {
    const auto found = payload.find(name);
    if (found == payload.end()) {
      return missing_field{at, std::string(type), std::string(name)};
    }
    try {
      found->get_to(out);
    } catch (const nlohmann::json::exception&) {
      return corrupt_payload{
          at, std::string(type),
          "field " + std::string(name) + " has the wrong kind of value (" + std::string(found->type_name()) + ")"};
    }
    return std::nullopt;
  }

  // Reads an E from `payload` by `fields` (a tuple of decider::field, as json_fields): an upcaster names the old
  // schema's fields this way, and gets the codec's own errors, reported under `type`.
  template <class E, class Fields>
  static decode_result<Event> read_as(const nlohmann::json& payload, position at, std::string_view type,
                                      const Fields& fields) {
    E e{};
    std::optional<decode_error> failed;
    std::apply(
        [&](const auto&... f) {
          static_cast<void>(((failed = read_field(payload, f.name, e.*(f.member), at, type)) || ...));
        },
        fields);
    if (failed) {
      return unexpected<decode_error>(std::move(*failed));
    }
    return Event{std::move(e)};
  }

 private:
  static bool has_type(std::string_view type, int version) {
    return [&]<class... Es>(detail::type_list<Es...>) {
      return ((type == detail::type_name_for<Es>() && version == detail::schema_version_of<Es>()) || ...);
    }(detail::alternatives_t<Event>{});
  }

  static decode_result<Event> decode_current(std::string_view type, const nlohmann::json& payload, position at) {
    std::optional<decode_result<Event>> out;
    [&]<class... Es>(detail::type_list<Es...>) {
      static_cast<void>(
          ((type == detail::type_name_for<Es>()
                ? (out = read_as<Es>(payload, at, detail::type_name_for<Es>(), detail::json_fields_of<Es>()), true)
                : false) ||
           ...));
    }(detail::alternatives_t<Event>{});
    return std::move(*out);
  }

  std::map<std::pair<std::string, int>, upcaster> upcasters_;
};

// The events of many<Key>(d) (keyed messages): a keyed<Key, V> is stored as its value is, with the instance's key in
// the payload's "instance_key" member. Upcasters are the value's.
template <class Key, class V>
class json_codec<keyed<Key, V>> {
 public:
  using event_type = keyed<Key, V>;
  using upcaster = typename json_codec<V>::upcaster;
  static constexpr std::string_view key_member = "instance_key";

  json_codec& upcast(std::string type, int version, upcaster read) {
    inner_.upcast(std::move(type), version, std::move(read));
    return *this;
  }

  [[nodiscard]] encode_result encode(const event_type& event) const {
    return json_codec<V>::encode_with(event.value,
                                      [&](nlohmann::json& object) { object[std::string(key_member)] = event.key; });
  }

  [[nodiscard]] decode_result<event_type> decode(const encoded_event& record, position at = 0) const {
    auto value = inner_.decode(record, at);
    if (!value.has_value()) {
      return unexpected<decode_error>(std::move(value).error());
    }
    const auto payload = nlohmann::json::parse(record.payload, nullptr, false);  // an object: the value was read
    Key key{};
    if (auto failed = json_codec<V>::read_field(payload, key_member, key, at, record.type)) {
      return unexpected<decode_error>(std::move(*failed));
    }
    return event_type{std::move(key), std::move(*value)};
  }

 private:
  json_codec<V> inner_;
};

}  // namespace decider
