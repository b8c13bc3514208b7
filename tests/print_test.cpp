#include "decider/testing/print.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <variant>
#include <vector>

namespace print_test {
struct with_fields {
  std::optional<int> maybe;
  std::string name;
  std::vector<int> values;
};
struct empty_event {};
struct printable {
  int id = 0;
  friend std::ostream& operator<<(std::ostream& os, const printable& p) { return os << "printable#" << p.id; }
};
enum class color { red = 2 };
}  // namespace print_test
using namespace print_test;

using decider::testing::describe;

TEST_CASE("describe prints aggregates field by field, optionals and strings included", "[testing][print]") {
  CHECK(describe(with_fields{3, "a", {1, 2}}) == R"(print_test::with_fields{3, "a", [1, 2]})");
  CHECK(describe(with_fields{}) == R"(print_test::with_fields{nullopt, "", []})");
  CHECK(describe(empty_event{}) == "print_test::empty_event{}");
}

TEST_CASE("describe prefers operator<<, and prints variants, keyed values, maps and enums", "[testing][print]") {
  CHECK(describe(printable{7}) == "printable#7");
  CHECK(describe(std::variant<printable, int>{5}) == "5");
  CHECK(describe(decider::keyed<std::string, int>{"k", 1}) == R"("k": 1)");
  CHECK(describe(std::map<std::string, bool>{{"x", true}}) == R"([("x", true)])");
  CHECK(describe(color::red) == "print_test::color(2)");
}

namespace print_test {
struct nine_fields {
  int a, b, c, d, e, f, g, h, i;
};
struct with_base : empty_event {
  int y = 0;
};
}  // namespace print_test

TEST_CASE("describe falls back to the type name for aggregates it cannot print field by field", "[testing][print]") {
  CHECK(describe(nine_fields{}) == "print_test::nine_fields{...}");
  CHECK(describe(with_base{}) == "print_test::with_base{...}");
}
