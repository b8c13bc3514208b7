// Which event store the examples' on-store parts run on, chosen by the environment:
//   DECIDER_STORE=memory    (the default) the in-memory store
//   DECIDER_STORE=sqlite    a fresh SQLite file per run, in DECIDER_SQLITE_DIR (default: the temporary directory)
//   DECIDER_STORE=postgres  a fresh schema per run on the server DECIDER_PG_CONNINFO names
// The same domain code runs on each: it is written against the store concepts, not a store. Durable stores encode
// events with decider::json_codec, from the fields each event declares.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <utility>

#include "decider/json/codec.hpp"
#include "decider/sqlite/store.hpp"
#include "decider/store/memory.hpp"
#if DECIDER_EXAMPLES_POSTGRES
#include "decider/postgres/store.hpp"
#endif

namespace examples {

inline std::string chosen_store() {
  const char* chosen = std::getenv("DECIDER_STORE");  // NOLINT(concurrency-mt-unsafe): read before any thread starts
  return chosen != nullptr && *chosen != '\0' ? chosen : "memory";
}

inline void say_once(const std::string& kind) {
  static std::atomic<bool> said{false};
  if (!said.exchange(true)) {
    std::cout << "  (on the " << kind << " store; DECIDER_STORE chooses memory, sqlite or postgres)\n";
  }
}

// Calls body(store) with a fresh store of the chosen kind, holding `Event`s; returns what body returns, or `failed`
// (after saying why) when the store cannot be opened.
template <class Event, class Body, class Result>
Result on_chosen_store(const std::string& name, Result failed, Body body) {
  static std::atomic<int> runs{0};
  const auto unique = name + "_" + std::to_string(::getpid()) + "_" + std::to_string(++runs);
  const auto kind = chosen_store();
  say_once(kind);
  if (kind == "memory") {
    decider::memory_store<Event> store;
    return body(store);
  }
  if (kind == "sqlite") {
    const char* dir = std::getenv("DECIDER_SQLITE_DIR");  // NOLINT(concurrency-mt-unsafe): as above
    const auto path = (dir != nullptr ? std::filesystem::path(dir) : std::filesystem::temp_directory_path()) /
                      ("decider-example-" + unique + ".db");
    Result result = failed;
    {
      auto store = decider::sqlite_store<decider::json_codec<Event>>::open(path.string());
      if (!store.has_value()) {
        std::cerr << "cannot open the SQLite store: " << store.error().message << '\n';
        return failed;
      }
      result = body(**store);
    }
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(path.string() + suffix);
    }
    return result;
  }
#if DECIDER_EXAMPLES_POSTGRES
  if (kind == "postgres") {
    const char* conninfo = std::getenv("DECIDER_PG_CONNINFO");  // NOLINT(concurrency-mt-unsafe): as above
    auto store = decider::postgres_store<decider::json_codec<Event>>::open(conninfo != nullptr ? conninfo : "",
                                                                           {.schema = "example_" + unique});
    if (!store.has_value()) {
      std::cerr << "cannot open the PostgreSQL store: " << store.error().message << '\n';
      return failed;
    }
    Result result = body(**store);
    static_cast<void>((*store)->drop_schema());
    return result;
  }
#endif
  std::cerr << "DECIDER_STORE=" << kind << " is not a store these examples know (memory, sqlite"
#if DECIDER_EXAMPLES_POSTGRES
            << ", postgres"
#endif
            << ")\n";
  return failed;
}

}  // namespace examples
