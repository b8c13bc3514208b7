// The in-memory store against the DCB checklist (../shared/BRIEF.md): queries, ordering, positions, atomic
// batches, conditions, concurrency, distinct errors and idempotent retries.
#include <atomic>
#include <catch2/catch.hpp>
#include <latch>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include "decider/store/memory.hpp"
#include "support/store_events.hpp"

using namespace store_events;
using decider::append_condition;
using decider::event_to_append;
using decider::make_tag;
using decider::position;
using decider::query;
using decider::read_options;
using store = decider::memory_store<event>;

namespace {

std::vector<event_to_append<event>> batch(std::initializer_list<event> events) {
  std::vector<event_to_append<event>> out;
  for (const auto& e : events) {
    out.push_back({e, {}});
  }
  return out;
}

std::vector<position> positions(const decider::read_result<event>& r) {
  std::vector<position> out;
  for (const auto& e : *r) {
    out.push_back(e.position);
  }
  return out;
}

// c1 defined (1), c10 defined (2), s1 -> c1 (3), note tagged a,b (4), s2 -> c10 (5)
void fill(store& s) {
  REQUIRE(s.append(batch({course_defined{"c1", 2}, course_defined{"c10", 3}})).value() == 2);
  REQUIRE(s.append(batch({student_subscribed{"s1", "c1"}})).value() == 3);
  REQUIRE(s.append(batch({note{"x", {"a", "b"}}})).value() == 4);
  REQUIRE(s.append(batch({student_subscribed{"s2", "c10"}})).value() == 5);
}

}  // namespace

TEST_CASE("memory_store models event_store", "[store][memory]") { STATIC_REQUIRE(decider::event_store<store>); }

TEST_CASE("checklist 1: queries match by type and by all tags, items OR'ed", "[store][memory]") {
  store s;
  fill(s);
  CHECK(positions(s.read(query::all())) == std::vector<position>{1, 2, 3, 4, 5});
  CHECK(positions(s.read(decider::tagged({make_tag("course", "c1")}))) == std::vector<position>{1, 3});
  // Tags are exact: "course:c1" does not match "course:c10".
  CHECK(positions(s.read(decider::tagged({"course:c"}))).empty());
  CHECK(positions(s.read(decider::events({"student_subscribed"}))) == std::vector<position>{3, 5});
  CHECK(positions(s.read(decider::events({"student_subscribed"}, {"course:c10"}))) == std::vector<position>{5});
  // All tags of an item must be present.
  CHECK(positions(s.read(decider::tagged({"a", "b"}))) == std::vector<position>{4});
  CHECK(positions(s.read(decider::tagged({"a", "c"}))).empty());
  // Items are OR'ed, and an event matching two items is returned once.
  const auto either = decider::events({"course_defined"}) | decider::tagged({"course:c1"});
  CHECK(positions(s.read(either)) == std::vector<position>{1, 2, 3});
  // A type or tag listed twice in an item changes nothing (found by the model-based conformance test).
  CHECK(positions(s.read(decider::events({"note", "note"}))) == std::vector<position>{4});
  CHECK(positions(s.read(decider::tagged({"a", "a"}))) == std::vector<position>{4});
  // An item with several types matches any of them.
  CHECK(positions(s.read(decider::events({"note", "course_defined"}))) == std::vector<position>{1, 2, 4});
  // Reads return every tag of the event, as a set.
  const auto read = s.read(decider::events({"student_subscribed"}, {"student:s1"}));
  REQUIRE(read->size() == 1);
  CHECK(read->front().tags == std::vector<decider::tag>{"course:c1", "student:s1"});
  CHECK(read->front().type == "student_subscribed");
  CHECK(read->front().event == event{student_subscribed{"s1", "c1"}});
}

TEST_CASE("checklist 2: reads ascend, from is inclusive, backwards and limit", "[store][memory]") {
  store s;
  fill(s);
  CHECK(positions(s.read(query::all(), read_options{.from = 3})) == std::vector<position>{3, 4, 5});
  CHECK(positions(s.read(query::all(), read_options{.from = 3, .backwards = true})) == std::vector<position>{3, 2, 1});
  CHECK(positions(s.read(query::all(), read_options{.backwards = true, .limit = 2})) == std::vector<position>{5, 4});
  CHECK(positions(s.read(decider::tagged({"course:c1"}), read_options{.limit = 1})) == std::vector<position>{1});
  CHECK(positions(s.read(query::all(), read_options{.from = 99})).empty());
  // Options never change which events match, only the window.
  const auto q = decider::events({"student_subscribed", "course_defined"});
  CHECK(positions(s.read(q, read_options{.from = 2})) == std::vector<position>{2, 3, 5});
}

