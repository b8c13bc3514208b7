// Fuzzes query matching: arbitrary items of types and tags against arbitrary events. query::matches must agree
// with the definition (an item matches when the type is one of its types, or it lists none, and the event
// carries all its tags; a query matches when one item does, or it has none); a union matches what either side
// does; the in-memory store's reads return exactly the events that match, in order, forwards and backwards;
// a decision model folds into each projection exactly the events its own query selects.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "bytes.hpp"
#include "decider/store/dcb.hpp"
#include "decider/store/memory.hpp"

namespace {

void require(bool holds) {
  if (!holds) {
    std::abort();
  }
}

template <int Kind>
struct happened {
  static constexpr std::string_view type_name = Kind == 0 ? "t0" : (Kind == 1 ? "t1" : "t2");
  std::vector<decider::tag> labels;
  [[nodiscard]] std::vector<decider::tag> tags() const { return labels; }
};
using event = std::variant<happened<0>, happened<1>, happened<2>>;

// Tags from a small alphabet, with the odd long or empty one; up to 12, so both of matches' paths run.
std::vector<decider::tag> some_tags(decider::fuzzing::bytes& in, std::size_t max) {
  std::vector<decider::tag> out;
  const std::size_t n = in.below(max + 1);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t kind = in.below(16);
    out.push_back(kind == 0 ? std::string() : (kind == 1 ? in.raw(8) : in.pick("k:", 14)));
  }
  return out;
}

decider::query some_query(decider::fuzzing::bytes& in) {
  decider::query q;
  const std::size_t items = in.below(5);
  for (std::size_t i = 0; i < items; ++i) {
    decider::query_item item;
    const std::size_t types = in.below(3);
    for (std::size_t t = 0; t < types; ++t) {
      item.types.push_back(in.pick("t", 4));  // t3 is no event's type
    }
    item.tags = some_tags(in, 3);
    q.items.push_back(std::move(item));
  }
  return q;
}

// The definition, written plainly.
bool by_definition(const decider::query& q, const std::string& type, const std::vector<decider::tag>& tags) {
  if (q.items.empty()) {
    return true;
  }
  const std::set<decider::tag> carried(tags.begin(), tags.end());
  for (const auto& item : q.items) {
    const bool typed = item.types.empty() || std::find(item.types.begin(), item.types.end(), type) != item.types.end();
    const bool tagged =
        std::all_of(item.tags.begin(), item.tags.end(), [&](const auto& t) { return carried.count(t); });
    if (typed && tagged) {
      return true;
    }
  }
  return false;
}

event make_event(std::size_t kind, std::vector<decider::tag> tags) {
  switch (kind) {
    case 0:
      return happened<0>{std::move(tags)};
    case 1:
      return happened<1>{std::move(tags)};
    default:
      return happened<2>{std::move(tags)};
  }
}

// A view that counts the positions it is given: what a projection folded.
struct seen_view {
  using event_type = event;
  using state_type = std::vector<std::size_t>;
  [[nodiscard]] state_type initial_state() const { return {}; }
  [[nodiscard]] state_type evolve(state_type s, const event& e) const {
    s.push_back(std::visit([](const auto& h) { return h.labels.size(); }, e));
    return s;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  decider::fuzzing::bytes in(data, size);
  const auto a = some_query(in);
  const auto b = some_query(in);
  const auto both = a | b;
  decider::memory_store<event> store;
  std::vector<std::pair<std::string, std::vector<decider::tag>>> log;
  const std::size_t events = in.below(24);
  for (std::size_t i = 0; i < events; ++i) {
    const std::size_t kind = in.below(3);
    auto e = make_event(kind, some_tags(in, 12));
    const auto tags = decider::tags_of(e);
    const std::string type(decider::type_name_of(e));
    require(a.matches(type, tags) == by_definition(a, type, tags));
    require(both.matches(type, tags) == (a.matches(type, tags) || b.matches(type, tags)));
    require(store.append({{std::move(e), {}}}).has_value());
    log.emplace_back(type, tags);
  }

  // Reads return exactly what matches, in order; backwards is the reverse; a limit cuts the front of either.
  const decider::read_options forwards{.from = in.below(events + 2), .backwards = false, .limit = std::nullopt};
  const auto read = store.read(a, forwards);
  require(read.has_value());
  std::vector<decider::position> expected;
  for (std::size_t p = std::max<std::size_t>(1, *forwards.from); p <= log.size(); ++p) {
    if (by_definition(a, log[p - 1].first, log[p - 1].second)) {
      expected.push_back(p);
    }
  }
  require(read->size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    require((*read)[i].position == expected[i]);
  }
  const auto all = store.read(a, {.from = std::nullopt, .backwards = true, .limit = std::nullopt});
  const auto every = store.read(a);
  require(all->size() == every->size());
  for (std::size_t i = 0; i < all->size(); ++i) {
    require((*all)[i].position == (*every)[every->size() - 1 - i].position);
  }
  const std::size_t limit = in.below(4);
  const auto few = store.read(a, {.from = std::nullopt, .backwards = false, .limit = limit});
  require(few->size() == std::min(limit, every->size()));

  // A decision model of two projections folds into each what its own query selects, whether the store reports
  // the matched items or the model matches them itself.
  const decider::decision_model model(decider::project(seen_view{}, a), decider::project(seen_view{}, b));
  auto state = model.initial_state();
  auto unreported = model.initial_state();
  const auto folded = decider::read_each(store, model.selects(), {},
                                         [&](const decider::stored_event<event>& e, decider::matched_items items) {
                                           state = model.evolve(std::move(state), e, items);
                                           unreported = model.evolve(std::move(unreported), e, 0);
                                         });
  require(folded.has_value());
  require(state == unreported);
  require(std::get<0>(state).size() == every->size());
  require(std::get<1>(state).size() == store.read(b)->size());
  return 0;
}
