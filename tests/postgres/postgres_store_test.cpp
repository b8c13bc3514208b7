// The PostgreSQL store against the throwaway server (DECIDER_PG_CONNINFO): the whole conformance suite, every
// byte back, group commit, refusals of bad input, records that no longer decode, and bounded failures.
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "decider/json/codec.hpp"
#include "decider/postgres/store.hpp"
#include "decider/testing/conformance_codec.hpp"
#include "decider/testing/store_conformance.hpp"
#include "durable/odd_names.hpp"
#include "durable/process_checks.hpp"
#include "support/handle_agreement.hpp"

namespace postgres_test {
namespace conformance = decider::testing::conformance;
using store = decider::postgres_store<conformance::codec>;
using conformance::alpha;
using conformance::beta;

inline std::string conninfo() {
  const char* given = std::getenv("DECIDER_PG_CONNINFO");
  return given != nullptr ? given : "";
}
// A schema of its own for each store a test makes.
inline std::string fresh_schema(const std::string& name) {
  static std::atomic<int> made{0};
  return "t" + std::to_string(::getpid()) + "_" + name + "_" + std::to_string(++made);
}
inline std::unique_ptr<store> open_store(const std::string& schema, decider::postgres_options options = {}) {
  options.schema = schema;
  auto opened = store::open(conninfo(), options);
  INFO((opened.has_value() ? std::string() : opened.error().message));
  REQUIRE(opened.has_value());
  return std::move(*opened);
}
}  // namespace postgres_test
using namespace postgres_test;

