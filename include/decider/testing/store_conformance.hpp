// decider/testing/store_conformance.hpp — the DCB checklist as a reusable suite: run it against your own
// event_store in a few lines. The store must store decider::testing::conformance::event (its events carry a type
// name and free tags). Every check starts from a fresh store made by your factory.
//   auto report = decider::testing::check_event_store([] { return std::make_unique<my_store>(...); });
//   REQUIRE(report.failures.empty());   // report.describe() lists what failed and why
#pragma once

#include <rapidcheck.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <latch>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "decider/store/capabilities.hpp"
#include "decider/store/concepts.hpp"
#include "decider/store/event.hpp"
#include "decider/store/query.hpp"
#include "decider/testing/print.hpp"

namespace decider::testing {

namespace conformance {

// Events of three types that carry whatever tags a check gives them.
template <int Kind>
struct tagged_event {
  static constexpr std::string_view type_name = Kind == 0 ? "alpha" : (Kind == 1 ? "beta" : "gamma");
  std::vector<tag> labels;
  std::string payload;
  [[nodiscard]] std::vector<tag> tags() const { return labels; }
  friend bool operator==(const tagged_event&, const tagged_event&) = default;
};
using alpha = tagged_event<0>;
using beta = tagged_event<1>;
using gamma = tagged_event<2>;
using event = std::variant<alpha, beta, gamma>;

}  // namespace conformance

struct conformance_options {
  std::size_t concurrent_appends = 100'000;  // in the replay validation, over 4 threads
  std::size_t racers = 8;
  std::size_t rounds = 20;
};

struct conformance_report {
  std::size_t checks = 0;
  std::vector<std::string> failures;
  [[nodiscard]] bool ok() const noexcept { return failures.empty(); }
  [[nodiscard]] std::string describe() const {
    std::string out = std::to_string(checks) + " checks, " + std::to_string(failures.size()) + " failed";
    for (const auto& f : failures) {
      out += "\n  - " + f;
    }
    return out;
  }
};

namespace detail {

using conformance::event;

inline std::vector<event_to_append<event>> one(event e, std::string id = {}) {
  return {{std::move(e), event_metadata{.event_id = std::move(id)}}};
}

template <class Store>
std::vector<position> positions_of(Store& store, const query& q, const read_options& options = {}) {
  std::vector<position> out;
  const auto read = store.read(q, options);
  if (read.has_value()) {
    for (const auto& e : *read) {
      out.push_back(e.position);
    }
  }
  return out;
}

class recorder {
 public:
  explicit recorder(conformance_report& report) : report_(&report) {}
  void check(bool holds, const std::string& what) {
    ++report_->checks;
    if (!holds) {
      report_->failures.push_back(what);
    }
  }

