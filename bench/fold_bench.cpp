// Core micro benchmarks: replaying events through combine(a, b) against a hand-written loop that does the
// same work, over the same 10M events. The ratio of the two is the cost of the abstraction.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <variant>
#include <vector>

#include "decider/combine.hpp"
#include "decider/fold.hpp"
#include "decider/visit.hpp"

namespace {

// Two independent deciders' event and state types: a stock level and a cash ledger.
struct added {
  std::int64_t quantity;
};
struct removed {
  std::int64_t quantity;
};
struct deposited {
  std::int64_t cents;
};
struct withdrawn {
  std::int64_t cents;
};
struct stock {
  std::int64_t level = 0;
  std::int64_t moves = 0;
};
struct ledger {
  std::int64_t balance = 0;
  std::int64_t largest = 0;
};

struct stock_view {
  using event_type = std::variant<added, removed>;
  using state_type = stock;
  [[nodiscard]] stock initial_state() const { return {}; }
  [[nodiscard]] stock evolve(stock s, const event_type& e) const {
    decider::match(
        e, [&](const added& a) { s.level += a.quantity; }, [&](const removed& r) { s.level -= r.quantity; });
    ++s.moves;
    return s;
  }
};

struct ledger_view {
  using event_type = std::variant<deposited, withdrawn>;
  using state_type = ledger;
  [[nodiscard]] ledger initial_state() const { return {}; }
  [[nodiscard]] ledger evolve(ledger s, const event_type& e) const {
    decider::match(
        e,
        [&](const deposited& d) {
          s.balance += d.cents;
          s.largest = d.cents > s.largest ? d.cents : s.largest;
        },
        [&](const withdrawn& w) { s.balance -= w.cents; });
    return s;
  }
};

using event = std::variant<added, removed, deposited, withdrawn>;
constexpr std::size_t event_count = 10'000'000;

const std::vector<event>& events() {
  static const std::vector<event> all = [] {
    std::vector<event> out;
    out.reserve(event_count);
    std::mt19937_64 random(42);
    std::uniform_int_distribution<int> kind(0, 3);
    std::uniform_int_distribution<std::int64_t> amount(1, 1000);
    for (std::size_t i = 0; i < event_count; ++i) {
      switch (kind(random)) {
        case 0:
          out.emplace_back(added{amount(random)});
          break;
        case 1:
          out.emplace_back(removed{amount(random)});
          break;
        case 2:
          out.emplace_back(deposited{amount(random)});
          break;
        default:
          out.emplace_back(withdrawn{amount(random)});
          break;
      }
    }
    return out;
  }();
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
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * all.size()));
}

void fold_handwritten(benchmark::State& state) {
  const auto& all = events();
  for (auto _ : state) {
    stock s;
    ledger l;
    for (const auto& e : all) {
      switch (e.index()) {
        case 0:
          s.level += std::get<0>(e).quantity;
          ++s.moves;
          break;
        case 1:
          s.level -= std::get<1>(e).quantity;
          ++s.moves;
          break;
        case 2: {
          const auto cents = std::get<2>(e).cents;
          l.balance += cents;
          l.largest = cents > l.largest ? cents : l.largest;
          break;
        }
        default:
          l.balance -= std::get<3>(e).cents;
          break;
      }
    }
    benchmark::DoNotOptimize(s);
    benchmark::DoNotOptimize(l);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * all.size()));
}

}  // namespace

BENCHMARK(fold_combined)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(fold_handwritten)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_MAIN();
