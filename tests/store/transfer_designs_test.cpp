// Bank transfers, the three designs side by side (examples/bank_transfers/bank.hpp): at the seed's loads, with ample
// funds and with so little money that refusals are common, the DCB and reservation designs decide every transfer and
// break nothing; the two-lock design breaks nothing either, and a transfer whose payer is locked by the opposite
// transfer times out holding its payee (the deadlock). The log checker is shown to find each kind of violation.
#include <array>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
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

struct load {
  std::uint64_t transfers = 0;
  std::uint64_t concurrency = 0;
  std::int64_t opening = 0;  // cents in each account at the start
};
// The seed's two loads, with ample funds and with 30 cents per account (transfers are 1 to 40 cents): there a design
// that forgets its funds check overdraws within a few transfers.
inline constexpr std::array<load, 4> loads{{{50, 4, 1'000}, {800, 100, 1'000}, {50, 4, 30}, {800, 100, 30}}};

}  // namespace transfer_designs
using namespace transfer_designs;

TEST_CASE("transfer designs: the DCB transfer decides every transfer, loses none, breaks nothing",
          "[store][transfers][concurrency]") {
  for (const auto& l : loads) {
    INFO(l.transfers << " transfers at concurrency " << l.concurrency << ", " << l.opening << " cents each");
    transfers::dcb design;
    const auto r = transfers::run(design, l.transfers, l.concurrency, l.opening);
    CHECK(r.succeeded + r.refused == l.transfers);
    CHECK(r.failed == 0);
    CHECK(r.violations == 0);
    CHECK(r.succeeded > 0);
  }
}

TEST_CASE("transfer designs: the reservation protocol decides every transfer and leaves no reservation open",
          "[store][transfers][concurrency]") {
  for (const auto& l : loads) {
    INFO(l.transfers << " transfers at concurrency " << l.concurrency << ", " << l.opening << " cents each");
    transfers::reservation design;
    const auto r = transfers::run(design, l.transfers, l.concurrency, l.opening);
    CHECK(r.succeeded + r.refused == l.transfers);
    CHECK(r.failed == 0);
    CHECK(r.violations == 0);
    CHECK(r.succeeded > 0);
  }
}

// How many time out under load depends on the scheduler (on a busy machine, none may), so the load runs check the
// accounting and the money; the deadlock itself is shown deterministically below.
TEST_CASE("transfer designs: two locks in turn account for every transfer and break nothing",
          "[store][transfers][concurrency]") {
  for (const auto& l : loads) {
    INFO(l.transfers << " transfers at concurrency " << l.concurrency << ", " << l.opening << " cents each");
    transfers::two_locks design;
    const auto r = transfers::run(design, l.transfers, l.concurrency, l.opening);
    CHECK(r.succeeded + r.refused + r.failed == l.transfers);
    CHECK(r.deadlocks <= r.failed);
    CHECK(r.violations == 0);
  }
}

TEST_CASE("transfer designs: two locks in turn deadlock when the opposite transfer holds the payer",
          "[store][transfers][concurrency]") {
  transfers::store s;
  REQUIRE(s.append({{transfers::opened{"a", 100}}, {transfers::opened{"b", 100}}}).has_value());
  transfers::two_locks design;
  design.timeout = std::chrono::milliseconds{10};
  std::atomic<transfers::result> outcome{transfers::result::done};
  {
    // A transfer from b to a has taken its payee's lock, a's; ours, from a to b, takes b's and waits for a's.
    std::unique_lock<transfers::timed_mutex> opposite(design.locks["a"]);
    std::thread client([&] { outcome = design.transfer(s, "a", "b", 5, "t1"); });
    client.join();
  }
  CHECK(outcome.load() == transfers::result::deadlocked);
  {
    // Waiting for the first lock, the payee's, is a timeout but not the deadlock.
    std::unique_lock<transfers::timed_mutex> busy(design.locks["b"]);
    std::thread client([&] { outcome = design.transfer(s, "a", "b", 5, "t2"); });
    client.join();
  }
  CHECK(outcome.load() == transfers::result::failed);
  const auto before = s.read(decider::query::all());
  CHECK(before->size() == 2);  // both gave up before appending anything
  // With the locks free, the same transfer goes through.
  CHECK(design.transfer(s, "a", "b", 5, "t3") == transfers::result::done);
  const auto after = s.read(decider::query::all());
  CHECK(after->size() == 4);
  CHECK(transfers::violations(*after) == 0);
}

TEST_CASE("transfer designs: the log checker finds each kind of violation", "[store][transfers]") {
  using namespace transfers;
  const auto opening = std::vector<event>{opened{"a", 10}, opened{"b", 10}};
  const auto with = [&](std::vector<event> more) {
    auto all = opening;
    all.insert(all.end(), more.begin(), more.end());
    return violations(log_of(all));
  };
  CHECK(with({withdrawn{"a", 5, "t1"}, deposited{"b", 5, "t1"}}) == 0);
  CHECK(with({reserved{"a", 5, "t1"}, deposited{"b", 5, "t1"}, reservation_released{"a", 5, "t1"},
              withdrawn{"a", 5, "t1"}}) == 0);
  // Overdrawn at three positions, even though the end is balanced again.
  CHECK(with({withdrawn{"a", 15, "t1"}, deposited{"b", 15, "t1"}, withdrawn{"b", 15, "t2"},
              deposited{"a", 15, "t2"}}) == 3);
  // A withdrawal whose deposit is missing: money lost.
  CHECK(with({withdrawn{"a", 5, "t1"}}) == 1);
  // A deposit of a different amount: money created.
  CHECK(with({withdrawn{"a", 5, "t1"}, deposited{"b", 6, "t1"}}) == 1);
  CHECK(with({reserved{"a", 5, "t1"}}) == 1);
  CHECK(with({reserved{"a", 11, "t1"}, reservation_released{"a", 11, "t1"}}) == 1);
}
