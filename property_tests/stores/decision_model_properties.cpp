// A decision model folds into each projection exactly the events that projection's own query selects, and reads
// exactly the events some projection selects: with the store reporting which items each event matched and
// without (matched = 0), with queries that share items, select everything, or have more than 64 items.
#include <rapidcheck.h>

#include <catch2/catch.hpp>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "decider/make.hpp"
#include "decider/store/dcb.hpp"
#include "decider/store/memory.hpp"

namespace model_properties {

struct red {
  int id = 0;
  std::vector<decider::tag> labels;
  static constexpr std::string_view type_name = "red";
  [[nodiscard]] std::vector<decider::tag> tags() const { return labels; }
};
struct blue {
  int id = 0;
  std::vector<decider::tag> labels;
  static constexpr std::string_view type_name = "blue";
  [[nodiscard]] std::vector<decider::tag> tags() const { return labels; }
};
using event = std::variant<red, blue>;

inline int id_of(const event& e) {
  return std::visit([](const auto& x) { return x.id; }, e);
}

// A view that lists the ids of the events it folds, in order.
inline auto listing() {
  return decider::make_view<event, std::vector<int>>({}, [](std::vector<int> seen, const event& e) {
    seen.push_back(id_of(e));
    return seen;
  });
}

inline rc::Gen<std::vector<std::string>> some_of(std::vector<std::string> names) {
  return rc::gen::map(rc::gen::container<std::vector<bool>>(names.size(), rc::gen::arbitrary<bool>()),
                      [names](const std::vector<bool>& keep) {
                        std::vector<std::string> out;
                        for (std::size_t i = 0; i < names.size(); ++i) {
                          if (keep[i]) out.push_back(names[i]);
                        }
                        return out;
                      });
}

inline rc::Gen<decider::query_item> items() {
  // "green" is a type no event has; tag "z" no event carries.
  return rc::gen::apply(
      [](std::vector<std::string> types, std::vector<decider::tag> tags) {
        return decider::query_item{std::move(types), std::move(tags)};
      },
      some_of({"red", "blue", "green"}), some_of({"a", "b", "c", "z"}));
}

// Mostly a few items (often shared between projections, as the generators repeat), sometimes everything, sometimes
// more than 64 items (a billing batch's shape).
inline rc::Gen<decider::query> of_items(std::size_t count) {
  return rc::gen::map(rc::gen::container<std::vector<decider::query_item>>(count, items()),
                      [](std::vector<decider::query_item> list) { return decider::query{std::move(list)}; });
}
inline rc::Gen<decider::query> queries() {
  return rc::gen::weightedOneOf<decider::query>({
      {3, of_items(1)},
      {3, of_items(2)},
      {2, of_items(3)},
      {1, rc::gen::just(decider::query::all())},
      {1, of_items(70)},
  });
}

inline std::vector<int> selected_by(const decider::query& q, const std::vector<decider::stored_event<event>>& log) {
  std::vector<int> ids;
  for (const auto& e : log) {
    if (q.matches(e.type, e.tags)) ids.push_back(id_of(e.event));
  }
  return ids;
}

}  // namespace model_properties
using namespace model_properties;

TEST_CASE("a decision model folds into each projection exactly what its query selects", "[store][dcb][property]") {
  REQUIRE(rc::check("decision model parts", [] {
    const auto labels = *rc::gen::container<std::vector<std::vector<std::string>>>(some_of({"a", "b", "c"}));
    decider::memory_store<event> store;
    for (std::size_t i = 0; i < labels.size(); ++i) {
      const int id = static_cast<int>(i) + 1;
      const event e = i % 3 == 0 ? event{blue{id, labels[i]}} : event{red{id, labels[i]}};
      RC_ASSERT(store.append({{e}}).has_value());
    }
    const auto q1 = *queries();
    const auto q2 = *rc::gen::weightedOneOf<decider::query>({{3, queries()}, {1, rc::gen::just(q1)}});
    const auto q3 = *queries();
    const auto model = decider::decision_model(decider::project(listing(), q1), decider::project(listing(), q2),
                                               decider::project(listing(), q3));
    const auto all = store.read(decider::query::all());
    RC_ASSERT(all.has_value());
    std::vector<int> any;  // the events at least one projection selects
    for (const auto& e : *all) {
      if (q1.matches(e.type, e.tags) || q2.matches(e.type, e.tags) || q3.matches(e.type, e.tags)) {
        any.push_back(id_of(e.event));
      }
    }
    RC_ASSERT(selected_by(model.selects(), *all) == any);

    // The store reports the items each event matched (the path execute takes).
    auto reported = model.initial_state();
    std::vector<int> read;
    RC_ASSERT(decider::read_each(store, model.selects(), {}, [&](const auto& e, decider::matched_items items) {
                reported = model.evolve(std::move(reported), e, items);
                read.push_back(id_of(e.event));
              }).has_value());
    RC_ASSERT(read == any);
    // Events handed over without the items they matched: the model matches them itself.
    auto unreported = model.initial_state();
    for (const auto& e : *all) {
      if (model.selects().matches(e.type, e.tags)) unreported = model.evolve(std::move(unreported), e);
    }
    for (const auto* state : {&reported, &unreported}) {
      RC_ASSERT(std::get<0>(*state) == selected_by(q1, *all));
      RC_ASSERT(std::get<1>(*state) == selected_by(q2, *all));
      RC_ASSERT(std::get<2>(*state) == selected_by(q3, *all));
    }
  }));
}

TEST_CASE("the memory store reports every item of the query each event read matched, in any window",
          "[store][memory][property]") {
  REQUIRE(rc::check("matched items", [] {
    const auto labels = *rc::gen::container<std::vector<std::vector<std::string>>>(some_of({"a", "b", "c"}));
    decider::memory_store<event> store;
    for (std::size_t i = 0; i < labels.size(); ++i) {
      const int id = static_cast<int>(i) + 1;
      RC_ASSERT(store.append({{i % 2 == 0 ? event{red{id, labels[i]}} : event{blue{id, labels[i]}}}}).has_value());
    }
    const auto q = *of_items(*rc::gen::inRange<std::size_t>(2, 6));
    decider::read_options o;
    if (*rc::gen::arbitrary<bool>()) o.from = *rc::gen::inRange<decider::position>(0, labels.size() + 2);
    o.backwards = *rc::gen::arbitrary<bool>();
    if (*rc::gen::arbitrary<bool>()) o.limit = *rc::gen::inRange<std::size_t>(0, 6);
    const auto expected = store.read(q, o);  // which events: checked against a model by the conformance suite
    RC_ASSERT(expected.has_value());
    std::size_t n = 0;
    RC_ASSERT(decider::read_each(store, q, o, [&](const auto& e, decider::matched_items items) {
                RC_ASSERT(n < expected->size());
                RC_ASSERT(e.position == (*expected)[n++].position);
                decider::matched_items all = 0;
                for (std::size_t i = 0; i < q.items.size(); ++i) {
                  if (q.items[i].matches(e.type, e.tags)) all |= decider::matched_items{1} << i;
                }
                RC_ASSERT(items == all);
              }).has_value());
    RC_ASSERT(n == expected->size());
  }));
}
