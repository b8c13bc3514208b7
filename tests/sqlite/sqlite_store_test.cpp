// The SQLite store: the whole conformance suite on a file, and what a file adds: a reopen gives back every byte,
// durability settings, group commit, refusals of bad input, records that no longer decode, unusable files.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include "decider/json/codec.hpp"
#include "decider/sqlite/store.hpp"
#include "decider/store/fields.hpp"
#include "decider/testing/conformance_codec.hpp"
#include "decider/testing/store_conformance.hpp"
#include "durable/odd_names.hpp"
#include "durable/process_checks.hpp"
#include "support/handle_agreement.hpp"
#include "support/temporary_directory.hpp"

namespace sqlite_test {
namespace conformance = decider::testing::conformance;
using store = decider::sqlite_store<conformance::codec>;
using conformance::alpha;
using conformance::beta;

inline std::unique_ptr<store> open_store(const std::string& path, decider::sqlite_options options = {}) {
  auto opened = store::open(path, options);
  INFO((opened.has_value() ? std::string() : opened.error().message));
  REQUIRE(opened.has_value());
  return std::move(*opened);
}
}  // namespace sqlite_test
using namespace sqlite_test;

TEST_CASE("the SQLite store passes the DCB conformance suite", "[sqlite][conformance]") {
  decider_test::temporary_directory dir("sqlite-conformance");
  int files = 0;
  // synchronous=NORMAL keeps the suite's 100,000 appends quick; FULL is checked below and by the crash test.
  const auto report = decider::testing::check_event_store([&] {
    return std::move(*store::open((dir.path / ("check-" + std::to_string(++files) + ".db")).string(),
                                  {.durability = decider::sqlite_durability::normal}));
  });
  INFO(report.describe());
  CHECK(report.checks >= 30);
  REQUIRE(report.ok());
}

TEST_CASE("the SQLite store gives back every byte of events, tags and metadata after a reopen", "[sqlite]") {
  decider_test::temporary_directory dir("sqlite-reopen");
  const auto path = (dir.path / "events.db").string();
  const std::string awkward =
      "tab\t newline\n backslash\\ quote\" apostrophe' comma, '); DROP TABLE events; -- ünïcode \xF0\x9F\x92\xB6";
  const std::string with_nul("nul\0inside", 10);
  std::vector<decider::stored_event<conformance::event>> before;
  {
    auto s = open_store(path);
    decider::event_metadata metadata{"id-'1'", {}, "correlation\twith tab", "causation\"quoted"};
    REQUIRE(s->append({{alpha{{awkward, with_nul, "plain"}, awkward}, metadata}}).value() == 1);
    REQUIRE(s->append({{beta{{}, ""}}, {alpha{{"x"}, with_nul}}}).value() == 3);
    before = *s->read(decider::query::all());
  }
  auto reopened = open_store(path);
  const auto after = reopened->read(decider::query::all());
  REQUIRE(after.has_value());
  decider_test::require_same_log(before, *after);
  CHECK(std::get<alpha>(after->at(0).event).payload == awkward);
  CHECK(after->at(0).metadata.event_id == "id-'1'");
  CHECK(after->at(1).metadata.event_id == "sqlite-2");  // none given: the store names it
  // Tags with SQL meta-characters and a NUL byte are matched exactly, as data.
  CHECK(reopened->read(decider::tagged({awkward}))->size() == 1);
  CHECK(reopened->read(decider::tagged({with_nul}))->size() == 1);
  CHECK(reopened->read(decider::tagged({"nul"}))->empty());
  CHECK(reopened->read(decider::events({"alpha' OR '1'='1"}))->empty());
  // The retry of the first batch is still recognized after the reopen.
  CHECK(reopened->append({{alpha{{awkward, with_nul, "plain"}, awkward}, {.event_id = "id-'1'"}}}).value() == 1);
  CHECK(reopened->head() == 3);
}

TEST_CASE("the SQLite store refuses an oversized event with a clear error and stores nothing of its batch",
          "[sqlite]") {
  decider_test::temporary_directory dir("sqlite-oversized");
  auto s = open_store((dir.path / "events.db").string(), {.max_event_bytes = 1000});
  const auto refused = s->append({{alpha{{"a"}, "small"}}, {beta{{"a"}, std::string(2000, 'x')}}});
  REQUIRE_FALSE(refused.has_value());
  REQUIRE(std::holds_alternative<decider::invalid_append>(refused.error()));
  const auto& reason = std::get<decider::invalid_append>(refused.error()).reason;
  CHECK_THAT(reason, Catch::Contains("event 2 of the batch (beta)") && Catch::Contains("at most 1000 bytes"));
  CHECK(s->head() == 0);
  CHECK(s->append({{alpha{{"a"}, std::string(900, 'x')}}}).value() == 1);
}

TEST_CASE("the SQLite store commits queued appends together, each checked against the ones before it", "[sqlite]") {
  decider_test::temporary_directory dir("sqlite-group");
  auto s = open_store((dir.path / "events.db").string());  // FULL: each commit waits for the disk
  decider_test::check_group_commit(*s);
}

