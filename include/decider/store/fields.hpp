// decider/store/fields.hpp — an event's fields, declared once beside its members, for codecs to read and write:
//   static constexpr auto json_fields = std::tuple{decider::field("course", &course_defined::course), ...};
// Declaring them needs no JSON library; decider/json/codec.hpp (target decider::json) uses them.
#pragma once

#include <string_view>

namespace decider {

// One field of an event: its name in the JSON object and the member it is read into and written from.
template <class Class, class Member>
struct json_field {
  std::string_view name;
  Member Class::*member;
};
template <class Class, class Member>
[[nodiscard]] constexpr json_field<Class, Member> field(std::string_view name, Member Class::*member) {
  return {name, member};
}

// Specialize for event types you cannot add a `json_fields` member to: `static constexpr auto fields =
// std::tuple{...}`.
template <class E>
struct json_traits;

}  // namespace decider
