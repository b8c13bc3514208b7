// The codec of the conformance suite's events (decider::testing::conformance::event: three types, each with
// labels used as tags and a payload) for the file store: labels and payload, one per line, escaped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "append_only_file/file_store.hpp"
#include "decider/testing/store_conformance.hpp"

namespace file_store {

// [docs:conformance-codec]
struct conformance_codec {
  using event = decider::testing::conformance::event;

  [[nodiscard]] std::string encode(const event& e) const {
    return std::visit(
        [](const auto& x) {
          std::string out = detail::escape(x.payload);
          for (const auto& label : x.labels) {
            out += '\n' + detail::escape(label);
          }
          return out;
        },
        e);
  }

  [[nodiscard]] decider::expected<event, std::string> decode(std::string_view type, std::string_view payload) const {
    namespace conformance = decider::testing::conformance;
    const auto lines = detail::split(payload, '\n');
    const auto text = detail::unescape(lines.front());
    if (!text) return decider::unexpected<std::string>("the payload is not escaped correctly");
    std::vector<decider::tag> labels;
    for (std::size_t i = 1; i < lines.size(); ++i) {
      auto label = detail::unescape(lines[i]);
      if (!label) return decider::unexpected<std::string>("a label is not escaped correctly");
      labels.push_back(std::move(*label));
    }
    if (type == conformance::alpha::type_name) return event{conformance::alpha{std::move(labels), *text}};
    if (type == conformance::beta::type_name) return event{conformance::beta{std::move(labels), *text}};
    if (type == conformance::gamma::type_name) return event{conformance::gamma{std::move(labels), *text}};
    return decider::unexpected<std::string>("unknown type");
  }
};
// [/docs:conformance-codec]

using conformance_store = store<decider::testing::conformance::event, conformance_codec>;
static_assert(decider::streaming_event_store<conformance_store>, "the file store models decider::event_store");

}  // namespace file_store