TEST_CASE("a record that no longer decodes fails the read with its position and type, or is skipped", "[sqlite]") {
  decider_test::temporary_directory dir("sqlite-decode");
  const auto path = (dir.path / "events.db").string();
  {
    auto s = open_store(path);
    REQUIRE(s->append({{alpha{{"a"}, "1"}}, {beta{{"a"}, "2"}}, {alpha{{"a"}, "3"}}}).has_value());
  }
  {
    // Another program damages the second record.
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "UPDATE events SET payload = 'garbage' WHERE position = 2", nullptr, nullptr, nullptr) ==
            SQLITE_OK);
    sqlite3_close(db);
  }
  auto failing = open_store(path);
  const auto failed = failing->read(decider::query::all());
  REQUIRE_FALSE(failed.has_value());
  CHECK_THAT(failed.error().message, Catch::Contains("position 2 (type beta)"));
  // Nothing is lost: the record is still there, undecoded.
  const auto raw = failing->read_encoded(decider::query::all());
  REQUIRE(raw->size() == 3);
  CHECK(raw->at(1).record.payload == "garbage");

  auto skipping = open_store(path, {.decode = decider::on_decode_error::skip});
  const auto read = skipping->read(decider::query::all());
  REQUIRE(read.has_value());
  REQUIRE(read->size() == 2);
  CHECK(read->at(0).position == 1);
  CHECK(read->at(1).position == 3);
  CHECK(skipping->skipped_records() == 1);
}

TEST_CASE("an unusable file gives store_unavailable, never a crash", "[sqlite]") {
  decider_test::temporary_directory dir("sqlite-unusable");
  {
    std::ofstream junk(dir.path / "junk.db", std::ios::binary);
    junk << std::string(8192, 'j');
  }
  const auto not_a_database = store::open((dir.path / "junk.db").string());
  REQUIRE_FALSE(not_a_database.has_value());
  CHECK_THAT(not_a_database.error().message, Catch::Contains("junk.db"));
  CHECK_FALSE(store::open((dir.path / "missing-directory" / "events.db").string()).has_value());
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open((dir.path / "other.db").c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "CREATE TABLE events(x)", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  const auto foreign = store::open((dir.path / "other.db").string());
  REQUIRE_FALSE(foreign.has_value());
  CHECK_THAT(foreign.error().message, Catch::Contains("did not create"));
  { auto s = open_store((dir.path / "newer.db").string()); }
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open((dir.path / "newer.db").c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "UPDATE decider_schema SET version = 99", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  const auto newer = store::open((dir.path / "newer.db").string());
  REQUIRE_FALSE(newer.has_value());
  CHECK_THAT(newer.error().message, Catch::Contains("version 99, newer than this library"));
}

namespace sqlite_docs {
// [docs:sqlite-use]
struct room_booked {
  std::string room;
  std::string guest;
  static constexpr std::string_view type_name = "room_booked";
  static constexpr auto json_fields =
      std::tuple{decider::field("room", &room_booked::room), decider::field("guest", &room_booked::guest)};
  [[nodiscard]] std::vector<decider::tag> tags() const { return {decider::make_tag("room", room)}; }
};
using hotel_event = std::variant<room_booked>;
using hotel_store = decider::sqlite_store<decider::json_codec<hotel_event>>;

// Books a room unless it is booked already: one conditional append, refused as a value when it is.
inline bool book(hotel_store& store, const std::string& room, const std::string& guest) {
  const auto booked = store.append({{room_booked{room, guest}}},
                                   decider::append_condition{decider::tagged({decider::make_tag("room", room)}), {}});
  return booked.has_value();
}
// [/docs:sqlite-use]
}  // namespace sqlite_docs

TEST_CASE("the SQLite store as the docs show it: open a file, append under a condition, read back", "[sqlite]") {
  decider_test::temporary_directory dir("sqlite-docs");
  const auto path = (dir.path / "hotel.db").string();
  // [docs:sqlite-open]
  auto opened = sqlite_docs::hotel_store::open(path, {.durability = decider::sqlite_durability::full});
  if (!opened.has_value()) {
    FAIL("cannot open the store: " << opened.error().message);  // a typed error, never an exception
  }
  auto& store = **opened;
  // [/docs:sqlite-open]
  CHECK(sqlite_docs::book(store, "101", "ada"));
  CHECK_FALSE(sqlite_docs::book(store, "101", "bob"));
  CHECK(sqlite_docs::book(store, "102", "bob"));
  const auto read = store.read(decider::tagged({"room:101"}));
  REQUIRE(read.has_value());
  REQUIRE(read->size() == 1);
  CHECK(std::get<sqlite_docs::room_booked>(read->front().event).guest == "ada");
  const auto raw = store.read_encoded(decider::tagged({"room:101"}));
  REQUIRE(raw.has_value());
  CHECK(raw->front().record.payload == R"({"guest":"ada","room":"101"})");
}

TEST_CASE("SQLite: type names and tags with quotes, backslashes, SQL and UTF-8 are data, byte for byte", "[sqlite]") {
  decider_test::temporary_directory dir("sqlite-odd");
  auto store =
      decider::sqlite_store<decider::json_codec<decider_test::odd_event>>::open((dir.path / "odd.db").string());
  REQUIRE(store.has_value());
  decider_test::check_odd_names(**store);
}

TEST_CASE("a decider's commands decide on the SQLite store as in memory, through the boundary it derives",
          "[sqlite][boundary]") {
  decider_test::temporary_directory dir("sqlite-handle");
  int files = 0;
  REQUIRE(rc::check("handle on SQLite agrees with step", [&] {
    handle_agreement::decides_as_step(
        [&] {
          auto opened = decider::sqlite_store<decider::json_codec<learning::event>>::open(
              (dir.path / ("handle-" + std::to_string(++files) + ".db")).string(),
              {.durability = decider::sqlite_durability::normal});
          RC_ASSERT(opened.has_value());
          return std::move(*opened);
        },
        30);
  }));
}
