// Core micro benchmarks beside fold_bench.cpp: many<Key> (fold and decide over 1,000 instances), decide and step
// on a small decider (accepted and refused), decide routed through combine against the part alone, and queries.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "decider/combine.hpp"
#include "decider/fold.hpp"
#include "decider/many.hpp"
#include "decider/store/query.hpp"
#include "support/bank.hpp"
#include "support/counter.hpp"

namespace {

// Inputs are cycled from pools of this size (a power of two: the index is masked, not divided), so that each
// iteration works on a different value the compiler cannot fold, and branches see more than one input.
constexpr std::size_t pool_size = 64;
constexpr std::size_t pool_mask = pool_size - 1;

std::string padded(std::size_t n, std::size_t width) {
  std::string digits = std::to_string(n);
  if (digits.size() < width) {
    digits.insert(0, width - digits.size(), '0');
  }
  return digits;
}

// ---- many<Key> ----------------------------------------------------------------------------------------------

using many_counters = decltype(decider::many<std::string>(counter::bounded_counter{}));
using keyed_event = decider::event_of<many_counters>;
using keyed_command = decider::command_of<many_counters>;

std::vector<std::string> make_keys(std::size_t count) {
  std::vector<std::string> keys;
  keys.reserve(count);
  for (std::size_t k = 0; k < count; ++k) {
    keys.push_back(decider::make_tag("acct", padded(k, 4)));  // "acct:0017": short ids, as on the wire
  }
  return keys;
}

// `count` increments spread at random over `key_count` keys (seed 42): consecutive events address different
// instances, so each lookup walks a different path of the map.
std::vector<keyed_event> keyed_events(std::size_t count, std::size_t key_count) {
  const auto keys = make_keys(key_count);
  std::mt19937_64 random(42);
  std::uniform_int_distribution<std::size_t> key(0, key_count - 1);
  std::uniform_int_distribution<int> by(1, 3);
  std::vector<keyed_event> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    out.push_back({keys[key(random)], counter::incremented{by(random)}});
  }
  return out;
}

// Folding N keyed events over K keys: a map lookup by string key and the inner evolve per event. Each iteration
// builds the map from empty, so the figure includes allocating the K instances.
void many_fold(benchmark::State& state) {
  const auto count = static_cast<std::size_t>(state.range(0));
  const auto key_count = static_cast<std::size_t>(state.range(1));
  static std::map<std::pair<std::size_t, std::size_t>, std::vector<keyed_event>> cache;
  auto& events = cache[{count, key_count}];
  if (events.empty()) {
    events = keyed_events(count, key_count);
  }
  const auto counters = decider::many<std::string>(counter::bounded_counter{});
  if (decider::fold(counters, events).size() != key_count) {
    state.SkipWithError("expected every key to have an instance");
    return;
  }
  for (auto _ : state) {
    auto folded = decider::fold(counters, events);
    benchmark::DoNotOptimize(folded);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(count));
}

// One command for one key against a state of N instances: decide reads the map by const reference (a find and
// the inner decide), then re-addresses the decided events to the key. step is not used here: it takes the state
// by value and would copy the whole map.
void many_decide(benchmark::State& state) {
  const auto instances = static_cast<std::size_t>(state.range(0));
  const auto counters = decider::many<std::string>(counter::bounded_counter{});
  const auto keys = make_keys(instances);
  std::vector<keyed_event> history;
  history.reserve(instances);
  for (std::size_t k = 0; k < instances; ++k) {
    history.push_back({keys[k], counter::incremented{static_cast<int>(1 + k % 40)}});  // values 1..40 < limit
  }
  const auto world = decider::fold(counters, history);
  // 1024 commands for keys picked at random: the lookups walk different paths of the tree.
  constexpr std::size_t command_count = 1024;
  std::mt19937_64 random(7);
  std::uniform_int_distribution<std::size_t> key(0, instances - 1);
  std::vector<keyed_command> commands;
  commands.reserve(command_count);
  for (std::size_t i = 0; i < command_count; ++i) {
    commands.push_back({keys[key(random)], counter::increment{static_cast<int>(1 + i % 5)}});
  }
  for (const auto& command : commands) {
    if (!counters.decide(command, world).has_value()) {
      state.SkipWithError("expected every command to be accepted");
      return;
    }
  }
  std::size_t i = 0;
  for (auto _ : state) {
    auto decided = counters.decide(commands[i++ & (command_count - 1)], world);
    benchmark::DoNotOptimize(decided);
  }
  state.SetItemsProcessed(state.iterations());
}

// ---- decide and step on a small decider, alone and through combine --------------------------------------------

template <class State, class Command>
struct decide_case {
  State state;
  Command command;
};
using counter_case = decide_case<counter::state, counter::command>;

