// An event store of your own, over a plain append-only file (examples/append_only_file/file_store.hpp), checked
// with the library's conformance suite in a few lines; then what the file gives: events back after a reopen, and
// a batch torn by a crash mid-write cut off on reopen. Exits non-zero when the store fails a check.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "append_only_file/conformance_codec.hpp"
#include "decider/testing/store_conformance.hpp"

namespace {

namespace fs = std::filesystem;

struct temporary_directory {
  fs::path path = fs::temp_directory_path() / ("decider-file-store-" + std::to_string(::getpid()));
  temporary_directory() { fs::create_directories(path); }
  ~temporary_directory() { fs::remove_all(path); }
};

using decider::testing::conformance::alpha;
using file_store::conformance_store;

}  // namespace

int main() {
  temporary_directory dir;

  std::cout << "The DCB conformance suite against the file store:\n";
  // [docs:run-conformance]
  int files = 0;
  const auto report = decider::testing::check_event_store(
      [&] { return std::move(*conformance_store::open(dir.path / ("check-" + std::to_string(++files)))); },
      decider::testing::conformance_options{.concurrent_appends = 20'000});
  std::cout << report.describe() << '\n';
  // [/docs:run-conformance]
  // (The conformance test, label `conformance`, runs it with the default 100,000 concurrent appends.)

  std::cout << "\nReopening a file gives back what was stored:\n";
  const auto path = dir.path / "events";
  {
    auto store = std::move(*conformance_store::open(path));
    (void)store->append({{alpha{{"account:a1"}, "tab\there, newline\nhere, \\ and \"quotes\", ünïcode"}}});
    (void)store->append({{alpha{{"account:a1", "day:2026-11-24"}, "second"}}, {alpha{{}, "third"}}});
  }
  auto reopened = conformance_store::open(path);
  const auto all = (*reopened)->read(decider::query::all());
  for (const auto& e : *all) {
    std::cout << "  " << e.position << ' ' << e.type << " " << e.metadata.event_id << " payload bytes "
              << std::get<alpha>(e.event).payload.size() << '\n';
  }
  const bool round_trip = all->size() == 3 && std::get<alpha>(all->front().event).payload ==
                                                  "tab\there, newline\nhere, \\ and \"quotes\", ünïcode";
  reopened->reset();

  std::cout << "\nA crash in the middle of writing a batch:\n";
  {
    std::ofstream torn(path, std::ios::app);
    torn << "E\t4\talpha\t\tfile-4\t0\t\t\tlost";  // an event line, no commit line, not even a newline
  }
  auto after_crash = conformance_store::open(path);
  const bool cut = after_crash && (*after_crash)->head() == 3;
  std::cout << "  reopened at position " << (after_crash ? (*after_crash)->head() : 0)
            << ": the torn batch was cut off\n";
  const auto next = (*after_crash)->append({{alpha{{}, "after the crash"}}});
  std::cout << "  the next append is stored at position " << next.value_or(0) << '\n';

  const bool ok = report.ok() && round_trip && cut && next.value_or(0) == 4;
  std::cout << "\ninvariant: the file store passes the conformance suite and keeps exactly the acknowledged batches: "
            << (ok ? "holds" : "BROKEN") << '\n';
  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
