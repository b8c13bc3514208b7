// The runners' promises under storage faults (decider/testing/faults.hpp): I/O errors before the store is reached,
// acknowledgements lost after it committed, conditions reported as failed, and delays, on random calls.
//   - no command is applied twice: each command's events are stored at most once, as one batch;
//   - no acknowledged command is lost: a command the runner reported done is in the store where it said;
//   - after the retry bound, a clear error: store_unavailable naming the attempts, or retries_exhausted;
//   - the domain's invariant (no overdraft) holds in the log, whatever failed.
#include <rapidcheck.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "decider/store/memory.hpp"
#include "decider/store/run.hpp"
#include "decider/testing/faults.hpp"
#include "support/bank.hpp"

namespace {

using decider::testing::fault;
using decider::testing::fault_kind;
using decider::testing::faulty_store;
using decider::testing::store_call;

using outcome = decltype(decider::run_dcb(std::declval<decider::memory_store<bank::event>&>(), bank::account{},
                                          decider::query{}, bank::command{}));

rc::Gen<bank::command> account_commands(const std::string& id) {
  const auto amounts = rc::gen::inRange<std::int64_t>(1, 100);
  return rc::gen::weightedOneOf<bank::command>({
      {1, rc::gen::just(bank::command{bank::open{id}})},
      {4, rc::gen::map(amounts,
                       [id](std::int64_t c) {
                         return bank::command{bank::deposit{id, c}};
                       })},
      {4, rc::gen::map(amounts,
                       [id](std::int64_t c) {
                         return bank::command{bank::withdraw{id, c}};
                       })},
  });
}

decider::testing::fault_rates random_rates() {
  const auto percent = [] { return *rc::gen::inRange(0, 35) / 100.0; };
  decider::testing::fault_rates rates;
  rates.unavailable_before = percent();
  rates.unavailable_after = percent();
  rates.conflict = percent();
  rates.delay = 0.1;
  rates.max_delay = std::chrono::microseconds{50};
  return rates;
}

decider::execute_options fast_options(std::string key, std::size_t attempts) {
  decider::execute_options options;
  options.max_attempts = attempts;
  options.first_backoff = std::chrono::microseconds{0};
  options.max_backoff = std::chrono::microseconds{0};
  options.idempotency_key = key;
  options.metadata.correlation_id = std::move(key);  // finds the command's events even without event ids
  return options;
}

// The store's events by the command (correlation id) that decided them.
std::map<std::string, std::vector<decider::stored_event<bank::event>>> by_command(
    const decider::memory_store<bank::event>& store) {
  std::map<std::string, std::vector<decider::stored_event<bank::event>>> out;
  const auto all = store.read(decider::query::all());  // kept: a loop over *read(...) would outlive the result
  for (const auto& e : *all) {
    out[e.metadata.correlation_id].push_back(e);
  }
  return out;
}

// Every command stored at most once (one event per decision in this domain), every acknowledged one where the
// runner said (0: anywhere), and the balance never below zero in the log.
void check_log(const decider::memory_store<bank::event>& store,
               const std::map<std::string, decider::position>& acknowledged) {
  const auto stored = by_command(store);
  for (const auto& [command, events] : stored) {
    RC_LOG() << "command " << command << " stored " << events.size() << " times\n";
    RC_ASSERT(!command.empty());
    RC_ASSERT(events.size() == 1U);
  }
  for (const auto& [command, at] : acknowledged) {
    const auto found = stored.find(command);
    RC_ASSERT(found != stored.end());
    RC_ASSERT(at == 0 || found->second.front().position == at);
  }
  std::map<std::string, std::int64_t> balances;
  const auto log = store.read(decider::query::all());
  for (const auto& e : *log) {
    if (const auto* d = std::get_if<bank::deposited>(&e.event)) {
      balances[d->account] += d->cents;
    } else if (const auto* w = std::get_if<bank::withdrawn>(&e.event)) {
      balances[w->account] -= w->cents;
      RC_ASSERT(balances[w->account] >= 0);
    }
  }
}

std::string command_key(std::size_t n) { return "cmd-" + std::to_string(n); }

}  // namespace

