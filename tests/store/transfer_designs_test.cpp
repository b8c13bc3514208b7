// Seed 004, the three designs side by side (examples/bank_transfers/bank.hpp): at the seed's loads, the DCB and
// reservation designs decide every transfer and break nothing; the two-lock design breaks nothing but fails
// transfers when its locks time out. The log checker is shown to find each kind of violation.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "bank_transfers/bank.hpp"

namespace transfer_designs {

using transfers::event;
using log_type = std::vector<decider::stored_event<event>>;

inline log_type log_of(std::vector<event> events) {
  log_type out;
  for (auto& e : events) {
    out.push_back({out.size() + 1, std::string(decider::type_name_of(e)), decider::tags_of(e), std::move(e), {}});
  }
  return out;
}

}  // namespace transfer_designs
using namespace transfer_designs;

TEST_CASE("seed 004 designs: the DCB transfer decides every transfer, loses none, breaks nothing",
          "[store][seed004][concurrency]") {
  for (const auto& [n, concurrency] : {std::pair<std::uint64_t, std::uint64_t>{50, 4}, {800, 100}}) {
    transfers::dcb design;
    const auto r = transfers::run(design, n, concurrency);
    CHECK(r.succeeded + r.refused == n);
    CHECK(r.failed == 0);
    CHECK(r.violations == 0);
    CHECK(r.succeeded > 0);
  }
}

TEST_CASE("seed 004 designs: the reservation protocol decides every transfer and leaves no reservation open",
          "[store][seed004][concurrency]") {
  for (const auto& [n, concurrency] : {std::pair<std::uint64_t, std::uint64_t>{50, 4}, {800, 100}}) {
    transfers::reservation design;
    const auto r = transfers::run(design, n, concurrency);
    CHECK(r.succeeded + r.refused == n);
    CHECK(r.failed == 0);
    CHECK(r.violations == 0);
  }
}

TEST_CASE("seed 004 designs: two locks in turn break nothing, but time out under load",
          "[store][seed004][concurrency]") {
  transfers::two_locks design;
  design.timeout = std::chrono::milliseconds{5};
  const auto r = transfers::run(design, 800, 100);
  CHECK(r.succeeded + r.refused + r.failed == 800);
  CHECK(r.deadlocks <= r.failed);
  CHECK(r.failed > 0);  // 100 clients on two locks of 5 ms: some always wait too long
  CHECK(r.violations == 0);
}

TEST_CASE("seed 004 designs: the log checker finds each kind of violation", "[store][seed004]") {
  using namespace transfers;
  const auto opening = std::vector<event>{opened{"a", 10}, opened{"b", 10}};
  const auto with = [&](std::vector<event> more) {
    auto all = opening;
    all.insert(all.end(), more.begin(), more.end());
    return violations(log_of(all));
  };
  CHECK(with({withdrawn{"a", 5, "t1"}, deposited{"b", 5, "t1"}}) == 0);
  CHECK(with({transferred{"a", "b", 10, "t1"}}) == 0);
  // Overdrawn at some position, even though the end is balanced again.
  CHECK(with({transferred{"a", "b", 15, "t1"}, transferred{"b", "a", 15, "t2"}}) == 1);
  // A withdrawal whose deposit is missing: money lost, and the reference unmatched.
  CHECK(with({withdrawn{"a", 5, "t1"}}) == 2);
  // A deposit of a different amount: money created, and the reference unmatched.
  CHECK(with({withdrawn{"a", 5, "t1"}, deposited{"b", 6, "t1"}}) == 2);
  // A reservation left open at the end; a reservation beyond the balance.
  CHECK(with({reserved{"a", 5, "t1"}}) == 1);
  CHECK(with({reserved{"a", 11, "t1"}, reservation_released{"a", 11, "t1"}}) == 1);
}