// Accepted: values 0..59, increments 1..7, all within the limit of 100.
const std::vector<counter_case>& accepted_cases() {
  static const auto cases = [] {
    std::vector<counter_case> out;
    for (std::size_t i = 0; i < pool_size; ++i) {
      out.push_back({counter::state{static_cast<int>(i % 60), true}, counter::increment{static_cast<int>(1 + i % 7)}});
    }
    return out;
  }();
  return cases;
}

// Refused: values 90..99 and increments 11..15 would exceed the limit (the rule's last check, so the refusal
// passes the open and positive checks first).
const std::vector<counter_case>& refused_cases() {
  static const auto cases = [] {
    std::vector<counter_case> out;
    for (std::size_t i = 0; i < pool_size; ++i) {
      out.push_back(
          {counter::state{static_cast<int>(90 + i % 10), true}, counter::increment{static_cast<int>(11 + i % 5)}});
    }
    return out;
  }();
  return cases;
}

// Runs `call` on the cases in turn, after checking once that each is accepted (or refused) as the name says.
template <class Case, class Call>
void run_cases(benchmark::State& state, const std::vector<Case>& cases, bool accepted, Call call) {
  for (const auto& c : cases) {
    if (call(c).has_value() != accepted) {
      state.SkipWithError(accepted ? "expected every command to be accepted" : "expected every command to be refused");
      return;
    }
  }
  std::size_t i = 0;
  for (auto _ : state) {
    auto result = call(cases[i++ & pool_mask]);
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations());
}

const counter::bounded_counter small_decider{};

// decide alone: the rule and, when accepted, the vector of one event (an allocation); a refusal is a value,
// no allocation. These are also the baselines of the combine benchmarks below (same inputs).
void decide_accepted(benchmark::State& state) {
  run_cases(state, accepted_cases(), true,
            [](const counter_case& c) { return small_decider.decide(c.command, c.state); });
}
void decide_refused(benchmark::State& state) {
  run_cases(state, refused_cases(), false,
            [](const counter_case& c) { return small_decider.decide(c.command, c.state); });
}

// step: decide, then evolve a copy of the state with the decided events (nothing to evolve on a refusal).
void step_accepted(benchmark::State& state) {
  run_cases(state, accepted_cases(), true,
            [](const counter_case& c) { return decider::step(small_decider, c.state, c.command); });
}
void step_refused(benchmark::State& state) {
  run_cases(state, refused_cases(), false,
            [](const counter_case& c) { return decider::step(small_decider, c.state, c.command); });
}

// The counter combined with a bank account; the commands are the counter's, so they are routed to that part.
// The difference from decide_accepted / decide_refused is the cost of routing: visiting the combined command,
// embedding it into the part's command variant, and widening the events (or the error) into the combined types.
using counter_and_account = decltype(decider::combine(counter::bounded_counter{}, bank::account{}));
using combined_case = decide_case<decider::state_of<counter_and_account>, decider::command_of<counter_and_account>>;
const counter_and_account combined_decider = decider::combine(counter::bounded_counter{}, bank::account{});

std::vector<combined_case> routed_to_counter(const std::vector<counter_case>& cases) {
  std::vector<combined_case> out;
  out.reserve(cases.size());
  for (const auto& c : cases) {
    out.push_back({{c.state, bank::state{}}, std::get<counter::increment>(c.command)});
  }
  return out;
}

void decide_combined_accepted(benchmark::State& state) {
  static const auto cases = routed_to_counter(accepted_cases());
  run_cases(state, cases, true, [](const combined_case& c) { return combined_decider.decide(c.command, c.state); });
}
void decide_combined_refused(benchmark::State& state) {
  static const auto cases = routed_to_counter(refused_cases());
  run_cases(state, cases, false, [](const combined_case& c) { return combined_decider.decide(c.command, c.state); });
}

// ---- query matching -------------------------------------------------------------------------------------------

// A transfer between two accounts: 3 tags, declared as store events declare them.
struct money_transferred {
  std::string from;
  std::string to;
  std::string id;
  static constexpr std::string_view type_name = "money_transferred";
  [[nodiscard]] std::vector<decider::tag> tags() const {
    return {decider::make_tag("account", from), decider::make_tag("account", to), decider::make_tag("transfer", id)};
  }
};

// An event as the stores hand it to matching: its type name and its tag set (sorted, unique).
struct stored_event {
  std::string_view type;
  std::vector<decider::tag> tags;
};

const std::string target_account = padded(17, 4);
const decider::tag target = decider::make_tag("account", target_account);  // the tag the queries look for
decider::tag account(std::size_t n) { return decider::make_tag("account", padded(n, 4)); }