 private:
  conformance_report* report_;
};

// 1: c1 alpha{x} 2: beta{x,y} 3: gamma{y} 4: alpha{xy} 5: beta{}
template <class Store>
bool seed(Store& store) {
  using namespace conformance;
  return store.append({{alpha{{"x"}, "1"}}, {beta{{"x", "y"}, "2"}}}).has_value() &&
         store.append(one(gamma{{"y"}, "3"})).has_value() && store.append(one(alpha{{"xy"}, "4"})).has_value() &&
         store.append(one(beta{{}, "5"})).has_value();
}

template <class Factory>
void check_queries(const Factory& make, recorder& r) {
  auto store = make();
  r.check(seed(*store), "1: seeding five events succeeds");
  using v = std::vector<position>;
  r.check(positions_of(*store, query::all()) == v{1, 2, 3, 4, 5}, "1: the empty query matches every event");
  r.check(positions_of(*store, tagged({"x"})) == v{1, 2}, "1: a tag matches exactly (\"x\" is not \"xy\")");
  r.check(positions_of(*store, tagged({"x", "y"})) == v{2}, "1: an item needs all its tags");
  r.check(positions_of(*store, events({"alpha"})) == v{1, 4}, "1: an item with types matches those types");
  r.check(positions_of(*store, events({"alpha", "gamma"}, {"y"})) == v{3}, "1: types AND tags");
  r.check(positions_of(*store, tagged({"x"}) | events({"gamma"})) == v{1, 2, 3}, "1: items are OR'ed, no duplicates");
  r.check(positions_of(*store, tagged({"nobody"})).empty(), "1: an unknown tag matches nothing");
  const auto read = store->read(tagged({"y"}));
  r.check(read.has_value() && read->size() == 2 && read->front().tags == std::vector<tag>{"x", "y"} &&
              read->front().type == "beta",
          "1: reads return the type name and every tag of the event");
}

template <class Factory>
void check_ordering(const Factory& make, recorder& r) {
  auto store = make();
  r.check(seed(*store), "2: seeding five events succeeds");
  using v = std::vector<position>;
  r.check(positions_of(*store, query::all(), {.from = 3}) == v{3, 4, 5}, "2: from is inclusive");
  r.check(positions_of(*store, query::all(), {.from = 3, .backwards = true}) == v{3, 2, 1},
          "2: backwards reads down from `from`");
  r.check(positions_of(*store, query::all(), {.from = {}, .backwards = true, .limit = 2}) == v{5, 4},
          "2: backwards with a limit reads the last ones");
  r.check(positions_of(*store, tagged({"x"}), {.from = {}, .backwards = false, .limit = 1}) == v{1},
          "2: a limit bounds a forwards read");
  r.check(positions_of(*store, tagged({"y"}), {.from = 3}) == v{3}, "2: options never change which events match");
}

template <class Factory>
void check_appends(const Factory& make, recorder& r) {
  using namespace conformance;
  auto store = make();
  const auto empty = store->append({});
  r.check(!empty.has_value() && std::holds_alternative<invalid_append>(empty.error()),
          "4: an empty batch is refused as invalid_append");
  const auto first = store->append({{alpha{{"a"}, "1"}}, {alpha{{"a"}, "2"}}, {alpha{{"a"}, "3"}}});
  r.check(first.has_value() && *first == 3, "3: positions start at 1 and the append returns the last");
  const auto refused =
      store->append({{beta{{"a"}, "4"}}, {beta{{"a"}, "5"}}}, append_condition{tagged({"a"}), position{1}});
  r.check(!refused.has_value() && std::holds_alternative<condition_failed>(refused.error()),
          "5: a condition fails when a matching event is after `after`");
  r.check(positions_of(*store, query::all()).size() == 3, "4: a refused batch stores none of its events");
  r.check(store->append(one(gamma{{"a"}, "6"}), append_condition{tagged({"a"}), position{3}}).has_value(),
          "5: a condition passes when no matching event is after `after`");
  r.check(!store->append(one(gamma{{}, "7"}), append_condition{tagged({"a"}), std::nullopt}).has_value(),
          "5: without `after`, any matching event fails the condition");
  r.check(store->append(one(gamma{{}, "8"}), append_condition{tagged({"unused"}), std::nullopt}).has_value(),
          "5: without `after`, no matching event passes");
  r.check(
      store->append({{alpha{{"own"}, "9"}}, {alpha{{"own"}, "10"}}}, append_condition{tagged({"own"}), std::nullopt})
          .has_value(),
      "5: a batch's own events never trip its own condition");
  const auto ids =
      store->append({{beta{{"i"}, "11"}, {.event_id = "id-1"}}, {beta{{"i"}, "12"}, {.event_id = "id-2"}}});
  const auto again =
      store->append({{beta{{"i"}, "11"}, {.event_id = "id-1"}}, {beta{{"i"}, "12"}, {.event_id = "id-2"}}});
  r.check(ids.has_value() && again.has_value() && *again == *ids && positions_of(*store, tagged({"i"})).size() == 2,
          "7: a retried batch with the same event ids is stored once");
  const auto tail = store->append({{beta{{"i"}, "12"}, {.event_id = "id-2"}}});
  const auto head = store->append({{beta{{"i"}, "11"}, {.event_id = "id-1"}}});
  const auto more = store->append({{beta{{"i"}, "11"}, {.event_id = "id-1"}},
                                   {beta{{"i"}, "12"}, {.event_id = "id-2"}},
                                   {beta{{"i"}, "13"}, {.event_id = "id-3"}}});
  const auto invalid = [](const append_result& a) {
    return !a.has_value() && std::holds_alternative<invalid_append>(a.error());
  };
  r.check(invalid(tail) && invalid(head) && invalid(more) && positions_of(*store, tagged({"i"})).size() == 2,
          "7: part of an earlier batch, or more than it, is not a retry: invalid_append, nothing stored");
  const auto doubled =
      store->append({{beta{{"d"}, "d1"}, {.event_id = "id-d"}}, {beta{{"d"}, "d2"}, {.event_id = "id-d"}}});
  r.check(invalid(doubled) && positions_of(*store, tagged({"d"})).empty(),
          "7: an event id given twice in one batch is refused: invalid_append, nothing stored");
  // An event given no id gets one from the store; that id names it: given again, to another event, it is refused.
  const auto unnamed = store->append(one(gamma{{"u"}, "14"}));
  const auto read_back = store->read(tagged({"u"}));
  const std::string made_up =
      read_back.has_value() && read_back->size() == 1 ? read_back->front().metadata.event_id : std::string();
  const auto taken = store->append(one(gamma{{"u"}, "15"}, made_up));
  r.check(unnamed.has_value() && !made_up.empty() && invalid(taken) && positions_of(*store, tagged({"u"})).size() == 1,
          "7: an id the store made up for an event is that event's: given to another, it is refused");
  // A batch with an event given no id is never a retry: that event cannot be recognized.
  const auto mixed = store->append({{gamma{{"m"}, "16"}, {.event_id = "id-m"}}, {gamma{{"m"}, "17"}, {}}});
  const auto mixed_again = store->append({{gamma{{"m"}, "16"}, {.event_id = "id-m"}}, {gamma{{"m"}, "17"}, {}}});
  r.check(mixed.has_value() && invalid(mixed_again) && positions_of(*store, tagged({"m"})).size() == 2,
          "7: a batch with an event given no id is not a retry: invalid_append, nothing stored");
  const auto ps = positions_of(*store, query::all());
  r.check(std::adjacent_find(ps.begin(), ps.end(), std::greater_equal<>()) == ps.end(), "3: positions increase");
}

// A store that checks a condition item by item (decider::item_conditional_event_store): each item from its own
// position, exactly.
template <class Factory>
void check_item_conditions(const Factory& make, recorder& r) {
  using namespace conformance;
  using store_type = std::remove_cvref_t<decltype(*make())>;
  if constexpr (item_conditional_event_store<store_type>) {
    auto store = make();
    // 1 a, 2 b, 3 a b, 4 c
    r.check(store->append({{alpha{{"a"}, "1"}}, {alpha{{"b"}, "2"}}, {beta{{"a", "b"}, "3"}}, {gamma{{"c"}, "4"}}})
                .has_value(),
            "5i: seeding four events succeeds");
    const query q = tagged({"a"}) | tagged({"b"});
    const auto passes = [&](std::vector<position> floors) {
      return store->append_unless_items(one(gamma{{"z"}, "x"}), q, floors).has_value();
    };
    const auto fails = [&](std::vector<position> floors) {
      const auto a = store->append_unless_items(one(gamma{{"z"}, "x"}), q, floors);
      return !a.has_value() && std::holds_alternative<condition_failed>(a.error());
    };
    r.check(passes({3, 3}), "5i: a condition passes when no item has a matching event after its own position");
    r.check(fails({2, 3}) && fails({3, 2}),
            "5i: an event one past an item's position fails it, whichever item's position it is");
    r.check(fails({3, 0}) && fails({0, 3}), "5i: an item's position does not cover another item's events");
    r.check(passes({5, 6}) && passes({9, 9}), "5i: positions past the last event pass");
    r.check(positions_of(*store, tagged({"z"})) == std::vector<position>{5, 6, 7},
            "5i: the batches that passed are stored, and the others are not");
  }
}

template <class Factory>
void check_racers(const Factory& make, recorder& r, const conformance_options& options) {
  using namespace conformance;
  bool exactly_one = true;
  bool skew_caught = true;
  for (std::size_t round = 0; round < options.rounds; ++round) {
    auto store = make();
    const bool started = store->append(one(alpha{{"b"}, "start"})).has_value();
    exactly_one = exactly_one && started;
    std::atomic<int> wins{0};
    std::latch ready(static_cast<std::ptrdiff_t>(options.racers));
    std::vector<std::thread> racers;
    for (std::size_t i = 0; i < options.racers; ++i) {
      racers.emplace_back([&, i] {
        const auto seen = positions_of(*store, tagged({"b"}));
        ready.arrive_and_wait();
        // A store whose read fails here gets no position to guard: its appends then race on the whole boundary.
        const std::optional<position> after = seen.empty() ? std::nullopt : std::optional<position>(seen.back());
        if (store->append(one(beta{{"b"}, std::to_string(i)}), append_condition{tagged({"b"}), after})) {
          ++wins;
        }
      });
    }
    for (auto& t : racers) {
      t.join();
    }
    exactly_one = exactly_one && wins == 1;

    auto skew = make();
    const auto both = tagged({"x"}) | tagged({"y"});
    std::atomic<int> skew_wins{0};
    std::latch both_read(2);
    std::vector<std::thread> pair;
    for (const char* mine : {"x", "y"}) {
      pair.emplace_back([&, mine] {
        const auto seen = positions_of(*skew, both);
        both_read.arrive_and_wait();
        const std::optional<position> after = seen.empty() ? std::nullopt : std::optional<position>(seen.back());
        if (skew->append(one(gamma{{mine}, "on call"}), append_condition{both, after})) {
          ++skew_wins;
        }
      });
    }
    for (auto& t : pair) {
      t.join();
    }
    skew_caught = skew_caught && skew_wins == 1;
  }
  // The same batch sent by several callers at once (a retry racing its first try), round after round on one store:
  // stored once, and every caller gets the position of its last event. Durable stores commit such racers in one
  // group once they have seen them queue together.
  bool once = true;
  {
    auto store = make();
    for (std::size_t round = 0; round < options.rounds; ++round) {
      const std::string tag_of_round = "r" + std::to_string(round);
      std::vector<append_result> answers(options.racers);
      std::latch ready(static_cast<std::ptrdiff_t>(options.racers));
      std::vector<std::thread> racers;
      for (std::size_t i = 0; i < options.racers; ++i) {
        racers.emplace_back([&, i] {
          ready.arrive_and_wait();
          answers[i] = store->append({{beta{{tag_of_round}, "1"}, {.event_id = tag_of_round + "-1"}},
                                      {beta{{tag_of_round}, "2"}, {.event_id = tag_of_round + "-2"}}});
        });
      }
      for (auto& t : racers) {
        t.join();
      }
      const auto stored = positions_of(*store, tagged({tag_of_round}));
      once = once && stored.size() == 2;
      for (const auto& a : answers) {
        once = once && a.has_value() && *a == stored.back();
      }
    }
  }
  r.check(once, "7: one batch appended by racers at once is stored once, and each racer gets its last position");
  r.check(exactly_one, "6: racers that read one boundary at the same position: exactly one append wins");
  r.check(skew_caught, "6: a write-skew pair on a union query: exactly one is rejected");
}

}  // namespace detail

// One conditional append of a random workload, as tried and as answered: what replay validation checks.
struct append_attempt {
  tag boundary;                   // the condition: tagged({boundary}), which the appended event also carries
  std::optional<position> after;  // the condition's `after`
  std::string id;                 // the event id, unique per attempt
  bool contended = true;          // false: a boundary only this writer appends to
  std::optional<position> last;   // the append's answer, when it was accepted
};

// `count` conditional appends of one writer: each reads the last event of a boundary (one of 16 shared ones, or the
// writer's own), and appends an event on that boundary under the condition "nothing since". Ids start with
// `writer` and are unique per writer.
template <class Store>
std::vector<append_attempt> random_conditional_appends(Store& store, const std::string& writer, unsigned seed,
                                                       std::size_t count) {
  using conformance::beta;
  std::mt19937 random(seed);
  std::vector<append_attempt> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const auto shared = "shared:" + std::to_string(random() % 16);
    const bool on_shared = random() % 2 == 0;
    append_attempt a{on_shared ? shared : "writer:" + writer, std::nullopt, writer + "-" + std::to_string(i), on_shared,
                     std::nullopt};
    const auto boundary = tagged({a.boundary});
    const auto seen = detail::positions_of(store, boundary, {.from = {}, .backwards = true, .limit = 1});
    a.after = seen.empty() ? std::nullopt : std::optional<position>(seen.front());
    auto appended = store.append(detail::one(beta{{a.boundary}, a.id}, a.id), append_condition{boundary, a.after});
    if (appended.has_value()) {
      a.last = *appended;
    }
    out.push_back(std::move(a));
  }
  return out;
}