TEST_CASE("faults: every acknowledged command is stored once, and no command twice", "[store][faults]") {
  REQUIRE(rc::check("acknowledged once, never twice", [] {
    const std::string id = "a1";
    const auto commands = *rc::gen::container<std::vector<bank::command>>(account_commands(id));
    const auto seed = *rc::gen::arbitrary<std::uint64_t>();
    const auto rates = random_rates();
    const auto attempts = *rc::gen::inRange<std::size_t>(1, 6);
    const bool keyed = *rc::gen::weightedElement<bool>({{3, true}, {1, false}});

    decider::memory_store<bank::event> inner;
    faulty_store store(inner, decider::testing::random_faults(seed, rates));
    const bank::account d;
    const auto boundary = decider::tagged({decider::make_tag("account", id)});
    std::map<std::string, decider::position> acknowledged;
    for (std::size_t n = 0; n < commands.size(); ++n) {
      auto options = fast_options(command_key(n), attempts);
      if (!keyed) {
        options.idempotency_key.clear();
      }
      const auto done = decider::run_dcb(store, d, boundary, commands[n], options);
      if (done.has_value()) {
        if (!done->events.empty()) {
          acknowledged[command_key(n)] = 0;  // run_dcb does not say where: it must be in the store
        }
        RC_ASSERT(done->attempts <= attempts);
      } else if (const auto* down = std::get_if<decider::store_unavailable>(&done.error())) {
        RC_ASSERT(!down->message.empty());
      }
    }
    check_log(inner, acknowledged);
    RC_TAG(keyed ? "keyed" : "no key");
    RC_CLASSIFY(store.counts().lost_acknowledgements > 0, "acknowledgements lost");
  }));
}

TEST_CASE("faults: an acknowledged command is in the store at the position the runner returned", "[store][faults]") {
  REQUIRE(rc::check("acknowledged where said", [] {
    const auto commands = *rc::gen::container<std::vector<bank::command>>(account_commands("a1"));
    const auto seed = *rc::gen::arbitrary<std::uint64_t>();
    decider::memory_store<bank::event> inner;
    faulty_store store(inner, decider::testing::random_faults(seed, random_rates()));
    const bank::account d;
    const auto boundary = decider::tagged({decider::make_tag("account", "a1")});
    const decider::decision_model model(decider::project(d, boundary));
    for (std::size_t n = 0; n < commands.size(); ++n) {
      const auto done = decider::execute(
          store, model, [&](const auto& s) { return d.decide(commands[n], std::get<0>(s)); },
          fast_options(command_key(n), 4));
      if (done.has_value() && !done->events.empty()) {
        const auto at = inner.read(decider::query::all(), {.from = done->position, .limit = 1});
        RC_ASSERT(at->size() == 1U);
        RC_ASSERT(at->front().metadata.correlation_id == command_key(n));
        RC_ASSERT(at->front().event == done->events.back());
      }
    }
  }));
}

TEST_CASE("faults: the event-sourced and state-stored runners keep the same promises", "[store][faults]") {
  REQUIRE(rc::check("stream and state runners under faults", [] {
    const auto commands = *rc::gen::container<std::vector<bank::command>>(account_commands("a1"));
    const auto seed = *rc::gen::arbitrary<std::uint64_t>();
    decider::memory_store<bank::event> inner;
    faulty_store store(inner, decider::testing::random_faults(seed, random_rates()));
    decider::stream_adapter streams(store);
    const bank::account d;
    std::map<std::string, decider::position> acknowledged;
    for (std::size_t n = 0; n < commands.size(); ++n) {
      const auto done = decider::run_event_sourced(streams, d, decider::make_tag("account", "a1"), commands[n],
                                                   fast_options(command_key(n), 4));
      if (done.has_value() && !done->events.empty()) {
        acknowledged[command_key(n)] = 0;
      }
    }
    check_log(inner, acknowledged);
    // A state store: a failed load is retried; the save is never sent twice.
    decider::memory_state_store<bank::state> states;
    std::size_t loads = 0;
    struct flaky_states {
      using state_type = bank::state;
      decider::memory_state_store<bank::state>* inner;
      std::size_t* loads;
      [[nodiscard]] decider::expected<std::optional<decider::versioned_state<bank::state>>, decider::read_error> load(
          const std::string& id) const {
        if (++*loads % 2 == 1) {
          return decider::unexpected<decider::read_error>(decider::store_unavailable{"injected: load failed"});
        }
        return inner->load(id);
      }
      [[nodiscard]] decider::expected<decider::stream_version, decider::append_error> save(
          const std::string& id, bank::state state, decider::expected_version expectation) {
        return inner->save(id, std::move(state), expectation);
      }
    } flaky{&states, &loads};
    const auto opened =
        decider::run_state_stored(flaky, d, "a1", bank::command{bank::open{"a1"}}, fast_options("o", 2));
    RC_ASSERT(opened.has_value());
    RC_ASSERT(opened->attempts == 2U);
    RC_ASSERT(states.load("a1")->value().state.open);
  }));
}