TEST_CASE("a forward read leaves out what each item's reader has seen, never an event another item asks for",
          "[store][memory]") {
  store s;
  fill(s);
  // Item 0: course c1's events (1, 3); item 1: the note tagged a (4); item 2: student s1's events (3).
  const query q = decider::tagged({"course:c1"}) | decider::tagged({"a"}) | decider::tagged({"student:s1"});
  const std::vector<position> seen{3, 0, 2};  // c1 seen through 3; nothing of the note; s1 through 2
  std::vector<std::pair<position, decider::matched_items>> read;
  REQUIRE(s.read_each(q, read_options{.items_after = seen},
                      [&](const auto& e, decider::matched_items items) { read.emplace_back(e.position, items); }));
  // Position 3 is still read for s1 (item 2), and reported as matching s1 alone; 1 is left out.
  CHECK(read == std::vector<std::pair<position, decider::matched_items>>{{3, 0b100}, {4, 0b010}});
  // Without the hint, or backwards, every match is read.
  CHECK(positions(s.read(q)) == std::vector<position>{1, 3, 4});
  CHECK(positions(s.read(q, read_options{.backwards = true, .items_after = seen})) == std::vector<position>{4, 3, 1});
}

TEST_CASE("checklist 3 and 4: positions start at 1 and increase, batches are non-empty and atomic", "[store][memory]") {
  store s;
  CHECK(s.head() == 0);
  auto empty = s.append({});
  REQUIRE_FALSE(empty.has_value());
  CHECK(std::holds_alternative<decider::invalid_append>(empty.error()));
  REQUIRE(s.append(batch({note{"1", {}}, note{"2", {}}, note{"3", {}}})).value() == 3);
  CHECK(positions(s.read(query::all())) == std::vector<position>{1, 2, 3});
  // A refused batch stores none of its events.
  auto refused = s.append(batch({note{"4", {}}, note{"5", {}}}), append_condition{query::all(), 2});
  REQUIRE_FALSE(refused.has_value());
  CHECK(s.head() == 3);
}

TEST_CASE("checklist 5: a condition fails iff a matching event is stored after its position", "[store][memory]") {
  // [docs:condition]
  const auto c1 = decider::tagged({"course:c1"});  // matches 1 and 3
  store t;
  fill(t);
  CHECK(t.append(batch({note{"after 3", {"course:c1"}}}), append_condition{c1, 3}).value() == 6);
  auto stale = t.append(batch({note{"after 2", {}}}), append_condition{c1, 2});
  REQUIRE_FALSE(stale.has_value());
  CHECK(stale.error() == decider::append_error{decider::condition_failed{3}});
  // Without `after`, any matching event fails it: uniqueness.
  CHECK_FALSE(t.append(batch({note{"unique", {}}}), append_condition{decider::tagged({"student:s2"}), {}}).has_value());
  CHECK(t.append(batch({note{"unique", {}}}), append_condition{decider::tagged({"student:s9"}), {}}).has_value());
  // [/docs:condition]
  // The batch's own events never trip its own condition.
  CHECK(t.append(batch({note{"self", {"fresh"}}, note{"self", {"fresh"}}}),
                 append_condition{decider::tagged({"fresh"}), {}})
            .has_value());
}

TEST_CASE("checklist 5 (position check): condition after the head passes when nothing newer matches",
          "[store][memory]") {
  store s;
  fill(s);
  CHECK(s.append(batch({note{"n", {}}}), append_condition{decider::tagged({"course:c1"}), 5}).value() == 6);
}

TEST_CASE("checklist 7: a failed condition is its own error, a retried batch is stored once", "[store][memory]") {
  store s;
  std::vector<event_to_append<event>> first{{note{"a", {}}, {.event_id = "e1"}}, {note{"b", {}}, {.event_id = "e2"}}};
  REQUIRE(s.append(first).value() == 2);
  REQUIRE(s.append(first).value() == 2);  // the retry answers as the first append did
  CHECK(s.head() == 2);
  auto reused = s.append({{note{"c", {}}, {.event_id = "e2"}}});
  REQUIRE_FALSE(reused.has_value());
  CHECK(std::holds_alternative<decider::invalid_append>(reused.error()));
  auto twice = s.append({{note{"d", {}}, {.event_id = "e9"}}, {note{"e", {}}, {.event_id = "e9"}}});
  REQUIRE_FALSE(twice.has_value());
  CHECK(std::holds_alternative<decider::invalid_append>(twice.error()));
  auto conflict = s.append(batch({note{"f", {}}}), append_condition{query::all(), 1});
  REQUIRE_FALSE(conflict.has_value());
  CHECK(std::holds_alternative<decider::condition_failed>(conflict.error()));
  CHECK(s.read(query::all())->at(0).metadata.event_id == "e1");
}

