// A user's program on the JSON codec, through the installed (or embedded) headers and the decider::json target.
#include <decider/json/codec.hpp>
#include <iostream>
#include <string>
#include <string_view>
#include <tuple>
#include <variant>
#include <vector>

struct noted {
  std::string text;
  static constexpr std::string_view type_name = "noted";
  static constexpr auto json_fields = std::tuple{decider::field("text", &noted::text)};
  [[nodiscard]] std::vector<decider::tag> tags() const { return {}; }
};

int main() {
  const decider::json_codec<std::variant<noted>> codec;
  const auto encoded = codec.encode(noted{"hello"});
  const auto decoded = encoded ? codec.decode(*encoded, 1) : decider::decode_result<std::variant<noted>>{};
  std::cout << "json consumer: " << (encoded ? encoded->payload : std::string("no payload")) << '\n';
  return encoded && decoded && std::get<noted>(*decoded).text == "hello" ? 0 : 1;
}
