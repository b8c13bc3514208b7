// decider/testing/conformance_codec.hpp — a decider::event_codec for the conformance suite's events
// (decider::testing::conformance::event), so that a durable store can run the suite without a JSON library.
// The payload holds the labels and the text, each as <length>:<bytes>: any bytes round-trip.
#pragma once

#include <charconv>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <variant>
#include <vector>

#include "decider/store/codec.hpp"
#include "decider/testing/store_conformance.hpp"

namespace decider::testing::conformance {

struct codec {
  using event_type = event;

  [[nodiscard]] encode_result encode(const event& e) const {
    return std::visit(
        [](const auto& x) {
          std::string payload = std::to_string(x.labels.size()) + ';';
          for (const auto& label : x.labels) {
            put(payload, label);
          }
          put(payload, x.payload);
          return encode_result(encoded_event{std::string(x.type_name), 1, std::move(payload)});
        },
        e);
  }

  [[nodiscard]] decode_result<event> decode(const encoded_event& record, position at) const {
    if (record.version != 1) {
      return unexpected<decode_error>(unknown_event_type{at, record.type, record.version});
    }
    std::string_view rest = record.payload;
    const auto corrupt = [&](std::string why) {
      return unexpected<decode_error>(corrupt_payload{at, record.type, std::move(why)});
    };
    std::size_t count = 0;
    if (!take_number(rest, ';', count)) {
      return corrupt("no label count");
    }
    std::vector<tag> labels;
    for (std::size_t i = 0; i < count; ++i) {
      auto label = take(rest);
      if (!label) {
        return corrupt("label " + std::to_string(i + 1) + " is cut short");
      }
      labels.push_back(std::move(*label));
    }
    auto text = take(rest);
    if (!text || !rest.empty()) {
      return corrupt("the text is cut short or followed by other bytes");
    }
    if (record.type == alpha::type_name) {
      return event{alpha{std::move(labels), std::move(*text)}};
    }
    if (record.type == beta::type_name) {
      return event{beta{std::move(labels), std::move(*text)}};
    }
    if (record.type == gamma::type_name) {
      return event{gamma{std::move(labels), std::move(*text)}};
    }
    return unexpected<decode_error>(unknown_event_type{at, record.type, record.version});
  }

 private:
  static void put(std::string& out, std::string_view field) {
    out += std::to_string(field.size());
    out += ':';
    out += field;
  }
  static bool take_number(std::string_view& rest, char end, std::size_t& n) {
    const auto [stop, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), n);
    if (ec != std::errc{} || stop == rest.data() + rest.size() || *stop != end) {
      return false;
    }
    rest.remove_prefix(static_cast<std::size_t>(stop - rest.data()) + 1);
    return true;
  }
  static std::optional<std::string> take(std::string_view& rest) {
    std::size_t n = 0;
    if (!take_number(rest, ':', n) || n > rest.size()) {
      return std::nullopt;
    }
    std::string field(rest.substr(0, n));
    rest.remove_prefix(n);
    return field;
  }
};
static_assert(event_codec<codec>, "the conformance codec models decider::event_codec");

}  // namespace decider::testing::conformance