TEST_CASE("checklist 6: racers on one boundary, exactly one wins, a write-skew pair, exactly one is rejected",
          "[store][memory][concurrency]") {
  for (int round = 0; round < 50; ++round) {
    store s;
    REQUIRE(s.append(batch({course_defined{"c1", 1}})).value() == 1);
    const auto boundary = decider::tagged({"course:c1"});
    std::atomic<int> wins{0};
    std::latch all_read(8);
    std::vector<std::thread> racers;
    for (int r = 0; r < 8; ++r) {
      racers.emplace_back([&, r] {
        const auto read = s.read(boundary);
        const position seen = read->back().position;
        all_read.arrive_and_wait();  // every racer decides on the same state
        if (s.append(batch({student_subscribed{"s" + std::to_string(r), "c1"}}), append_condition{boundary, seen})) {
          wins++;
        }
      });
    }
    for (auto& t : racers) {
      t.join();
    }
    REQUIRE(wins.load() == 1);
    REQUIRE(s.read(boundary)->size() == 2);
  }
  for (int round = 0; round < 50; ++round) {
    // Write skew: each writer reads both x and y, then writes only its own; the union query catches it.
    store s;
    const auto both = decider::tagged({"x"}) | decider::tagged({"y"});
    std::atomic<int> wins{0};
    std::latch all_read(2);
    std::vector<std::thread> writers;
    for (const char* mine : {"x", "y"}) {
      writers.emplace_back([&, mine] {
        const auto read = s.read(both);
        const position seen = read->empty() ? 0 : read->back().position;
        all_read.arrive_and_wait();
        if (s.append(batch({note{"on call", {mine}}}), append_condition{both, seen})) {
          wins++;
        }
      });
    }
    for (auto& t : writers) {
      t.join();
    }
    REQUIRE(wins.load() == 1);
  }
}

TEST_CASE("checklist 6: appends on disjoint boundaries never fail", "[store][memory][concurrency]") {
  store s;
  std::atomic<int> failures{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      const auto mine = decider::tagged({"writer:" + std::to_string(w)});
      for (int i = 0; i < 500; ++i) {
        const auto read = s.read(mine);
        const position seen = read->empty() ? 0 : read->back().position;
        if (!s.append(batch({note{"n", {"writer:" + std::to_string(w)}}}), append_condition{mine, seen})) {
          failures++;
        }
      }
    });
  }
  for (auto& t : writers) {
    t.join();
  }
  CHECK(failures.load() == 0);
  CHECK(s.head() == 2000);
}

TEST_CASE("read_each visits what read returns, in place, for a streaming store and through read for any other",
          "[store][memory]") {
  STATIC_REQUIRE(decider::streaming_event_store<store>);
  store s;
  fill(s);
  const auto q = decider::events({"student_subscribed"}) | decider::tagged({"a"});
  for (const auto& options : {read_options{}, read_options{.from = 4}, read_options{.backwards = true, .limit = 2}}) {
    std::vector<position> visited;
    const auto count = decider::read_each(s, q, options, [&](const auto& e) { visited.push_back(e.position); });
    REQUIRE(count.has_value());
    CHECK(*count == visited.size());
    CHECK(visited == positions(s.read(q, options)));
  }
  // A store with read() only: read_each reads, then visits.
  struct read_only {
    using event_type = event;
    store* inner;
    decider::read_result<event> read(const query& q2, const read_options& o) { return inner->read(q2, o); }
    decider::append_result append(std::vector<event_to_append<event>> b, const std::optional<append_condition>& c) {
      return inner->append(std::move(b), c);
    }
  };
  STATIC_REQUIRE(decider::event_store<read_only>);
  STATIC_REQUIRE_FALSE(decider::streaming_event_store<read_only>);
  read_only plain{&s};
  std::vector<position> visited;
  CHECK(decider::read_each(plain, q, {}, [&](const auto& e) { visited.push_back(e.position); }).value() == 3);
  CHECK(visited == std::vector<position>{3, 4, 5});
}

