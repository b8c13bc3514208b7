// The JSON event codec: the seed 002 events round-trip byte for byte through their JSON form (fields declared once,
// as traits, since the example's types stay as they are); unknown types, corrupt payloads, missing fields and
// fields of the wrong kind are typed errors naming the position and type; old names and versions are upcast; a
// batch with a bad record is decoded to the end or stopped, as the caller chooses, and nothing else is lost.
#include <catch2/catch.hpp>
#include <string>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "decider/json/codec.hpp"
#include "support/subscription_model.hpp"

using subscriptions::course_defined;
using subscriptions::student_subscribed;

// [docs:json-fields]
template <>
struct decider::json_traits<course_defined> {
  static constexpr auto fields = std::tuple{decider::field("course", &course_defined::course),
                                            decider::field("capacity", &course_defined::capacity)};
};
template <>
struct decider::json_traits<student_subscribed> {
  static constexpr auto fields = std::tuple{decider::field("student", &student_subscribed::student),
                                            decider::field("course", &student_subscribed::course)};
};
// [/docs:json-fields]

namespace json_codec_test {

// An event that declares its fields and its schema version as members: version 2 renamed `seats` to `capacity`.
struct room_opened {
  std::string room;
  int capacity = 0;
  static constexpr std::string_view type_name = "room_opened";
  static constexpr int schema_version = 2;
  static constexpr auto json_fields =
      std::tuple{decider::field("room", &room_opened::room), decider::field("capacity", &room_opened::capacity)};
  [[nodiscard]] std::vector<decider::tag> tags() const { return {decider::make_tag("room", room)}; }
  friend bool operator==(const room_opened&, const room_opened&) = default;
};
using event = std::variant<course_defined, student_subscribed, room_opened>;

}  // namespace json_codec_test
using json_codec_test::event;
using json_codec_test::room_opened;

TEST_CASE("the JSON codec models event_codec and round-trips events byte for byte", "[store][codec]") {
  STATIC_REQUIRE(decider::event_codec<decider::json_codec<event>>);
  const decider::json_codec<event> codec;
  // Quotes, backslashes, control characters, SQL meta-characters and multi-byte UTF-8 survive unchanged.
  const std::vector<event> events{
      course_defined{"c1", 30},
      course_defined{"ma\"th\\101'; DROP TABLE events; --\n\t", -7},
      student_subscribed{"s\xC3\xA9verine \xE2\x9C\x93 \xF0\x9F\x98\x80", "c1"},
      student_subscribed{"", ""},
      room_opened{"r1", 12},
  };
  for (const auto& e : events) {
    const auto encoded = codec.encode(e);
    REQUIRE(encoded.has_value());
    CHECK(encoded->type == decider::type_name_of(e));
    const auto decoded = codec.decode(*encoded, 7);
    REQUIRE(decoded.has_value());
    CHECK(*decoded == e);
    CHECK(codec.encode(*decoded) == encoded);  // and back: the same bytes
  }
  const auto room = codec.encode(event{room_opened{"r1", 12}});
  CHECK(room->version == 2);
  CHECK(codec.encode(event{course_defined{"c1", 30}})->version == 1);  // no schema_version declared: 1
  CHECK(codec.encode(event{course_defined{"c1", 30}})->payload == R"({"capacity":30,"course":"c1"})");
}

