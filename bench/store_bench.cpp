// Memory store benchmarks: conditional append throughput, a 100-event tag read against store size, the students and
// courses subscription decision (read the decision model, decide, conditional append), and the billing batch of the
// billable activities example.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "activities/on_store.hpp"
#include "decider/make.hpp"
#include "decider/store/dcb.hpp"
#include "decider/store/memory.hpp"
#include "workloads/course.hpp"

namespace {

struct item_added {
  std::int64_t n = 0;
  std::string a;
  std::string b;
  static constexpr std::string_view type_name = "item_added";
  [[nodiscard]] std::vector<decider::tag> tags() const { return {a, b}; }
};
using event = std::variant<item_added>;
using store = decider::memory_store<event>;

// One event with 2 tags, under a 2-item condition that passes (nothing after the head matches).
void conditional_append(benchmark::State& state) {
  store s;
  std::int64_t i = 0;
  for (auto _ : state) {
    const auto a = "a:" + std::to_string(i % 1000);
    const auto b = "b:" + std::to_string(i % 997);
    const decider::append_condition condition{decider::tagged({a}) | decider::tagged({b}), s.head()};
    auto r = s.append({{item_added{i, a, b}}}, condition);
    benchmark::DoNotOptimize(r);
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}

// Reading the 100 events of one tag, in stores of N events (the other events spread over other tags).
void read_tag(benchmark::State& state) {
  const auto n = static_cast<std::int64_t>(state.range(0));
  static std::map<std::int64_t, std::unique_ptr<store>> stores;
  auto& s = stores[n];
  if (!s) {
    s = std::make_unique<store>();
    const std::int64_t every = n / 100;
    std::vector<decider::event_to_append<event>> batch;
    for (std::int64_t i = 0; i < n; ++i) {
      const bool target = i % every == 0;
      batch.push_back({item_added{i, target ? "target" : "t:" + std::to_string(i % 100'000), "x"}});
      if (batch.size() == 10'000) {
        benchmark::DoNotOptimize(s->append(std::move(batch)));
        batch.clear();
      }
    }
    if (!batch.empty()) {
      benchmark::DoNotOptimize(s->append(std::move(batch)));
    }
  }
  const auto q = decider::tagged({"target"});
  for (auto _ : state) {
    auto r = s->read(q);
    if (r->size() != 100) {
      state.SkipWithError("expected 100 events");
    }
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}

// Students and courses: read the decision model (course and student), decide, conditional append. A round is 20k
// decisions on a fresh store of 1000 courses of capacity 30: 5000 students try 4 different courses each, each course
// gets 20 tries, so a decision reads up to 20 course events and 4 student events, and nearly all are accepted.
void course_decision(benchmark::State& state) {
  using namespace course_workload;
  constexpr std::int64_t round = 20'000;
  std::unique_ptr<decider::memory_store<course_workload::event>> s;
  std::int64_t i = 0;
  std::int64_t accepted = 0;
  for (auto _ : state) {
    if (i % round == 0) {
      state.PauseTiming();
      s = std::make_unique<decider::memory_store<course_workload::event>>();
      for (int c = 0; c < 1000; ++c) {
        benchmark::DoNotOptimize(s->append({{course_defined{"c" + std::to_string(c), 30}}}));
      }
      state.ResumeTiming();
    }
    const auto n = i % round;
    auto r = subscribe(*s, "s" + std::to_string(n % 5000), "c" + std::to_string((n * 7 + n / 5000) % 1000));
    accepted += r.has_value() ? 1 : 0;
    benchmark::DoNotOptimize(r);
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["accepted"] = static_cast<double>(accepted) / static_cast<double>(state.iterations());
}

// Billable activities: one billing batch takes the 20k completed activities of 10k users (2 each) and appends their
// marks atomically. Arg 0 selects them by sequence (completed since position 0), arg 1 by date range (30 day tags).
void billing_batch(benchmark::State& state) {
  using namespace std::chrono_literals;
  namespace billing = activities_on_store;
  using activities::user_event;
  for (auto _ : state) {
    state.PauseTiming();
    auto s = std::make_unique<decider::memory_store<user_event>>();
    for (int u = 0; u < 10'000; ++u) {
      for (int a = 0; a < 2; ++a) {
        const std::string user = "u" + std::to_string(u);
        const std::string activity = "a" + std::to_string(a);
        const auto day = billing::format_day(std::chrono::sys_days{2026y / 11 / (1 + a * 14)});
        benchmark::DoNotOptimize(s->append({{user_event{user, activities::activity_started{activity, "work"}}},
                                            {user_event{user, activities::activity_completed{activity, day}}}}));
      }
    }
    state.ResumeTiming();
    const auto which =
        state.range(0) == 0 ? billing::completed_since(0) : billing::completed_between(2026y / 11 / 1, 2026y / 11 / 30);
    auto batch = billing::bill(*s, "november", which);
    if (!batch || batch->activities.size() != 20'000) state.SkipWithError("the batch did not take 20k activities");
    benchmark::DoNotOptimize(batch);
    state.PauseTiming();
    s.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * 20'000);
}

}  // namespace

BENCHMARK(conditional_append);
BENCHMARK(read_tag)->Arg(10'000)->Arg(10'000'000)->Unit(benchmark::kMicrosecond);
BENCHMARK(course_decision);
BENCHMARK(billing_batch)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
