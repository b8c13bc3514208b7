// The example store over an append-only file (examples/append_only_file): the whole conformance suite, and what a
// file adds: a reopen gives back every byte, a torn batch is cut off, a corrupt record is a typed error naming its
// position, an unusable path or a file another process holds is store_unavailable.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "append_only_file/conformance_codec.hpp"
#include "decider/testing/store_conformance.hpp"

namespace file_conformance {

namespace fs = std::filesystem;
using decider::testing::conformance::alpha;
using decider::testing::conformance::beta;
using file_store::conformance_store;

struct temporary_directory {
  fs::path path;
  explicit temporary_directory(const std::string& name)
      : path(fs::temp_directory_path() / ("decider-" + name + "-" + std::to_string(::getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~temporary_directory() { fs::remove_all(path); }
};

inline std::string file_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace file_conformance
using namespace file_conformance;

TEST_CASE("the append-only file store passes the DCB conformance suite", "[conformance][file]") {
  temporary_directory dir("file-conformance");
  int files = 0;
  const auto report = decider::testing::check_event_store(
      [&] { return std::move(*conformance_store::open(dir.path / ("check-" + std::to_string(++files)))); });
  INFO(report.describe());
  CHECK(report.checks >= 30);
  REQUIRE(report.ok());
}

TEST_CASE("the file store gives back every byte of events, tags and metadata after a reopen", "[conformance][file]") {
  temporary_directory dir("file-reopen");
  const auto path = dir.path / "events";
  const std::string awkward = "tab\t newline\n backslash\\ quote\" comma, ' DROP TABLE; ünïcode \xF0\x9F\x92\xB6";
  std::vector<decider::stored_event<decider::testing::conformance::event>> before;
  {
    auto store = conformance_store::open(path);
    REQUIRE(store.has_value());
    decider::event_metadata metadata{"id-1", {}, "correlation\twith tab", "causation,with comma"};
    REQUIRE((*store)->append({{alpha{{awkward, "plain"}, awkward}, metadata}}).value() == 1);
    REQUIRE((*store)->append({{beta{{}, ""}}, {alpha{{"x"}, "\\t is not a tab"}}}).value() == 3);
    before = *(*store)->read(decider::query::all());
  }
  auto reopened = conformance_store::open(path);
  REQUIRE(reopened.has_value());
  const auto after = (*reopened)->read(decider::query::all());
  REQUIRE(after->size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(after->at(i).position == before[i].position);
    CHECK(after->at(i).type == before[i].type);
    CHECK(after->at(i).tags == before[i].tags);
    CHECK(after->at(i).event == before[i].event);
    CHECK(after->at(i).metadata == before[i].metadata);
  }
  CHECK(after->at(0).metadata.correlation_id == "correlation\twith tab");
  CHECK(std::get<alpha>(after->at(0).event).payload == awkward);
  // The retry of the first batch is still recognized after the reopen.
  CHECK((*reopened)->append({{alpha{{awkward, "plain"}, awkward}, {.event_id = "id-1"}}}).value() == 1);
  CHECK((*reopened)->head() == 3);
}

TEST_CASE("the file store cuts off a batch torn by a crash, and nothing else", "[conformance][file]") {
  temporary_directory dir("file-torn");
  const auto path = dir.path / "events";
  {
    auto store = conformance_store::open(path);
    REQUIRE((*store)->append({{alpha{{"a"}, "1"}}, {alpha{{"a"}, "2"}}}).has_value());
  }
  const auto committed = file_text(path);
  for (const std::string torn : {"E\t3\talpha\t\tfile-3\t0\t\t\tx\n",                              // no commit line
                                 "E\t3\talpha\t\tfile-3\t0\t\t\tx\nE\t4\talpha\t\tfile-4\t0\t\t",  // torn mid-line
                                 "E\t3\talpha\t\tfile-3\t0\t\t\tx\nC\t4\n"}) {                     // wrong commit
    {
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out << committed << torn;
    }
    auto store = conformance_store::open(path);
    REQUIRE(store.has_value());
    CHECK((*store)->head() == 2);
    CHECK(file_text(path) == committed);  // the torn end is gone from the file too
    CHECK((*store)->append({{beta{{}, "next"}}}).value() == 3);
  }
}

TEST_CASE("a corrupt record, an unusable path, a file in use: store_unavailable, with where and why",
          "[conformance][file]") {
  temporary_directory dir("file-errors");
  const auto path = dir.path / "events";
  {
    auto store = conformance_store::open(path);
    REQUIRE((*store)->append({{alpha{{"a"}, "1"}}}).has_value());
    // Another opener of the same file is refused while this one holds it.
    const auto second = conformance_store::open(path);
    REQUIRE_FALSE(second.has_value());
    CHECK_THAT(second.error().message, Catch::Contains("in use by another process"));
  }
  {
    std::ofstream out(path, std::ios::binary | std::ios::app);
    out << "E\t2\tdelta\t\tfile-2\t0\t\t\tx\nC\t2\n";  // a committed record of a type the codec does not know
  }
  const auto corrupt = conformance_store::open(path);
  REQUIRE_FALSE(corrupt.has_value());
  CHECK_THAT(corrupt.error().message, Catch::Contains("position 2 (type delta)") && Catch::Contains("unknown type"));
  const auto nowhere = conformance_store::open(dir.path / "missing-directory" / "events");
  REQUIRE_FALSE(nowhere.has_value());
  CHECK_THAT(nowhere.error().message, Catch::Contains("cannot open"));
}