TEST_CASE("the PostgreSQL store passes the DCB conformance suite", "[postgres][conformance]") {
  REQUIRE_FALSE(conninfo().empty());
  const auto report = decider::testing::check_event_store([&] { return open_store(fresh_schema("conformance")); },
                                                          {.concurrent_appends = 8'000});
  INFO(report.describe());
  CHECK(report.checks >= 30);
  REQUIRE(report.ok());
}

TEST_CASE("the PostgreSQL store gives back every byte of events, tags and metadata", "[postgres]") {
  const auto schema = fresh_schema("bytes");
  const std::string awkward =
      "tab\t newline\n backslash\\ quote\" apostrophe' $1 comma, '); DROP TABLE events; -- ünïcode \xF0\x9F\x92\xB6";
  constexpr char payload_bytes[] = "payload\0with NUL and \xFF\xFE bytes";
  const std::string binary_payload(payload_bytes, sizeof payload_bytes - 1);
  std::vector<decider::stored_event<conformance::event>> before;
  {
    auto s = open_store(schema);
    decider::event_metadata metadata{"id-'1'", {}, "correlation\twith tab", "causation\"quoted"};
    REQUIRE(s->append({{alpha{{awkward, "plain"}, binary_payload}, metadata}}).value() == 1);
    REQUIRE(s->append({{beta{{}, ""}}, {alpha{{"x"}, awkward}}}).value() == 3);
    before = *s->read(decider::query::all());
  }
  auto reopened = open_store(schema);
  const auto after = reopened->read(decider::query::all());
  REQUIRE(after.has_value());
  decider_test::require_same_log(before, *after);
  CHECK(std::get<alpha>(after->at(0).event).payload == binary_payload);
  CHECK(after->at(1).metadata.event_id == "postgres-2");
  CHECK(reopened->read(decider::tagged({awkward}))->size() == 1);
  CHECK(reopened->read(decider::events({"alpha' OR '1'='1"}))->empty());
  CHECK(reopened->read(decider::tagged({"x"}) | decider::events({"beta"}))->size() == 2);
  CHECK(reopened->append({{alpha{{awkward, "plain"}, binary_payload}, {.event_id = "id-'1'"}}}).value() == 1);
  CHECK(reopened->head() == 3);
}

TEST_CASE("the PostgreSQL store refuses what it cannot store with a clear error, and stores nothing of the batch",
          "[postgres]") {
  auto s = open_store(fresh_schema("refusals"), {.max_event_bytes = 1000});
  const auto oversized = s->append({{alpha{{"a"}, "small"}}, {beta{{"a"}, std::string(2000, 'x')}}});
  REQUIRE_FALSE(oversized.has_value());
  CHECK_THAT(std::get<decider::invalid_append>(oversized.error()).reason,
             Catch::Contains("event 2 of the batch (beta)") && Catch::Contains("at most 1000 bytes"));
  const auto not_utf8 = s->append({{alpha{{"a"}, "fine"}}, {alpha{{"bad \xFF tag"}, "x"}}});
  REQUIRE_FALSE(not_utf8.has_value());
  CHECK_THAT(std::get<decider::invalid_append>(not_utf8.error()).reason,
             Catch::Contains("event 2 of the batch has a tag") && Catch::Contains("not UTF-8"));
  const auto nul = s->append({{alpha{{std::string("nul\0tag", 7)}, "x"}}});
  REQUIRE_FALSE(nul.has_value());
  CHECK(std::holds_alternative<decider::invalid_append>(nul.error()));
  CHECK(s->head() == 0);
  // Reading for such a tag is not an error: no stored event can carry it.
  CHECK(s->read(decider::tagged({"bad \xFF tag"}))->empty());
  CHECK(s->append({{alpha{{"a"}, std::string(900, 'x')}}}).value() == 1);
}

TEST_CASE("the PostgreSQL store commits queued appends together, each checked against the ones before it",
          "[postgres]") {
  auto s = open_store(fresh_schema("group"));
  decider_test::check_group_commit(*s);
}

TEST_CASE("a one-round-trip commit that finds another writer's events is decided again, and the server logs no error",
          "[postgres]") {
  const auto schema = fresh_schema("guard");
  auto mine = open_store(schema);
  auto other = open_store(schema);  // another process's store, as far as `mine` can tell
  using batch = std::vector<decider::event_to_append<conformance::event>>;
  for (int i = 0; i < 4; ++i) {
    REQUIRE(mine->append(batch{{alpha{{"g"}, std::to_string(i)}}}).has_value());
  }
  const auto fast = mine->one_round_trip_commits();
  CHECK(fast >= 2);  // once it knows the tail, a lone writer commits in one round trip
  // The other writer appends: the guard of mine's next one-round-trip commit finds the head moved.
  const auto theirs = other->append(batch{{beta{{"g"}, "theirs"}}});
  REQUIRE(theirs == decider::append_result(5));
  const auto refused =
      mine->append(batch{{alpha{{"g"}, "late"}}}, decider::append_condition{decider::tagged({"g"}), 4});
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error() == decider::append_error(decider::condition_failed{5}));
  CHECK(mine->one_round_trip_commits() == fast);
  const auto after =
      mine->append(batch{{alpha{{"g"}, "on time"}}}, decider::append_condition{decider::tagged({"g"}), 5});
  CHECK(after == decider::append_result(6));
  // The server's log (the throwaway server's, beside its socket) holds no error of the store's making.
  const auto conn = conninfo();
  const auto host = conn.substr(conn.find("host=") + 5, conn.find(' ', conn.find("host=")) - conn.find("host=") - 5);
  std::ifstream log(host + "/server.log");
  REQUIRE(log.good());
  std::string line;
  std::size_t aborted = 0;
  while (std::getline(log, line)) {
    aborted += line.find("division by zero") != std::string::npos ? 1 : 0;
  }
  CHECK(aborted == 0);
}

TEST_CASE("a PostgreSQL record that no longer decodes fails the read with its position and type, or is skipped",
          "[postgres]") {
  const auto schema = fresh_schema("decode");
  {
    auto s = open_store(schema);
    REQUIRE(s->append({{alpha{{"a"}, "1"}}, {beta{{"a"}, "2"}}, {alpha{{"a"}, "3"}}}).has_value());
  }
  {
    PGconn* c = PQconnectdb(conninfo().c_str());
    REQUIRE(PQstatus(c) == CONNECTION_OK);
    PGresult* r = PQexec(c, ("UPDATE \"" + schema + "\".events SET payload = 'garbage' WHERE position = 2").c_str());
    CHECK(PQresultStatus(r) == PGRES_COMMAND_OK);
    PQclear(r);
    PQfinish(c);
  }
  auto failing = open_store(schema);
  const auto failed = failing->read(decider::query::all());
  REQUIRE_FALSE(failed.has_value());
  CHECK_THAT(failed.error().message, Catch::Contains("position 2 (type beta)"));
  const auto raw = failing->read_encoded(decider::query::all());
  REQUIRE(raw->size() == 3);
  CHECK(raw->at(1).record.payload == "garbage");
  auto skipping = open_store(schema, {.decode = decider::on_decode_error::skip});
  const auto read = skipping->read(decider::query::all());
  REQUIRE(read.has_value());
  REQUIRE(read->size() == 2);
  CHECK(read->at(1).position == 3);
  CHECK(skipping->skipped_records() == 1);
}

TEST_CASE(
    "PostgreSQL: an unreachable server, a refused login, a bad schema name or a newer schema fail in bounded time",
    "[postgres]") {
  using clock = std::chrono::steady_clock;
  const auto began = clock::now();
  const auto unreachable = store::open("host=/nonexistent/socket/dir dbname=postgres user=postgres",
                                       {.connect_timeout = std::chrono::seconds(2)});
  REQUIRE_FALSE(unreachable.has_value());
  CHECK_THAT(unreachable.error().message, Catch::Contains("cannot connect to PostgreSQL"));
  const auto refused = store::open(conninfo() + " user=nobody_here", {.connect_timeout = std::chrono::seconds(2)});
  REQUIRE_FALSE(refused.has_value());
  CHECK_THAT(refused.error().message, Catch::Contains("nobody_here"));
  CHECK(clock::now() - began < std::chrono::seconds(10));
  const auto bad_name = store::open(conninfo(), {.schema = "x\"; DROP SCHEMA public; --"});
  REQUIRE_FALSE(bad_name.has_value());
  CHECK_THAT(bad_name.error().message, Catch::Contains("not a plain identifier"));
  const auto schema = fresh_schema("newer");
  { auto s = open_store(schema); }
  {
    PGconn* c = PQconnectdb(conninfo().c_str());
    PGresult* r = PQexec(c, ("UPDATE \"" + schema + "\".schema_version SET version = 99").c_str());
    CHECK(PQresultStatus(r) == PGRES_COMMAND_OK);
    PQclear(r);
    PQfinish(c);
  }
  const auto newer = store::open(conninfo(), {.schema = schema});
  REQUIRE_FALSE(newer.has_value());
  CHECK_THAT(newer.error().message, Catch::Contains("version is 99, newer than this library"));
}

TEST_CASE("the PostgreSQL store as the docs show it: one schema per store, a bounded wait for the server",
          "[postgres]") {
  const auto schema = fresh_schema("docs");
  // [docs:postgres-open]
  auto opened = decider::postgres_store<conformance::codec>::open(
      conninfo(),  // a libpq connection string: "host=/run/postgresql dbname=app user=app"
      {.schema = schema, .connect_timeout = std::chrono::seconds(5), .max_readers = 4});
  if (!opened.has_value()) {
    FAIL("cannot open the store: " << opened.error().message);
  }
  auto& store = **opened;
  // [/docs:postgres-open]
  CHECK(store.append({{alpha{{"room:101"}, "ada"}}}, decider::append_condition{decider::tagged({"room:101"}), {}}));
  CHECK_FALSE(
      store.append({{alpha{{"room:101"}, "bob"}}}, decider::append_condition{decider::tagged({"room:101"}), {}}));
  CHECK(store.head() == 1);
  const auto [commits, appends] = store.commits_and_appends();
  CHECK(appends == 2);
  CHECK(commits == 2);
  CHECK(store.drop_schema().has_value());
}

TEST_CASE("PostgreSQL: type names and tags with quotes, backslashes, SQL and UTF-8 are data, byte for byte",
          "[postgres]") {
  auto store = decider::postgres_store<decider::json_codec<decider_test::odd_event>>::open(
      conninfo(), {.schema = fresh_schema("odd")});
  REQUIRE(store.has_value());
  decider_test::check_odd_names(**store);
  CHECK((*store)->drop_schema().has_value());
}

TEST_CASE("a decider's commands decide on the PostgreSQL store as in memory, through the boundary it derives",
          "[postgres][boundary]") {
  REQUIRE(rc::check("handle on PostgreSQL agrees with step", [] {
    handle_agreement::decides_as_step(
        [] {
          auto opened = decider::postgres_store<decider::json_codec<learning::event>>::open(
              conninfo(), {.schema = fresh_schema("handle")});
          RC_ASSERT(opened.has_value());
          return std::move(*opened);
        },
        30);
  }));
}
