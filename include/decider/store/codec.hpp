// decider/store/codec.hpp — how a durable store turns events into bytes and back: a codec maps an event to its
// type name, schema version and payload, and a stored record back to an event, or to a typed error that names the
// position and the type (an unknown type, a corrupt payload, a missing field). Decoding never throws, and the
// caller chooses, per read, to skip the records that fail or to stop at the first.
#pragma once

#include <concepts>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "decider/config.hpp"
#include "decider/store/event.hpp"

namespace decider {

// An event as a durable store keeps it: its type name, the version of its schema, and its payload.
struct encoded_event {
  std::string type;
  int version = 1;
  std::string payload;
  friend bool operator==(const encoded_event&, const encoded_event&) = default;
};

// No event type (and no upcaster) has this name and version.
struct unknown_event_type {
  position at = 0;
  std::string type;
  int version = 1;
  friend bool operator==(const unknown_event_type&, const unknown_event_type&) = default;
};
// The payload is not what the type's schema says: not parseable, or a field of the wrong kind.
struct corrupt_payload {
  position at = 0;
  std::string type;
  std::string reason;
  friend bool operator==(const corrupt_payload&, const corrupt_payload&) = default;
};
// The payload lacks a field the type's schema requires.
struct missing_field {
  position at = 0;
  std::string type;
  std::string field;
  friend bool operator==(const missing_field&, const missing_field&) = default;
};
using decode_error = std::variant<unknown_event_type, corrupt_payload, missing_field>;

// A sentence for logs and for store errors: which record, of which type, and what is wrong with it.
[[nodiscard]] inline std::string explain(const decode_error& error) {
  return std::visit(
      [](const auto& e) {
        using E = std::decay_t<decltype(e)>;
        std::string out = "the event at position " + std::to_string(e.at) + " (type " + e.type + ") does not decode: ";
        if constexpr (std::is_same_v<E, unknown_event_type>) {
          return out + "no event type or upcaster for version " + std::to_string(e.version);
        } else if constexpr (std::is_same_v<E, corrupt_payload>) {
          return out + e.reason;
        } else {
          return out + "the field " + e.field + " is missing";
        }
      },
      error);
}

template <class Event>
using decode_result = expected<Event, decode_error>;

// The event cannot be written in this codec's format (a string that is not valid UTF-8, for JSON).
struct encode_error {
  std::string type;
  std::string reason;
  friend bool operator==(const encode_error&, const encode_error&) = default;
};
using encode_result = expected<encoded_event, encode_error>;

// encode(event) -> encoded_event or encode_error; decode(record, position) -> the event or a decode_error that
// names the position and the type.
template <class C>
concept event_codec = requires(const C& codec, const typename C::event_type& e, const encoded_event& record,
                               position at) {
  { codec.encode(e) } -> std::same_as<encode_result>;
  { codec.decode(record, at) } -> std::same_as<decode_result<typename C::event_type>>;
};

// A record as a durable store keeps it, before decoding: what the stores' read_encoded gives, so that nothing is
// out of reach when an event no longer decodes.
struct stored_record {
  decider::position position = 0;
  encoded_event record;
  std::vector<tag> tags;
  event_metadata metadata;
};

// What to do with a record that does not decode.
enum class on_decode_error {
  fail,  // stop, and return its error
  skip,  // leave it out, report it beside the events, and go on
};

template <class Event>
struct decoded_records {
  std::vector<std::pair<position, Event>> events;  // in the order given
  std::vector<decode_error> skipped;               // with on_decode_error::skip
};

struct decode_all_fn {
  // decode_all(codec, records, policy): records are (position, encoded_event) pairs. With `fail`, the first record
  // that does not decode ends it with that record's error; with `skip`, every other record is still decoded.
  template <class Codec, class Records>
  [[nodiscard]] expected<decoded_records<typename Codec::event_type>, decode_error> operator()(
      const Codec& codec, const Records& records, on_decode_error policy) const {
    static_assert(event_codec<Codec>, "decider::decode_all: the first argument is not a decider::event_codec.");
    decoded_records<typename Codec::event_type> out;
    for (const auto& [at, record] : records) {
      auto event = codec.decode(record, at);
      if (event.has_value()) {
        out.events.emplace_back(at, std::move(*event));
      } else if (policy == on_decode_error::fail) {
        return unexpected<decode_error>(std::move(event).error());
      } else {
        out.skipped.push_back(std::move(event).error());
      }
    }
    return out;
  }
};
inline constexpr decode_all_fn decode_all{};

}  // namespace decider
