// A writer process for the multi-process and crash tests of the durable stores. It opens a store, waits for a
// line on its standard input, then does one of three things and reports each answer on its standard output:
// (or `store_writer postgres CONNINFO SCHEMA ...` for the PostgreSQL store)
//   store_writer sqlite PATH attempts WRITER SEED COUNT   random conditional appends (the conformance workload);
//                                                         one line per attempt: id, boundary, after, last, contended
//   store_writer sqlite PATH race WRITER AFTER            one append on the boundary "race" after AFTER: won / lost
//   store_writer sqlite PATH crash WRITER THREADS         THREADS threads append batches of 1 to 3 events until the
//                                                         process is killed; one "ack" line per acknowledged batch
#include <cstdio>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "decider/sqlite/store.hpp"
#if DECIDER_WRITER_POSTGRES
#include "decider/postgres/store.hpp"
#endif
#include "decider/testing/conformance_codec.hpp"
#include "decider/testing/store_conformance.hpp"

namespace {

namespace conformance = decider::testing::conformance;

std::mutex output;
void say(const std::string& line) {
  std::lock_guard lock(output);
  std::fputs((line + "\n").c_str(), stdout);
  std::fflush(stdout);  // an acknowledgement is out before the next append starts
}

template <class Store>
int attempts(Store& store, const std::string& writer, unsigned seed, std::size_t count) {
  for (const auto& a : decider::testing::random_conditional_appends(store, writer, seed, count)) {
    say(a.id + "\t" + a.boundary + "\t" + (a.after ? std::to_string(*a.after) : "-") + "\t" +
        (a.last ? std::to_string(*a.last) : "-") + "\t" + (a.contended ? "1" : "0"));
  }
  return 0;
}

template <class Store>
int race(Store& store, const std::string& writer, decider::position after) {
  const auto won = store.append({{conformance::beta{{"race"}, writer}, {.event_id = "race-" + writer}}},
                                decider::append_condition{decider::tagged({"race"}), after});
  say(won ? "won" : "lost");
  return 0;
}

// Each thread keeps its own chain: batch k of thread t carries the tags batch:<w>.<t>.<k> and chain:<w>.<t>, and
// is appended under "nothing on my chain since my last batch", which only a lost or duplicated batch could fail.
template <class Store>
int crash(Store& store, const std::string& writer, int threads) {
  std::vector<std::thread> running;
  for (int t = 0; t < threads; ++t) {
    running.emplace_back([&, t] {
      const auto chain = "chain:" + writer + "." + std::to_string(t);
      std::optional<decider::position> last;
      for (std::size_t k = 0;; ++k) {
        const auto name = writer + "." + std::to_string(t) + "." + std::to_string(k);
        const std::size_t size = 1 + k % 3;
        std::vector<decider::event_to_append<conformance::event>> batch;
        for (std::size_t j = 0; j < size; ++j) {
          batch.push_back({conformance::alpha{{"batch:" + name, chain}, std::to_string(j)},
                           {.event_id = name + "." + std::to_string(j)}});
        }
        const auto appended = store.append(std::move(batch), decider::append_condition{decider::tagged({chain}), last});
        if (!appended.has_value()) {
          say("error " + name);
          std::_Exit(2);
        }
        last = *appended;
        say("ack " + name + " " + std::to_string(size) + " " + std::to_string(*appended));
      }
    });
  }
  for (auto& t : running) {
    t.join();
  }
  return 0;
}

template <class Store>
int run(Store& store, const std::vector<std::string>& args) {
  std::string go;
  std::getline(std::cin, go);
  const auto& mode = args.at(0);
  if (mode == "attempts") {
    return attempts(store, args.at(1), static_cast<unsigned>(std::stoul(args.at(2))), std::stoul(args.at(3)));
  }
  if (mode == "race") {
    return race(store, args.at(1), std::stoull(args.at(2)));
  }
  if (mode == "crash") {
    return crash(store, args.at(1), std::stoi(args.at(2)));
  }
  std::cerr << "store_writer: unknown mode " << mode << "\n";
  return 64;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() < 3) {
    std::cerr << "usage: store_writer sqlite PATH attempts|race|crash ...\n";
    return 64;
  }
  if (args[0] == "sqlite") {
    auto store = decider::sqlite_store<conformance::codec>::open(args[1]);
    if (!store.has_value()) {
      std::cerr << "store_writer: " << store.error().message << "\n";
      return 1;
    }
    return run(**store, {args.begin() + 2, args.end()});
  }
#if DECIDER_WRITER_POSTGRES
  if (args[0] == "postgres" && args.size() >= 4) {
    auto store = decider::postgres_store<conformance::codec>::open(args[1], {.schema = args[2]});
    if (!store.has_value()) {
      std::cerr << "store_writer: " << store.error().message << "\n";
      return 1;
    }
    return run(**store, {args.begin() + 3, args.end()});
  }
#endif
  std::cerr << "store_writer: unknown store " << args[0] << "\n";
  return 64;
}
