// Subscriptions on the memory store: catch-up then live, ordered, no gaps, no duplicates under concurrent writers,
// and a read model that resumes from the checkpoint kept beside its state.
#include "decider/store/subscription.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "decider/make.hpp"
#include "decider/store/memory.hpp"
#include "support/store_events.hpp"

using namespace store_events;
using decider::position;

namespace {

std::vector<decider::event_to_append<event>> notes(int n, const std::string& label) {
  std::vector<decider::event_to_append<event>> out;
  for (int i = 0; i < n; ++i) {
    out.push_back({note{std::to_string(i), {label}}});
  }
  return out;
}

// A read model: how many "inbox" notes, and the concatenated texts' total length.
const auto inbox_view = decider::make_view<event, std::size_t>(
    0, [](std::size_t n, const event& e) { return std::holds_alternative<note>(e) ? n + 1 : n; });

}  // namespace

TEST_CASE("a subscription catches up in order and keeps its checkpoint", "[store][subscription]") {
  decider::memory_store<event> store;
  REQUIRE(store.append(notes(3, "inbox")).has_value());
  REQUIRE(store.append(notes(2, "spam")).has_value());
  REQUIRE(store.append(notes(4, "inbox")).has_value());
  decider::subscription sub(store, decider::tagged({"inbox"}), 0, decider::subscription_options{.batch = 2});
  std::vector<position> seen;
  auto pulled = sub.catch_up([&](const auto& e) { seen.push_back(e.position); });
  REQUIRE(pulled.has_value());
  CHECK(*pulled == 7);
  CHECK(seen == std::vector<position>{1, 2, 3, 6, 7, 8, 9});
  CHECK(sub.checkpoint() == 9);
  auto nothing = sub.catch_up([&](const auto& e) { seen.push_back(e.position); });
  CHECK(*nothing == 0);
}

TEST_CASE("a read model stopped halfway resumes from its checkpoint and ends equal to one that never stopped",
          "[store][subscription]") {
  decider::memory_store<event> store;
  REQUIRE(store.append(notes(5, "inbox")).has_value());
  // [docs:resume]
  decider::checkpointed<std::remove_const_t<decltype(inbox_view)>> model{inbox_view.initial_state(), 0};
  {
    decider::subscription first_run(store, decider::tagged({"inbox"}), model.checkpoint);
    REQUIRE(first_run.catch_up(decider::project_into(inbox_view, model)).has_value());
  }  // the consumer stops; `model` (state and checkpoint together) is what it would have saved
  REQUIRE(store.append(notes(3, "inbox")).has_value());
  decider::subscription resumed(store, decider::tagged({"inbox"}), model.checkpoint);
  REQUIRE(resumed.catch_up(decider::project_into(inbox_view, model)).has_value());
  // [/docs:resume]
  decider::checkpointed<std::remove_const_t<decltype(inbox_view)>> never_stopped{inbox_view.initial_state(), 0};
  decider::subscription once(store, decider::tagged({"inbox"}), 0);
  REQUIRE(once.catch_up(decider::project_into(inbox_view, never_stopped)).has_value());
  CHECK(model.state == 8);
  CHECK(model.state == never_stopped.state);
  CHECK(model.checkpoint == never_stopped.checkpoint);
}

TEST_CASE("a live subscription sees every matching event once, in order, while 4 writers append",
          "[store][subscription][concurrency]") {
  decider::memory_store<event> store;
  REQUIRE(store.append(notes(100, "inbox")).has_value());  // something to catch up on first
  std::vector<position> seen;
  std::atomic<bool> failed{false};  // Catch2 assertions are not thread-safe: threads only record
  decider::subscription sub(store, decider::tagged({"inbox"}), 0);
  std::jthread subscriber([&](std::stop_token stop) {
    if (!sub.run(stop, [&](const auto& e) { seen.push_back(e.position); }).has_value()) {
      failed = true;
    }
  });
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < 500; ++i) {
        if (!store.append(notes(1 + i % 3, (i + w) % 2 == 0 ? "inbox" : "spam")).has_value()) {
          failed = true;
        }
      }
    });
  }
  for (auto& t : writers) {
    t.join();
  }
  const auto all = store.read(decider::tagged({"inbox"}));
  const position last = all->back().position;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (sub.checkpoint() < last && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  subscriber.request_stop();
  subscriber.join();
  CHECK_FALSE(failed.load());
  std::vector<position> expected;
  for (const auto& e : *all) {
    expected.push_back(e.position);
  }
  CHECK(seen.size() == expected.size());
  CHECK(seen == expected);  // every matching position, once, ascending: no gap, no duplicate
}
