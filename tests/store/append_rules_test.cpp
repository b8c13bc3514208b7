// The append rules (decider::judge_batch) and the durable stores' commit plan, without a store or a server.
#include "decider/store/append_rules.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "decider/store/detail/commit_plan.hpp"

namespace {

struct item {
  decider::event_metadata metadata;
};
std::vector<item> batch(std::initializer_list<const char*> ids) {
  std::vector<item> out;
  for (const char* id : ids) {
    out.push_back({{.event_id = id}});
  }
  return out;
}

// A store's ids: id -> where it is; each stored batch from `first`, its ids in order ("" for an event given none).
struct known_ids {
  std::map<std::string, decider::stored_id, std::less<>> at;
  std::vector<std::string> asked;
  decider::position head = 0;
  void stored(std::initializer_list<const char*> ids) {
    const decider::position first = head + 1;
    const decider::position last = head + ids.size();
    for (const char* id : ids) {
      ++head;
      if (*id != '\0') {
        at[id] = {head, head == first ? std::optional<decider::position>(last) : std::nullopt};
      }
    }
  }
  auto lookup() {
    return [this](std::string_view id) -> std::optional<decider::stored_id> {
      asked.emplace_back(id);
      const auto found = at.find(id);
      return found == at.end() ? std::nullopt : std::optional<decider::stored_id>(found->second);
    };
  }
};

using kind = decider::batch_verdict::kind;

std::string reason(const decider::batch_verdict& v) { return v.refusal.reason; }

}  // namespace

TEST_CASE("judge_batch: a batch without ids is stored, and no id is looked up", "[append_rules]") {
  known_ids store;
  store.stored({"a", "b"});
  const auto v = decider::judge_batch(batch({"", "", ""}), store.lookup(), "mine");
  CHECK(v.is == kind::store);
  CHECK_FALSE(v.answer().has_value());
  CHECK(store.asked.empty());
}

TEST_CASE("judge_batch: the rules that need no stored ids, in order", "[append_rules]") {
  known_ids store;
  store.stored({"a"});
  const auto empty = decider::judge_batch(std::vector<item>{}, store.lookup(), "mine");
  CHECK(empty.is == kind::refused);
  CHECK(reason(empty) == "an append needs at least one event");
  // An id twice is named before a made-up id, even when it is of that form too.
  const auto twice = decider::judge_batch(batch({"x", "mine-7", "mine-7"}), store.lookup(), "mine");
  CHECK(twice.is == kind::refused);
  CHECK(reason(twice) == "event id mine-7 appears twice in the batch");
  const auto made_up = decider::judge_batch(batch({"x", "mine-12"}), store.lookup(), "mine");
  CHECK(made_up.is == kind::refused);
  CHECK(reason(made_up).find("event id mine-12 has the form of the ids this store makes up") == 0);
  CHECK(store.asked.empty());
  // Not of the form: another prefix, no digits, other characters after them; and "" makes up nothing.
  for (const char* id : {"other-12", "mine-", "mine-1a", "mine12", "minex-1"}) {
    CHECK(decider::judge_batch(batch({id}), store.lookup(), "mine").is == kind::store);
  }
  CHECK(decider::judge_batch(batch({"mine-12"}), store.lookup(), "").is == kind::store);
  // More than 16 events: the sorted path finds the repeated id too.
  std::vector<item> long_batch;
  for (int i = 0; i < 40; ++i) {
    long_batch.push_back({{.event_id = "e" + std::to_string(i % 39)}});
  }
  CHECK(reason(decider::judge_batch(long_batch, store.lookup(), "mine")) == "event id e0 appears twice in the batch");
}