// What a replay of the log says about a set of attempts; `describe` is empty when every promise held.
struct replay_findings {
  std::size_t attempts = 0;
  std::size_t accepted = 0;
  bool increasing = true;                // positions increase along the log
  bool all_stored = true;                // every accepted attempt's event is in the log, at the position answered
  bool nothing_else = true;              // the log holds no event of a refused attempt
  bool conditions_held = true;           // no accepted attempt had a matching event between its `after` and itself
  std::size_t uncontended_refusals = 0;  // attempts on a writer's own boundary that were refused
  [[nodiscard]] bool ok() const noexcept {
    return increasing && all_stored && nothing_else && conditions_held && uncontended_refusals == 0;
  }
};

// Replays `log` (every event of the store, in order) against the attempts. Events that no attempt made (stored
// before, or by others) are allowed, and count as conflicts where they match.
template <class Event>
replay_findings validate_replay(const std::vector<stored_event<Event>>& log,
                                const std::vector<append_attempt>& attempts) {
  replay_findings f;
  f.attempts = attempts.size();
  std::unordered_map<std::string_view, position> stored;
  for (std::size_t i = 0; i < log.size(); ++i) {
    stored.emplace(log[i].metadata.event_id, log[i].position);
    f.increasing = f.increasing && (i == 0 || log[i].position > log[i - 1].position);
  }
  for (const auto& a : attempts) {
    const auto at = stored.find(a.id);
    if (!a.last) {
      f.nothing_else = f.nothing_else && at == stored.end();
      f.uncontended_refusals += a.contended ? 0 : 1;
      continue;
    }
    ++f.accepted;
    f.all_stored = f.all_stored && at != stored.end() && at->second == *a.last;
    const auto boundary = tagged({a.boundary});
    const auto from = std::lower_bound(log.begin(), log.end(), a.after.value_or(0) + 1,
                                       [](const stored_event<Event>& e, position p) { return e.position < p; });
    for (auto e = from; e != log.end() && e->position < *a.last; ++e) {
      if (boundary.matches(e->type, e->tags)) {
        f.conditions_held = false;
        break;
      }
    }
  }
  return f;
}

