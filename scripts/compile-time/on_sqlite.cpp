// A program that runs the combined decider learning::registration (examples/student_course/course.hpp) on the
// SQLite store, for scripts/compile-time.sh: it is compiled (-c), never linked or run. It opens a store of
// learning::event in a temporary file, decides a few commands with decider::handle and decider::command_handler,
// reads the log back and checks the domain's invariants on it.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <system_error>
#include <variant>

#include "decider/json/codec.hpp"
#include "decider/sqlite/store.hpp"
#include "decider/store/handle.hpp"
#include "decider/store/query.hpp"
#include "student_course/course.hpp"
#include "student_course/on_store.hpp"

using namespace learning;

namespace {

using school_store = decider::sqlite_store<decider::json_codec<event>>;

int run(school_store& store) {
  const registration school;
  // One command at a time, with the state of the instances it selected.
  for (const command& c : {command{register_student{"s1", "Ada"}}, command{register_student{"s2", "Grace"}},
                           command{define_course{"c1", "Maths", 1}}, command{define_course{"c2", "Physics", 2}}}) {
    const auto done = decider::handle(store, school, c);
    if (!done.has_value()) {
      std::cerr << "refused: alternative " << done.error().index() << '\n';
      return EXIT_FAILURE;
    }
    std::cout << "stored " << done->events.size() << " event(s) at position " << done->position << '\n';
  }

  // A handler that keeps the instances' states between decisions.
  decider::command_handler handler(store, registration{});
  const auto first = handler.handle(subscribe{"s1", "c1"});
  const auto second = handler.handle(subscribe{"s2", "c1"}, {.max_attempts = 8});
  const auto third = handler.handle(subscribe{"s2", "c2"}, {.max_attempts = 8, .idempotency_key = "s2-c2"});
  if (!first.has_value() || !third.has_value()) {
    std::cerr << "a subscription with a free seat was refused\n";
    return EXIT_FAILURE;
  }
  if (second.has_value() || !std::holds_alternative<course_full>(second.error())) {
    std::cerr << "a subscription to a full course was not refused as course_full\n";
    return EXIT_FAILURE;
  }

  const auto log = store.read(decider::query::all());
  if (!log.has_value()) {
    std::cerr << "cannot read the log: " << log.error().message << '\n';
    return EXIT_FAILURE;
  }
  const int broken = violations(*log);
  std::cout << log->size() << " events, " << broken << " invariant(s) broken\n";
  return broken == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

}  // namespace

int main() {
  const auto path =
      std::filesystem::temp_directory_path() / ("decider-compile-time-" + std::to_string(::getpid()) + ".db");
  int status = EXIT_FAILURE;
  {
    auto opened = school_store::open(path.string(), {.durability = decider::sqlite_durability::normal});
    if (!opened.has_value()) {
      std::cerr << "cannot open the SQLite store: " << opened.error().message << '\n';
      return EXIT_FAILURE;
    }
    status = run(**opened);
  }
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::error_code ignored;
    std::filesystem::remove(path.string() + suffix, ignored);
  }
  return status;
}
