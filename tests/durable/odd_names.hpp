// An event type whose name and tags hold quotes, backslashes, SQL and multi-byte UTF-8: what the durable stores must
// keep byte for byte, as data, never as SQL.
#pragma once

#include <catch2/catch.hpp>
#include <string>
#include <string_view>
#include <tuple>
#include <variant>
#include <vector>

#include "decider/store/event.hpp"
#include "decider/store/fields.hpp"
#include "decider/store/query.hpp"

namespace decider_test {

struct oddly_named {
  std::string note;
  static constexpr std::string_view type_name = "it's \"odd\" \\ ünï'); DROP TABLE events; --";
  static constexpr auto json_fields = std::tuple{decider::field("note", &oddly_named::note)};
  [[nodiscard]] std::vector<decider::tag> tags() const { return {"tag with 'quotes', \"more\" and \\ and ☃", note}; }
};
using odd_event = std::variant<oddly_named>;

// Appends one oddly named event and reads it back by its type and by its tag.
template <class Store>
void check_odd_names(Store& store) {
  REQUIRE(store.append({{oddly_named{"$1 %s ?1 :name"}}}).has_value());
  const auto by_type = store.read(decider::events({std::string(oddly_named::type_name)}));
  REQUIRE(by_type.has_value());
  REQUIRE(by_type->size() == 1);
  CHECK(by_type->front().type == oddly_named::type_name);
  CHECK(std::get<oddly_named>(by_type->front().event).note == "$1 %s ?1 :name");
  const auto by_tag = store.read(decider::tagged({"tag with 'quotes', \"more\" and \\ and ☃", "$1 %s ?1 :name"}));
  REQUIRE(by_tag.has_value());
  CHECK(by_tag->size() == 1);
  CHECK(store.read(decider::events({"it's"}))->empty());
}

}  // namespace decider_test