TEST_CASE("queries of thousands of items: the union keeps each item once, in order, reads and conditions match",
          "[store][memory]") {
  store s;
  query wide;
  for (int c = 0; c < 3000; ++c) {
    const auto course = "c" + std::to_string(c);
    REQUIRE(s.append(batch({course_defined{course, 1}})).has_value());
    wide.items.push_back({{}, {make_tag("course", course)}});
  }
  query evens;
  for (std::size_t i = 0; i < wide.items.size(); i += 2) {
    evens.items.push_back(wide.items[i]);
  }
  const auto both = evens | wide;  // 1500 items, then the 1500 odd ones
  REQUIRE(both.items.size() == 3000);
  CHECK(both.items[0] == wide.items[0]);
  CHECK(both.items[1499] == wide.items[2998]);
  CHECK(both.items[1500] == wide.items[1]);
  CHECK((both | both).items == both.items);
  const auto all = s.read(both);
  REQUIRE(all->size() == 3000);
  CHECK(all->back().position == 3000);
  CHECK(positions(s.read(both, read_options{.from = 2990, .backwards = true, .limit = 3})) ==
        std::vector<position>{2990, 2989, 2988});
  CHECK(s.append(batch({note{"n", {}}}), append_condition{both, 3000}).has_value());  // a note is none of them
  const auto late = s.append(batch({student_subscribed{"s", "c2999"}}), append_condition{evens, 3001});
  CHECK(late.has_value());  // c2999 is odd: not in `evens`
  const auto conflict = s.append(batch({note{"n", {}}}), append_condition{both, 3001});
  REQUIRE_FALSE(conflict.has_value());
  CHECK(std::get<decider::condition_failed>(conflict.error()).conflicting == 3002);
}

TEST_CASE("read_each reports which items of the query each event matched", "[store][memory]") {
  store s;
  fill(s);
  const auto q = decider::events({"student_subscribed"}) | decider::tagged({"a"}) | decider::tagged({"course:c1"});
  std::vector<std::pair<position, decider::matched_items>> seen;
  REQUIRE(decider::read_each(s, q, {}, [&](const auto& e, decider::matched_items items) {
            seen.emplace_back(e.position, items);
          }).has_value());
  using hits = std::vector<std::pair<position, decider::matched_items>>;
  CHECK(seen == hits{{1, 0b100}, {3, 0b101}, {4, 0b010}, {5, 0b001}});
  seen.clear();
  REQUIRE(decider::read_each(s, q, read_options{.backwards = true, .limit = 2},
                             [&](const auto& e, decider::matched_items items) { seen.emplace_back(e.position, items); })
              .has_value());
  CHECK(seen == hits{{5, 0b001}, {4, 0b010}});
  seen.clear();
  // One item: bit 0. The query that matches everything: 0, "not reported".
  REQUIRE(decider::read_each(s, decider::tagged({"a"}), {}, [&](const auto& e, decider::matched_items items) {
            seen.emplace_back(e.position, items);
          }).has_value());
  REQUIRE(
      decider::read_each(s, query::all(), read_options{.limit = 1}, [&](const auto& e, decider::matched_items items) {
        seen.emplace_back(e.position, items);
      }).has_value());
  CHECK(seen == hits{{4, 0b1}, {1, 0}});
}

TEST_CASE("the memory store's log keeps each element where it was stored as it grows chunk by chunk",
          "[store][memory]") {
  decider::detail::chunked_log<std::string, 2> log;  // chunks of 4: most appends below cross or open a chunk
  CHECK(log.empty());
  std::vector<const std::string*> addresses;
  for (int i = 0; i < 37; ++i) {
    log.push_back("event number " + std::to_string(i) + " (long enough to live on the heap)");
    addresses.push_back(&log[log.size() - 1]);
  }
  REQUIRE(log.size() == 37);
  for (std::size_t i = 0; i < log.size(); ++i) {
    CHECK(&log[i] == addresses[i]);  // never moved
    CHECK(log[i] == "event number " + std::to_string(i) + " (long enough to live on the heap)");
  }
}

TEST_CASE("the memory store's tag index finds every key it was given, and no other, as it grows", "[store][memory]") {
  decider::detail::string_index<std::vector<position>> index;
  CHECK(index.find("course:c1") == nullptr);  // empty: nothing to find
  std::vector<const std::vector<position>*> addresses;
  for (position i = 0; i < 5000; ++i) {
    auto& list = index["tag:" + std::to_string(i)];
    list.push_back(i);
    addresses.push_back(&list);
  }
  index["tag:7"].push_back(70);  // an existing key: the same value, not a new one
  CHECK(index.size() == 5000);
  for (position i = 0; i < 5000; ++i) {
    const auto* found = index.find("tag:" + std::to_string(i));
    REQUIRE(found != nullptr);
    CHECK(found == addresses[i]);  // values never move as the index grows
    CHECK(found->front() == i);
  }
  CHECK(*index.find("tag:7") == std::vector<position>{7, 70});
  CHECK(index.find("tag:5000") == nullptr);
  CHECK(index.find("tag:") == nullptr);
  CHECK(index.find("") == nullptr);
  CHECK(index.find(std::string_view("tag:123", 6)) == index.find("tag:12"));  // by length, not up to a NUL
}