namespace detail {

// Random conditional appends from 4 threads, then a replay of the log: no accepted append may have a matching
// event between its `after` and its own position, and no refused append's events may be stored.
template <class Factory>
void check_replay(const Factory& make, recorder& r, const conformance_options& options) {
  auto store = make();
  std::mutex mutex;
  std::vector<append_attempt> attempts;
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      auto mine = random_conditional_appends(*store, "r" + std::to_string(t), t + 1, options.concurrent_appends / 4);
      std::lock_guard lock(mutex);
      attempts.insert(attempts.end(), std::make_move_iterator(mine.begin()), std::make_move_iterator(mine.end()));
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  const auto log = store->read(query::all());
  r.check(log.has_value(), "6: the log can be read after the concurrent appends");
  if (!log.has_value()) {
    return;
  }
  const auto f = validate_replay(*log, attempts);
  r.check(f.increasing, "3: positions increase in the log after concurrent appends");
  r.check(f.all_stored && f.accepted == log->size(), "4: every accepted append is stored, nothing else");
  r.check(f.nothing_else, "4: no refused append left an event behind");
  r.check(f.conditions_held, "6: replaying the log, no accepted append violated its condition (" +
                                 std::to_string(f.attempts) + " attempts, " + std::to_string(f.accepted) +
                                 " accepted)");
  r.check(f.uncontended_refusals == 0, "6: appends on boundaries no one else writes never fail");
}

// A trivially correct model: a vector scanned linearly.
struct model_store {
  std::vector<stored_event<event>> log;
  std::vector<position> read(const query& q, const read_options& o) const {
    std::vector<position> out;
    for (const auto& e : log) {
      const bool in_window = !o.from || (o.backwards ? e.position <= *o.from : e.position >= *o.from);
      if (in_window && q.matches(e.type, e.tags)) {
        out.push_back(e.position);
      }
    }
    if (o.backwards) {
      std::reverse(out.begin(), out.end());
    }
    if (o.limit && out.size() > *o.limit) {
      out.resize(*o.limit);
    }
    return out;
  }
  bool append(const std::vector<event>& batch, const std::optional<append_condition>& c) {
    if (c) {
      for (const auto& e : log) {
        if (e.position > c->after.value_or(0) && c->fail_if_events_match.matches(e.type, e.tags)) {
          return false;
        }
      }
    }
    return append(batch);
  }
  // Unless an event matching item i of q is stored after items_after[i].
  bool append(const std::vector<event>& batch, const query& q, const std::vector<position>& items_after) {
    for (const auto& e : log) {
      for (std::size_t i = 0; i < q.items.size(); ++i) {
        if (e.position > items_after[i] && q.items[i].matches(e.type, e.tags)) {
          return false;
        }
      }
    }
    return append(batch);
  }
  bool append(const std::vector<event>& batch) {
    for (const auto& e : batch) {
      const position p = log.size() + 1;
      log.push_back({p, std::string(type_name_of(e)), tags_of(e), e, {}});
    }
    return true;
  }
};

inline rc::Gen<std::vector<tag>> gen_tags() {
  return rc::gen::container<std::vector<tag>>(rc::gen::element<tag>("t1", "t2", "t3", "t4"));
}
inline rc::Gen<event> gen_event() {
  using namespace conformance;
  return rc::gen::oneOf(rc::gen::map(gen_tags(),
                                     [](std::vector<tag> t) {
                                       return event{alpha{std::move(t), ""}};
                                     }),
                        rc::gen::map(gen_tags(),
                                     [](std::vector<tag> t) {
                                       return event{beta{std::move(t), ""}};
                                     }),
                        rc::gen::map(gen_tags(), [](std::vector<tag> t) {
                          return event{gamma{std::move(t), ""}};
                        }));
}
inline rc::Gen<query> gen_query() {
  const auto item = rc::gen::apply(
      [](std::vector<std::string> types, std::vector<tag> tags) {
        return query_item{std::move(types), std::move(tags)};
      },
      rc::gen::container<std::vector<std::string>>(rc::gen::element<std::string>("alpha", "beta", "gamma")),
      gen_tags());
  return rc::gen::map(rc::gen::container<std::vector<query_item>>(item),
                      [](std::vector<query_item> items) { return query{std::move(items)}; });
}

template <class Factory>
void check_against_model(const Factory& make, recorder& r) {
  const bool held = rc::check("event store behaves as the model store", [&] {
    auto store = make();
    model_store model;
    const auto steps = *rc::gen::inRange(1, 40);
    for (int i = 0; i < steps; ++i) {
      if (*rc::gen::inRange(0, 3) == 0) {
        const auto q = *gen_query();
        read_options o;
        if (*rc::gen::arbitrary<bool>()) {
          o.from = *rc::gen::inRange<position>(0, model.log.size() + 2);
        }
        o.backwards = *rc::gen::arbitrary<bool>();
        if (*rc::gen::arbitrary<bool>()) {
          o.limit = *rc::gen::inRange<std::size_t>(0, 5);
        }
        const auto actual = positions_of(*store, q, o);
        const auto expected = model.read(q, o);
        if (actual != expected) {
          RC_LOG() << "read " << testing::describe(q) << " from " << testing::describe(o.from) << " backwards "
                   << o.backwards << " limit " << testing::describe(o.limit) << ": store " << testing::describe(actual)
                   << " model " << testing::describe(expected) << '\n';
        }
        RC_ASSERT(actual == expected);
      } else {
        const auto batch = *rc::gen::nonEmpty(rc::gen::container<std::vector<event>>(gen_event()));
        std::optional<append_condition> c;
        if (*rc::gen::arbitrary<bool>()) {
          std::optional<position> after;
          if (*rc::gen::arbitrary<bool>()) {
            after = *rc::gen::inRange<position>(0, model.log.size() + 2);
          }
          c = append_condition{*gen_query(), after};
        }
        std::vector<event_to_append<event>> items;
        items.reserve(batch.size());
        for (const auto& e : batch) {
          items.push_back({e, {}});
        }
        // A store that checks conditions item by item (decider::item_conditional_event_store) gets half of them
        // that way, with a random position per item; one that takes conditions by parts
        // (decider::borrowing_event_store), half of the others that way.
        bool stored = false;
        using store_type = std::remove_cvref_t<decltype(*store)>;
        if constexpr (item_conditional_event_store<store_type>) {
          if (c && !c->fail_if_events_match.matches_all() && *rc::gen::arbitrary<bool>()) {
            const auto& q = c->fail_if_events_match;
            const auto floors = *rc::gen::container<std::vector<position>>(
                q.items.size(), rc::gen::inRange<position>(0, model.log.size() + 2));
            stored = store->append_unless_items(std::move(items), q, floors).has_value();
            const bool modeled = model.append(batch, q, floors);
            if (stored != modeled) {
              RC_LOG() << "append " << testing::describe(batch) << " unless " << testing::describe(q)
                       << " after, item by item, " << testing::describe(floors) << ": store " << stored << " model "
                       << modeled << '\n';
            }
            RC_ASSERT(stored == modeled);
            continue;
          }
        }
        if constexpr (borrowing_event_store<store_type>) {
          if (c && *rc::gen::arbitrary<bool>()) {
            stored = store->append_unless(std::move(items), c->fail_if_events_match, c->after).has_value();
          } else {
            stored = store->append(std::move(items), c).has_value();
          }
        } else {
          stored = store->append(std::move(items), c).has_value();
        }
        const bool modeled = model.append(batch, c);
        if (stored != modeled) {
          RC_LOG() << "append " << testing::describe(batch) << " condition "
                   << (c ? testing::describe(c->fail_if_events_match) + " after " + testing::describe(c->after)
                         : std::string("none"))
                   << ": store " << stored << " model " << modeled << '\n';
        }
        RC_ASSERT(stored == modeled);
      }
    }
  });
  r.check(held, "model: random reads and conditional appends agree with a linear-scan model (rapidcheck)");
}

}  // namespace detail

// Runs the DCB checklist against stores made by `make` (a callable returning a pointer-like to a fresh store).
template <class Factory>
conformance_report check_event_store(Factory make, const conformance_options& options = {}) {
  using store_type = std::remove_cvref_t<decltype(*make())>;
  static_assert(decider::detail::check_event_store<store_type>());
  static_assert(std::is_same_v<typename store_type::event_type, conformance::event>,
                "decider::testing::check_event_store: the store must store decider::testing::conformance::event.");
  conformance_report report;
  detail::recorder r(report);
  detail::check_queries(make, r);
  detail::check_ordering(make, r);
  detail::check_appends(make, r);
  detail::check_item_conditions(make, r);
  detail::check_racers(make, r, options);
  detail::check_replay(make, r, options);
  detail::check_against_model(make, r);
  return report;
}

}  // namespace decider::testing
