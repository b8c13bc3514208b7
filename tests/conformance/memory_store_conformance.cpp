// The reusable DCB conformance suite, run against the in-memory reference store.
#include <catch2/catch.hpp>
#include <memory>

#include "decider/store/memory.hpp"
#include "decider/testing/store_conformance.hpp"

TEST_CASE("memory_store passes the DCB conformance suite", "[conformance]") {
  // [docs:conformance]
  const auto report = decider::testing::check_event_store(
      [] { return std::make_unique<decider::memory_store<decider::testing::conformance::event>>(); });
  INFO(report.describe());
  CHECK(report.checks >= 30);
  REQUIRE(report.ok());
  // [/docs:conformance]
}