TEST_CASE("judge_batch: a whole earlier batch, in order, is a retry answered as then", "[append_rules]") {
  known_ids store;
  store.stored({"a1"});
  store.stored({"b1", "b2", "b3"});  // positions 2..4
  store.stored({"c1", ""});          // positions 5, 6
  const auto again = decider::judge_batch(batch({"b1", "b2", "b3"}), store.lookup(), "mine");
  CHECK(again.is == kind::retried);
  CHECK(again.retried_last == 4);
  REQUIRE(again.answer().has_value());
  CHECK(*again.answer() == decider::append_result(4));
  CHECK(decider::judge_batch(batch({"a1"}), store.lookup(), "mine").retried_last == 1);
  // Anything else holding a stored id is refused, naming the first stored id.
  for (const auto& [ids, first] : std::vector<std::pair<std::vector<item>, std::string>>{
           {batch({"b1", "b2"}), "b1"},              // the start of it
           {batch({"b2", "b3"}), "b2"},              // its end
           {batch({"b1", "b2", "b3", "b4"}), "b1"},  // more than it
           {batch({"b2", "b1", "b3"}), "b2"},        // out of order
           {batch({"n", "b2"}), "b2"},               // a new id, then a stored one
           {batch({"c1", ""}), "c1"},                // with an event given none: never a retry
           {batch({"a1", "b1"}), "a1"},              // two batches
       }) {
    const auto v = decider::judge_batch(ids, store.lookup(), "mine");
    CHECK(v.is == kind::refused);
    CHECK(reason(v) == "event id " + first + " is already stored by another append");
  }
  CHECK(decider::judge_batch(batch({"n1", "", "n2"}), store.lookup(), "mine").is == kind::store);
}

namespace {
decider::detail::pending_event pending(const char* id, const char* type, std::vector<decider::tag> tags) {
  decider::detail::pending_event e;
  e.record.type = type;
  e.tags = std::move(tags);
  e.metadata.event_id = id;
  return e;
}
}  // namespace

TEST_CASE("commit plan: each append as if committed alone after the ones before it", "[append_rules]") {
  known_ids store;
  store.stored({"s1", "s2"});  // positions 1, 2
  const decider::query on_a = decider::tagged({"a"});
  const decider::query on_b = decider::tagged({"b"});
  std::vector<decider::detail::queued_append> appends(7);
  appends[0].events = {pending("g1", "t", {"a"}), pending("g2", "t", {"a"})};  // 3, 4
  appends[1].events = {pending("g1", "t", {"a"}), pending("g2", "t", {"a"})};  // the same: a retry within the group
  appends[2].events = {pending("g2", "t", {"x"})};                             // part of it: refused
  appends[3].events = {pending("", "t", {"b"})};                               // condition on a after 2: conflict at 3
  appends[3].condition = &on_a;
  appends[3].after = 2;
  appends[4].events = {pending("", "t", {"b"})};  // condition on a after 4: passes; stored at 5
  appends[4].condition = &on_a;
  appends[4].after = 4;
  appends[5].events = {pending("s1", "t", {"b"}), pending("s2", "t", {"b"})};  // a retry of the stored batch
  appends[6].events = {pending("", "t", {"c"})};  // condition on b, stored conflict reported at 2
  appends[6].condition = &on_b;
  appends[6].after = 0;
  std::vector<decider::detail::queued_append*> group;
  for (auto& a : appends) {
    group.push_back(&a);
  }
  std::vector<std::size_t> conflicts_asked;
  const auto plan = decider::detail::plan_commit(
      group, store.head, store.lookup(),
      [&](std::size_t g) -> std::optional<decider::position> {
        conflicts_asked.push_back(g);
        return g == 6 ? std::optional<decider::position>(2) : std::nullopt;
      },
      "mine");
  REQUIRE(plan.answers.size() == 7);
  CHECK(plan.answers[0] == decider::append_result(4));
  CHECK(plan.answers[1] == decider::append_result(4));
  REQUIRE_FALSE(plan.answers[2].has_value());
  CHECK(std::get<decider::invalid_append>(plan.answers[2].error()).reason ==
        "event id g2 is already stored by another append");
  REQUIRE_FALSE(plan.answers[3].has_value());
  CHECK(plan.answers[3].error() == decider::append_error(decider::condition_failed{3}));
  CHECK(plan.answers[4] == decider::append_result(5));
  CHECK(plan.answers[5] == decider::append_result(2));
  CHECK(plan.answers[6].error() == decider::append_error(decider::condition_failed{2}));
  CHECK(conflicts_asked == std::vector<std::size_t>{3, 4, 6});  // only appends with a condition that pass the ids
  REQUIRE(plan.accepted.size() == 3);
  CHECK(plan.accepted[0].at == 3);
  CHECK(plan.accepted[0].batch_end == 4);
  CHECK(plan.accepted[1].at == 4);
  CHECK(plan.accepted[2].at == 5);
  CHECK(plan.accepted[2].event == &appends[4].events[0]);
  CHECK(plan.head == 5);
}
