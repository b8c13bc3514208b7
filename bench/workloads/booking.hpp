// Hotel bookings, for measuring how the tags of a boundary shape its cost: one rule ("a room-night is booked
// once"), decided by two deciders that differ only in what an instance is. `per_room`: an instance is a room, its
// state the nights booked, its boundary every booking of the room. `per_night`: an instance is a room-night, its
// state whether it is booked, its boundary the bookings of that night. Each booking carries both tags.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <variant>
#include <vector>

#include "decider/concepts.hpp"
#include "decider/many.hpp"
#include "decider/store/event.hpp"
#include "decider/store/fields.hpp"

namespace booking_workload {

struct book {
  std::string room;
  int night = 0;  // days since the first night on sale
};
struct night_booked {
  std::string room;
  int night = 0;
  static constexpr std::string_view type_name = "night_booked";
  static constexpr auto json_fields =
      std::tuple{decider::field("room", &night_booked::room), decider::field("night", &night_booked::night)};
  [[nodiscard]] std::vector<decider::tag> tags() const {
    return {decider::make_tag("room", room), decider::make_tag("room-night", slot(room, night))};
  }
  [[nodiscard]] static std::string slot(const std::string& room, int night) {
    return room + "/" + std::to_string(night);
  }
};
using event = std::variant<night_booked>;
struct already_booked {};
using error = std::variant<already_booked>;

// The rule, once: a night that is taken refuses the booking.
inline decider::decision<event, error> decide_booking(const book& c, bool taken) {
  if (taken) {
    return decider::refuse(error{already_booked{}});
  }
  return std::vector<event>{night_booked{c.room, c.night}};
}

struct room {
  using command_type = book;
  using event_type = event;
  using state_type = std::set<int>;  // the nights booked
  using error_type = error;
  [[nodiscard]] state_type initial_state() const { return {}; }
  [[nodiscard]] decider::decision<event, error> decide(const book& c, const state_type& s) const {
    return decide_booking(c, s.contains(c.night));
  }
  [[nodiscard]] state_type evolve(state_type s, const event& e) const {
    s.insert(std::get<night_booked>(e).night);
    return s;
  }
};

struct room_night {
  using command_type = book;
  using event_type = event;
  using state_type = bool;  // booked
  using error_type = error;
  [[nodiscard]] bool initial_state() const { return false; }
  [[nodiscard]] decider::decision<event, error> decide(const book& c, bool booked) const {
    return decide_booking(c, booked);
  }
  [[nodiscard]] bool evolve(bool, const event&) const { return true; }
};

// Tags per instance: a booking reads every booking of its room.
inline auto per_room() {
  return decider::many<std::string>(
      room{}, [](const auto& message) { return message.room; }, decider::tag_as("room"));
}

// Tags per slot: a booking reads the bookings of its room-night only.
inline auto per_night() {
  return decider::many<std::string>(
      room_night{}, [](const auto& message) { return night_booked::slot(message.room, message.night); },
      decider::tag_as("room-night"));
}

}  // namespace booking_workload