TEST_CASE("the JSON codec refuses bad input with typed errors naming the position and type", "[store][codec]") {
  const decider::json_codec<event> codec;
  using decider::corrupt_payload;
  using decider::decode_error;
  using decider::encoded_event;
  using decider::missing_field;
  using decider::unknown_event_type;
  CHECK(codec.decode(encoded_event{"course_renamed", 1, "{}"}, 3).error() ==
        decode_error{unknown_event_type{3, "course_renamed", 1}});
  CHECK(codec.decode(encoded_event{"room_opened", 1, R"({"room":"r1","seats":4})"}, 4).error() ==
        decode_error{unknown_event_type{4, "room_opened", 1}});  // version 1: no upcaster registered here
  const auto not_json = codec.decode(encoded_event{"course_defined", 1, R"({"course":"c1","capa)"}, 5);
  REQUIRE(std::holds_alternative<corrupt_payload>(not_json.error()));
  CHECK(std::get<corrupt_payload>(not_json.error()).at == 5);
  CHECK(std::get<corrupt_payload>(not_json.error()).type == "course_defined");
  CHECK(std::holds_alternative<corrupt_payload>(codec.decode(encoded_event{"course_defined", 1, "[1, 2]"}, 6).error()));
  CHECK(codec.decode(encoded_event{"course_defined", 1, R"({"course":"c1"})"}, 8).error() ==
        decode_error{missing_field{8, "course_defined", "capacity"}});
  const auto wrong_kind = codec.decode(encoded_event{"course_defined", 1, R"({"course":"c1","capacity":"many"})"}, 9);
  REQUIRE(std::holds_alternative<corrupt_payload>(wrong_kind.error()));
  CHECK(std::get<corrupt_payload>(wrong_kind.error()).reason.find("capacity") != std::string::npos);
  // A string that is not UTF-8 cannot be written as JSON: an encode_error, not an exception.
  const auto invalid = codec.encode(event{course_defined{"c\xFF", 1}});
  REQUIRE_FALSE(invalid.has_value());
  CHECK(invalid.error().type == "course_defined");
}

TEST_CASE("old type names and schema versions are upcast to today's events", "[store][codec]") {
  // [docs:upcast]
  using codec_type = decider::json_codec<event>;
  codec_type codec;
  // Version 1 of room_opened called the capacity `seats`.
  codec.upcast("room_opened", 1, [](const nlohmann::json& payload, decider::position at) {
    return codec_type::read_as<room_opened>(
        payload, at, "room_opened",
        std::tuple{decider::field("room", &room_opened::room), decider::field("seats", &room_opened::capacity)});
  });
  // An old name: `enrolled`, with the student as `who`, became student_subscribed.
  codec.upcast("enrolled", 1, [](const nlohmann::json& payload, decider::position at) {
    return codec_type::read_as<student_subscribed>(payload, at, "enrolled",
                                                   std::tuple{decider::field("who", &student_subscribed::student),
                                                              decider::field("course", &student_subscribed::course)});
  });
  // [/docs:upcast]
  CHECK(codec.decode({"room_opened", 1, R"({"room":"r1","seats":4})"}, 1) == event{room_opened{"r1", 4}});
  CHECK(codec.decode({"room_opened", 2, R"({"room":"r1","capacity":5})"}, 2) == event{room_opened{"r1", 5}});
  CHECK(codec.decode({"enrolled", 1, R"({"who":"s1","course":"c1"})"}, 3) == event{student_subscribed{"s1", "c1"}});
  CHECK(codec.decode({"enrolled", 1, R"({"course":"c1"})"}, 4).error() ==
        decider::decode_error{decider::missing_field{4, "enrolled", "who"}});
  CHECK(std::holds_alternative<decider::corrupt_payload>(codec.decode({"enrolled", 1, "nope"}, 5).error()));
}

TEST_CASE("decode_all skips bad records or stops at the first, as the caller chooses, and loses no other",
          "[store][codec]") {
  const decider::json_codec<event> codec;
  std::vector<std::pair<decider::position, decider::encoded_event>> records;
  for (decider::position p = 1; p <= 6; ++p) {
    records.emplace_back(p, *codec.encode(event{course_defined{"c" + std::to_string(p), static_cast<int>(p)}}));
  }
  records[1].second.payload = "{";                  // position 2: corrupt
  records[4].second = {"course_deleted", 1, "{}"};  // position 5: unknown type
  const auto skipping = decider::decode_all(codec, records, decider::on_decode_error::skip);
  REQUIRE(skipping.has_value());
  REQUIRE(skipping->events.size() == 4);
  std::vector<decider::position> kept;
  for (const auto& [at, e] : skipping->events) {
    kept.push_back(at);
    CHECK(std::get<course_defined>(e).capacity == static_cast<int>(at));
  }
  CHECK(kept == std::vector<decider::position>{1, 3, 4, 6});
  REQUIRE(skipping->skipped.size() == 2);
  CHECK(std::get<decider::corrupt_payload>(skipping->skipped[0]).at == 2);
  CHECK(skipping->skipped[1] == decider::decode_error{decider::unknown_event_type{5, "course_deleted", 1}});
  const auto failing = decider::decode_all(codec, records, decider::on_decode_error::fail);
  REQUIRE_FALSE(failing.has_value());
  CHECK(std::get<decider::corrupt_payload>(failing.error()).at == 2);
}

TEST_CASE("a keyed event (the events of many<Key>(d)) is stored as its value is, its key in the payload",
          "[store][codec]") {
  using keyed_event = decider::keyed<std::string, event>;
  const decider::json_codec<keyed_event> codec;
  const keyed_event e{"k1", event{course_defined{"c1", 30}}};
  const auto record = codec.encode(e);
  REQUIRE(record.has_value());
  CHECK(record->type == "course_defined");
  CHECK(record->payload == R"({"capacity":30,"course":"c1","instance_key":"k1"})");
  const auto back = codec.decode(*record, 1);
  REQUIRE(back.has_value());
  CHECK(*back == e);
  CHECK(codec.decode({"course_defined", 1, R"({"capacity":30,"course":"c1"})"}, 2).error() ==
        decider::decode_error{decider::missing_field{2, "course_defined", "instance_key"}});
}