TEST_CASE("faults: a client retrying a command whose outcome was unknown applies it once", "[store][faults]") {
  // The application's own loop around the runner: on store_unavailable it sends the same command, with the same
  // key, until it is answered; every command ends answered, once in the log.
  REQUIRE(rc::check("client retries apply once", [] {
    const auto commands = *rc::gen::container<std::vector<bank::command>>(account_commands("a1"));
    const auto seed = *rc::gen::arbitrary<std::uint64_t>();
    decider::memory_store<bank::event> inner;
    faulty_store store(inner, decider::testing::random_faults(seed, random_rates()));
    const bank::account d;
    const auto boundary = decider::tagged({decider::make_tag("account", "a1")});
    std::map<std::string, decider::position> acknowledged;
    for (std::size_t n = 0; n < commands.size(); ++n) {
      for (int tries = 0; tries < 50; ++tries) {
        const auto done = decider::run_dcb(store, d, boundary, commands[n], fast_options(command_key(n), 2));
        if (!done.has_value() && std::holds_alternative<decider::store_unavailable>(done.error())) {
          continue;
        }
        if (done.has_value() && !done->events.empty()) {
          acknowledged[command_key(n)] = 0;
        }
        break;
      }
    }
    check_log(inner, acknowledged);
  }));
}

TEST_CASE("faults: a store that stays down gives store_unavailable after exactly max_attempts", "[store][faults]") {
  REQUIRE(rc::check("bounded retry on a store that stays down", [] {
    const auto attempts = *rc::gen::inRange<std::size_t>(1, 10);
    const bool reads_fail = *rc::gen::arbitrary<bool>();
    decider::memory_store<bank::event> inner;
    RC_ASSERT(inner.append({{bank::opened{"a1"}, {}}}).has_value());
    const auto down = reads_fail ? fault{fault_kind::unavailable_before, {}} : fault{fault_kind::unavailable_after, {}};
    faulty_store store(inner, decider::testing::from_call(reads_fail ? store_call::read : store_call::append, 1, down));
    const auto done = decider::run_dcb(store, bank::account{}, decider::tagged({decider::make_tag("account", "a1")}),
                                       bank::command{bank::deposit{"a1", 5}}, fast_options("k", attempts));
    RC_ASSERT(!done.has_value());
    const auto* error = std::get_if<decider::store_unavailable>(&done.error());
    RC_ASSERT(error != nullptr);
    RC_ASSERT(error->message.find("gave up after " + std::to_string(attempts) + " attempts") != std::string::npos);
    const auto counts = store.counts();
    if (reads_fail) {
      RC_ASSERT(counts.reads == attempts);
      RC_ASSERT(counts.appends == 0U);
    } else {
      // One read and decision; the same batch sent again each time, stored by the first send only.
      RC_ASSERT(counts.reads == 1U);
      RC_ASSERT(counts.appends == attempts);
      RC_ASSERT(inner.read(decider::query::all())->size() == 2U);
    }
  }));
}

TEST_CASE("faults: an append whose answer is lost is sent again and stored once", "[store][faults]") {
  // [docs:faults]
  decider::memory_store<bank::event> inner;
  REQUIRE(inner.append({{bank::opened{"a1"}, {}}}).has_value());
  // The first append reaches the store, and its answer is lost; the second is slowed down by 2 ms.
  decider::testing::faulty_store store(inner, [](const decider::testing::call_info& call) {
    decider::testing::fault f;
    if (call.call == decider::testing::store_call::append && call.number == 1) {
      f.kind = decider::testing::fault_kind::unavailable_after;
    } else if (call.call == decider::testing::store_call::append && call.number == 2) {
      f.delay = std::chrono::milliseconds{2};
    }
    return f;
  });
  const auto done =
      decider::run_dcb(store, bank::account{}, decider::tagged({decider::make_tag("account", "a1")}),
                       bank::command{bank::deposit{"a1", 5}}, decider::execute_options{.idempotency_key = "deposit-1"});
  REQUIRE(done.has_value());
  CHECK(done->attempts == 2);
  CHECK(store.counts().lost_acknowledgements == 1);
  CHECK(inner.read(decider::query::all())->size() == 2);  // opened, and the deposit once
  // [/docs:faults]
}

