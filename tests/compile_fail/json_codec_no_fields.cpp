// Must not compile: a JSON codec over an event type that declares no fields. The test expects the library's sentence.
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "decider/json/codec.hpp"

struct note_added {
  std::string text;
  static constexpr std::string_view type_name = "note_added";
  [[nodiscard]] std::vector<decider::tag> tags() const { return {}; }
};

int main() {
  const decider::json_codec<std::variant<note_added>> codec;
  return codec.encode(note_added{"hello"}).has_value() ? 0 : 1;
}
