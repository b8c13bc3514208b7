// A user's program on both durable stores, through the installed (or embedded) headers and the decider::sqlite and
// decider::postgres targets: an SQLite file appended to and read back, and a PostgreSQL server that is not there,
// refused within the connect timeout.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <decider/json/codec.hpp>
#include <decider/postgres/store.hpp>
#include <decider/sqlite/store.hpp>
#include <iostream>
#include <string>
#include <string_view>
#include <tuple>
#include <variant>
#include <vector>

struct noted {
  std::string text;
  static constexpr std::string_view type_name = "noted";
  static constexpr auto json_fields = std::tuple{decider::field("text", &noted::text)};
  [[nodiscard]] std::vector<decider::tag> tags() const { return {"note"}; }
};
using codec = decider::json_codec<std::variant<noted>>;

int main() {
  const auto path = "/tmp/decider-consumer-" + std::to_string(::getpid()) + ".db";
  bool sqlite_ok = false;
  {
    auto store = decider::sqlite_store<codec>::open(path);
    sqlite_ok = store.has_value() && (*store)->append({{noted{"hello"}}}).has_value() &&
                (*store)->read(decider::tagged({"note"}))->size() == 1;
  }
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::remove((path + suffix).c_str());
  }
  const auto absent = decider::postgres_store<codec>::open("host=/nonexistent/socket dbname=none",
                                                           {.connect_timeout = std::chrono::seconds(2)});
  std::cout << "durable consumer: sqlite " << (sqlite_ok ? "ok" : "FAILED")
            << "; postgres: " << (absent ? std::string("opened?") : absent.error().message) << '\n';
  return sqlite_ok && !absent.has_value() ? 0 : 1;
}
