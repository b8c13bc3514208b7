// Core micro benchmarks: replaying events through combine(a, b) against a hand-written loop that does the
// same work, over the same 10M events. The ratio of the two is the cost of the abstraction.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <variant>
#include <vector>

#include "decider/combine.hpp"
#include "decider/fold.hpp"
#include "workloads/fold.hpp"

namespace {

using namespace fold_workload;
constexpr std::size_t event_count = 10'000'000;

const std::vector<event>& events() {
  static const std::vector<event> all = random_events(event_count);
  return all;
}

void fold_combined(benchmark::State& state) {
  const auto both = decider::combine(stock_view{}, ledger_view{});
  static_assert(std::is_same_v<decltype(both)::event_type, event>);
  const auto& all = events();
  for (auto _ : state) {
    auto result = decider::fold(both, all);
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(all.size()));
}

void fold_handwritten(benchmark::State& state) {
  const auto& all = events();
  for (auto _ : state) {
    auto [s, l] = fold_by_hand(all);
    benchmark::DoNotOptimize(s);
    benchmark::DoNotOptimize(l);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(all.size()));
}

}  // namespace

BENCHMARK(fold_combined)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(fold_handwritten)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_MAIN();