TEST_CASE("faults: without an idempotency key a lost acknowledgement is returned at once, not retried",
          "[store][faults]") {
  decider::memory_store<bank::event> inner;
  REQUIRE(inner.append({{bank::opened{"a1"}, {}}}).has_value());
  faulty_store store(inner, decider::testing::on_calls(store_call::append, {1}, {fault_kind::unavailable_after, {}}));
  auto options = fast_options("", 8);
  const auto done = decider::run_dcb(store, bank::account{}, decider::tagged({decider::make_tag("account", "a1")}),
                                     bank::command{bank::deposit{"a1", 5}}, options);
  REQUIRE(!done.has_value());
  REQUIRE(std::holds_alternative<decider::store_unavailable>(done.error()));
  CHECK(store.counts().appends == 1U);
  CHECK(inner.read(decider::query::all())->size() == 2U);  // it was stored, once; only the caller can tell
}

TEST_CASE("faults: conflicts on every attempt give retries_exhausted and store nothing", "[store][faults]") {
  decider::memory_store<bank::event> inner;
  REQUIRE(inner.append({{bank::opened{"a1"}, {}}}).has_value());
  faulty_store store(inner, decider::testing::from_call(store_call::append, 1, {fault_kind::conflict, {}}));
  const auto done = decider::run_dcb(store, bank::account{}, decider::tagged({decider::make_tag("account", "a1")}),
                                     bank::command{bank::deposit{"a1", 5}}, fast_options("k", 5));
  REQUIRE(!done.has_value());
  CHECK(done.error() == decider::execute_error<bank::error>(decider::retries_exhausted{5}));
  CHECK(store.counts().reads == 5U);
  CHECK(store.counts().appends == 5U);
  CHECK(inner.read(decider::query::all())->size() == 1U);
}

TEST_CASE("faults: concurrent writers under faults and delays keep every promise", "[store][faults]") {
  // Four threads, two accounts, random faults with delays: withdrawals race for the same money.
  REQUIRE(rc::check("concurrent writers under faults", [] {
    const auto seed = *rc::gen::arbitrary<std::uint64_t>();
    const auto rates = random_rates();
    decider::memory_store<bank::event> inner;
    for (const char* id : {"a1", "a2"}) {
      RC_ASSERT(inner.append({{bank::opened{id}, {.correlation_id = std::string("open-") + id}}}).has_value());
    }
    faulty_store store(inner, decider::testing::random_faults(seed, rates));
    std::vector<std::vector<bank::command>> work(4);
    for (std::size_t t = 0; t < work.size(); ++t) {
      work[t] = *rc::gen::container<std::vector<bank::command>>(20, account_commands(t % 2 == 0 ? "a1" : "a2"));
    }
    std::vector<std::map<std::string, decider::position>> acknowledged(work.size());
    std::atomic<std::size_t> unknown{0};
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < work.size(); ++t) {
      threads.emplace_back([&, t] {
        const bank::account d;
        for (std::size_t n = 0; n < work[t].size(); ++n) {
          const auto* account = std::visit([](const auto& c) { return &c.account; }, work[t][n]);
          const auto key = "t" + std::to_string(t) + "-" + command_key(n);
          const decider::decision_model model(
              decider::project(d, decider::tagged({decider::make_tag("account", *account)})));
          const auto done = decider::execute(
              store, model, [&](const auto& s) { return d.decide(work[t][n], std::get<0>(s)); }, fast_options(key, 6));
          if (done.has_value() && !done->events.empty()) {
            acknowledged[t][key] = done->position;
          } else if (!done.has_value() && std::holds_alternative<decider::store_unavailable>(done.error())) {
            ++unknown;
          }
        }
      });
    }
    for (auto& thread : threads) {
      thread.join();
    }
    std::map<std::string, decider::position> all;
    for (const auto& mine : acknowledged) {
      all.insert(mine.begin(), mine.end());
    }
    check_log(inner, all);
    RC_CLASSIFY(unknown.load() > 0, "some outcomes unknown");
  }));
}