// An account id other than the ones the queries name (17, 42, 99), of the same length.
std::string other_account(std::size_t n) {
  n %= 1000;
  return padded((n == 17 || n == 42 || n == 99) ? n + 500 : n, 4);
}

// Hits carry the target tag (first or second in the set); misses carry other accounts whose tags have the same
// length as the target, so each comparison gets past the length check to the bytes.
const std::vector<stored_event>& transfers(bool hit) {
  static const auto make = [](bool with_target) {
    std::vector<stored_event> out;
    for (std::size_t i = 0; i < pool_size; ++i) {
      const money_transferred e{with_target ? target_account : other_account(i * 37 + 3), other_account(i * 53 + 1),
                                padded(i, 6)};
      out.push_back({decider::type_name_of(e), decider::tags_of(e)});
    }
    return out;
  };
  static const auto hits = make(true);
  static const auto misses = make(false);
  return hit ? hits : misses;
}

// One item, one tag, any type: what a decision model reads about one thing.
const decider::query& one_item() {
  static const auto q = decider::tagged({target});
  return q;
}
// Three items, the shape of a decision model over several things: the first two never match the transfers, the
// last matches the hits (so a hit is found only after two items fail, and a miss tries all three).
const decider::query& three_items() {
  static const auto q = decider::events({"account_opened", "money_deposited"}, {account(42)}) |
                        decider::tagged({account(99)}) | decider::events({"money_transferred"}, {target});
  return q;
}

template <class Matcher>
void run_matches(benchmark::State& state, const Matcher& matcher, bool hit) {
  const auto& events = transfers(hit);
  for (const auto& e : events) {
    if (matcher.matches(e.type, e.tags) != hit) {
      state.SkipWithError(hit ? "expected every event to match" : "expected no event to match");
      return;
    }
  }
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& e = events[i++ & pool_mask];
    bool matched = matcher.matches(e.type, e.tags);
    benchmark::DoNotOptimize(matched);
  }
  state.SetItemsProcessed(state.iterations());
}

void query_item_matches(benchmark::State& state, bool hit) { run_matches(state, one_item().items.front(), hit); }
void query_matches_one_item(benchmark::State& state, bool hit) { run_matches(state, one_item(), hit); }
void query_matches_three_items(benchmark::State& state, bool hit) { run_matches(state, three_items(), hit); }

// Building the union a decision model reads, `tagged({a}) | tagged({b})`, from tags of different things each time:
// the tag copies, the two items and the union's storage.
void query_union(benchmark::State& state) {
  std::vector<decider::tag> courses;
  std::vector<decider::tag> students;
  for (std::size_t i = 0; i < pool_size; ++i) {
    courses.push_back(decider::make_tag("course", padded(i, 4)));
    students.push_back(decider::make_tag("student", padded(i * 7, 5)));
  }
  std::size_t i = 0;
  for (auto _ : state) {
    const auto n = i++ & pool_mask;
    auto both = decider::tagged({courses[n]}) | decider::tagged({students[n]});
    benchmark::DoNotOptimize(both);
  }
  state.SetItemsProcessed(state.iterations());
}

// Short runs: the whole core suite, fold_bench.cpp's 10M-event folds included, stays well under a minute with
// --benchmark_repetitions=5 (as scripts/bench.sh runs it); the nanosecond ones still run millions of iterations.
constexpr double min_time = 0.1;

}  // namespace

BENCHMARK(many_fold)
    ->ArgNames({"events", "keys"})
    ->Args({100'000, 1'000})
    ->Unit(benchmark::kMillisecond)
    ->MinTime(min_time);
BENCHMARK(many_decide)->ArgName("instances")->Arg(1'000)->MinTime(min_time);
BENCHMARK(decide_accepted)->MinTime(min_time);
BENCHMARK(decide_refused)->MinTime(min_time);
BENCHMARK(step_accepted)->MinTime(min_time);
BENCHMARK(step_refused)->MinTime(min_time);
BENCHMARK(decide_combined_accepted)->MinTime(min_time);
BENCHMARK(decide_combined_refused)->MinTime(min_time);
BENCHMARK_CAPTURE(query_item_matches, hit, true)->MinTime(min_time);
BENCHMARK_CAPTURE(query_item_matches, miss, false)->MinTime(min_time);
BENCHMARK_CAPTURE(query_matches_one_item, hit, true)->MinTime(min_time);
BENCHMARK_CAPTURE(query_matches_one_item, miss, false)->MinTime(min_time);
BENCHMARK_CAPTURE(query_matches_three_items, hit, true)->MinTime(min_time);
BENCHMARK_CAPTURE(query_matches_three_items, miss, false)->MinTime(min_time);
BENCHMARK(query_union)->MinTime(min_time);
