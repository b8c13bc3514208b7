// Fuzzes decoding: arbitrary bytes as a stored record's type, version and payload, through json_codec (with an
// upcaster), decode_all, and the durable stores' tag packing. Nothing may crash or throw; a record that decodes
// encodes again and decodes to the same event; packed tags unpack to themselves.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "bytes.hpp"
#include "decider/json/codec.hpp"
#include "decider/store/detail/durable.hpp"

namespace {

struct room_opened {
  static constexpr std::string_view type_name = "room_opened";
  static constexpr int schema_version = 2;
  std::string room;
  int capacity = 0;
  [[nodiscard]] std::vector<decider::tag> tags() const { return {"room:" + room}; }
  static constexpr auto json_fields =
      std::tuple{decider::field("room", &room_opened::room), decider::field("capacity", &room_opened::capacity)};
  friend bool operator==(const room_opened&, const room_opened&) = default;
};

struct booked {
  static constexpr std::string_view type_name = "booked";
  std::string room;
  std::int64_t at = 0;
  bool confirmed = false;
  std::vector<std::string> guests;
  double price = 0;
  [[nodiscard]] std::vector<decider::tag> tags() const { return {"room:" + room}; }
  static constexpr auto json_fields =
      std::tuple{decider::field("room", &booked::room), decider::field("at", &booked::at),
                 decider::field("confirmed", &booked::confirmed), decider::field("guests", &booked::guests),
                 decider::field("price", &booked::price)};
  friend bool operator==(const booked&, const booked&) = default;
};

using event = std::variant<room_opened, booked>;
using codec_type = decider::json_codec<event>;

const codec_type& codec() {
  static const codec_type instance = [] {
    codec_type c;
    // Version 1 of room_opened called the capacity `seats`.
    c.upcast("room_opened", 1, [](const nlohmann::json& payload, decider::position at) {
      return codec_type::read_as<room_opened>(
          payload, at, "room_opened",
          std::tuple{decider::field("room", &room_opened::room), decider::field("seats", &room_opened::capacity)});
    });
    return c;
  }();
  return instance;
}

void require(bool holds) {
  if (!holds) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  decider::fuzzing::bytes in(data, size);
  const char* const types[] = {"room_opened", "booked", "unknown", ""};
  decider::encoded_event record;
  record.type = types[in.below(4)];
  record.version = static_cast<int>(in.below(4));
  const auto packed = in.raw(40);
  record.payload = in.rest();

  const auto decoded = codec().decode(record, 7);
  if (decoded.has_value()) {
    // What decodes is an event of today: it encodes, and decodes back to itself.
    const auto encoded = codec().encode(*decoded);
    if (encoded.has_value()) {
      const auto again = codec().decode(*encoded, 8);
      require(again.has_value() && *again == *decoded);
    }
  } else {
    // Every error names the position, and explains itself.
    std::visit([](const auto& e) { require(e.at == 7); }, decoded.error());
    require(!decider::explain(decoded.error()).empty());
  }

  // decode_all: skipping loses no record that decodes; failing stops at the first that does not.
  const std::vector<std::pair<decider::position, decider::encoded_event>> records{
      {1, *codec().encode(event{booked{"r1", 1, true, {"a"}, 1.5}})}, {2, record}, {3, record}};
  const auto skipped = decider::decode_all(codec(), records, decider::on_decode_error::skip);
  require(skipped.has_value());
  require(skipped->events.size() + skipped->skipped.size() == records.size());
  const auto failed = decider::decode_all(codec(), records, decider::on_decode_error::fail);
  require(failed.has_value() == decoded.has_value());

  // The tag packing the durable stores keep: arbitrary bytes unpack or are refused; tags pack and unpack.
  if (const auto tags = decider::detail::unpack_tags(packed)) {
    require(decider::detail::unpack_tags(decider::detail::pack_tags(*tags)) == tags);
  }
  const std::vector<decider::tag> made{packed, record.type, std::string(record.payload.substr(0, 16))};
  require(decider::detail::unpack_tags(decider::detail::pack_tags(made)) == made);
  return 0;
}
