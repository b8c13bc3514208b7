// The throwaway PostgreSQL 15 server the tests start themselves (scripts/pg-test-server.sh, a CTest fixture):
// reachable over its Unix socket only, at version 15, and answering parameterized statements with bytes intact.
// An unreachable server is an error within a bounded time, not a hang. The durable store's tests build on this.
#include <libpq-fe.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace {

struct connection_closer {
  void operator()(PGconn* c) const noexcept { PQfinish(c); }
};
using connection = std::unique_ptr<PGconn, connection_closer>;
struct result_clearer {
  void operator()(PGresult* r) const noexcept { PQclear(r); }
};
using result = std::unique_ptr<PGresult, result_clearer>;

std::string conninfo() {
  const char* given = std::getenv("DECIDER_PG_CONNINFO");
  return given != nullptr ? given : "";
}

}  // namespace

TEST_CASE("the test server is PostgreSQL 15 on a Unix socket, with no TCP address", "[postgres]") {
  REQUIRE_FALSE(conninfo().empty());
  connection c(PQconnectdb(conninfo().c_str()));
  REQUIRE(PQstatus(c.get()) == CONNECTION_OK);
  CHECK(PQserverVersion(c.get()) / 10000 == 15);
  const result listen(PQexec(c.get(), "SHOW listen_addresses"));
  REQUIRE(PQresultStatus(listen.get()) == PGRES_TUPLES_OK);
  CHECK(std::string(PQgetvalue(listen.get(), 0, 0)).empty());
}

TEST_CASE("parameterized statements keep quotes, backslashes, SQL and UTF-8 byte for byte", "[postgres]") {
  connection c(PQconnectdb(conninfo().c_str()));
  REQUIRE(PQstatus(c.get()) == CONNECTION_OK);
  const result made(PQexec(c.get(), "CREATE TEMPORARY TABLE texts (id integer PRIMARY KEY, body text NOT NULL)"));
  REQUIRE(PQresultStatus(made.get()) == PGRES_COMMAND_OK);
  const std::vector<std::string> bodies{"plain",
                                        "it's \"quoted\"",
                                        "back\\slash",
                                        "'); DROP TABLE texts; --",
                                        "s\xC3\xA9verine \xE2\x9C\x93 \xF0\x9F\x98\x80",
                                        ""};
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    const std::string id = std::to_string(i);
    const char* values[] = {id.c_str(), bodies[i].c_str()};
    const result inserted(
        PQexecParams(c.get(), "INSERT INTO texts (id, body) VALUES ($1, $2)", 2, nullptr, values, nullptr, nullptr, 0));
    REQUIRE(PQresultStatus(inserted.get()) == PGRES_COMMAND_OK);
  }
  const result all(PQexec(c.get(), "SELECT body FROM texts ORDER BY id"));
  REQUIRE(PQresultStatus(all.get()) == PGRES_TUPLES_OK);
  REQUIRE(PQntuples(all.get()) == static_cast<int>(bodies.size()));
  for (int row = 0; row < PQntuples(all.get()); ++row) {
    CHECK(std::string(PQgetvalue(all.get(), row, 0), static_cast<std::size_t>(PQgetlength(all.get(), row, 0))) ==
          bodies[static_cast<std::size_t>(row)]);
  }
}

TEST_CASE("an unreachable server or an unknown role is an error within a bounded time", "[postgres]") {
  const auto began = std::chrono::steady_clock::now();
  connection nowhere(PQconnectdb("host=/nonexistent/decider-socket-dir dbname=postgres connect_timeout=2"));
  CHECK(PQstatus(nowhere.get()) == CONNECTION_BAD);
  connection stranger(PQconnectdb((conninfo() + " user=no_such_role connect_timeout=2").c_str()));
  CHECK(PQstatus(stranger.get()) == CONNECTION_BAD);
  CHECK(std::string(PQerrorMessage(stranger.get())).find("no_such_role") != std::string::npos);
  CHECK(std::chrono::steady_clock::now() - began < std::chrono::seconds(10));
}
