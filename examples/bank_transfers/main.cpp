// Bank transfers: three designs side by side on one event store, at two
// loads (50 transfers at concurrency 4, 800 at concurrency 100, between two accounts). Prints succeeded, refused
// for funds, failed, invariant violations and transfers/s; exits non-zero when the DCB design loses a transfer or
// any design breaks an invariant (the two-lock design's failures are what it is known for: reported, not an error).
#include <cstdio>
#include <cstdlib>
#include <string>

#include "bank_transfers/bank.hpp"
#include "common/store_choice.hpp"

namespace {

template <class Design>
bool row(const char* name, Design&& design, std::uint64_t transfers, std::uint64_t concurrency, bool must_decide_all) {
  const auto r = examples::on_chosen_store<transfers::event>(
      "transfers", transfers::report{.transfers = transfers, .violations = 1},
      [&](auto& store) { return transfers::run_on(store, design, transfers, concurrency); });
  const auto u = [](std::uint64_t v) { return static_cast<unsigned long long>(v); };
  std::printf("%-12s %9llu %11llu %9llu %7llu %6llu %9llu %10llu %12.0f\n", name, u(transfers), u(concurrency),
              u(r.succeeded), u(r.refused), u(r.failed), u(r.deadlocks), u(r.violations), r.per_second());
  const bool decided = r.succeeded + r.refused == transfers;
  return r.violations == 0 && (!must_decide_all || decided);
}

}  // namespace

int main() {
  std::printf("Bank transfers: transfers between accounts a and b (1000 cents each), three designs on one store.\n\n");
  std::printf("%-12s %9s %11s %9s %7s %6s %9s %10s %12s\n", "design", "transfers", "concurrency", "succeeded",
              "refused", "failed", "deadlocks", "violations", "transfers/s");
  bool ok = true;
  for (const auto& [transfers, concurrency] : {std::pair<std::uint64_t, std::uint64_t>{50, 4}, {800, 100}}) {
    // [docs:run]
    ok = row("two locks", transfers::two_locks{}, transfers, concurrency, false) && ok;
    ok = row("reservation", transfers::reservation{}, transfers, concurrency, true) && ok;
    ok = row("dcb", transfers::dcb{}, transfers, concurrency, true) && ok;
    // [/docs:run]
  }
  std::printf(
      "\ninvariant: every DCB and reservation transfer decided, no design breaks a balance or loses money: %s\n",
      ok ? "holds" : "BROKEN");
  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
