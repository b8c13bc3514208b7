// Bank transfers: the bank decider (accounts, one instance per id, and the transfer over two of them) keeps every
// balance at or above zero and above its holds, and moves money without making or losing any, in every state
// reached by random commands; its laws hold; the boundary it derives for each command is sufficient.
#include <rapidcheck.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>

#include "bank_transfers/account.hpp"
#include "decider/testing/boundary.hpp"
#include "decider/testing/rapidcheck.hpp"

using namespace transfers;

namespace {

// Three accounts, so that transfers collide; references drawn from few values, so that settle finds holds.
rc::Gen<std::string> account_ids() { return rc::gen::element<std::string>("a", "b", "c"); }
rc::Gen<std::int64_t> amounts() { return rc::gen::inRange<std::int64_t>(-2, 60); }
rc::Gen<std::string> references(const char* prefix) {
  return rc::gen::map(rc::gen::inRange(0, 4), [prefix](int n) { return prefix + std::to_string(n); });
}

rc::Gen<command> bank_commands() {
  return rc::gen::oneOf(
      rc::gen::map(rc::gen::pair(account_ids(), rc::gen::inRange<std::int64_t>(0, 100)),
                   [](const auto& p) {
                     return command{open_account{p.first, p.second}};
                   }),
      rc::gen::map(rc::gen::tuple(account_ids(), amounts(), references("d")),
                   [](const auto& t) {
                     return command{deposit{std::get<0>(t), std::get<1>(t), std::get<2>(t)}};
                   }),
      rc::gen::map(rc::gen::tuple(account_ids(), amounts(), references("w")),
                   [](const auto& t) {
                     return command{withdraw{std::get<0>(t), std::get<1>(t), std::get<2>(t)}};
                   }),
      rc::gen::map(rc::gen::tuple(account_ids(), amounts(), references("t")),
                   [](const auto& t) {
                     return command{reserve{std::get<0>(t), std::get<1>(t), std::get<2>(t)}};
                   }),
      rc::gen::map(rc::gen::pair(account_ids(), references("t")),
                   [](const auto& p) {
                     return command{settle{p.first, p.second}};
                   }),
      rc::gen::map(rc::gen::tuple(account_ids(), account_ids(), amounts(), references("t")), [](const auto& t) {
        return command{transfer{std::get<0>(t), std::get<1>(t), std::get<2>(t), std::get<3>(t)}};
      }));
}

}  // namespace

TEST_CASE("bank transfers: no balance below zero or below its holds", "[property][example][transfers]") {
  REQUIRE(decider::testing::check_invariant("no overdraft", bank{}, bank_commands(), checks::no_overdraft,
                                            {.min = 10, .max = 120}));
}

TEST_CASE("bank transfers: a transfer withdraws what it deposits", "[property][example][transfers]") {
  // Plain transfers pair by reference; a reservation's deposit and settlement share the reference too, but a
  // reservation may also be settled without its deposit (only a transfer design sends both), so reserve and settle
  // are left out here.
  const auto transfers_only = rc::gen::suchThat(bank_commands(), [](const command& c) {
    return !std::holds_alternative<reserve>(c) && !std::holds_alternative<settle>(c);
  });
  REQUIRE(decider::testing::check_invariant("transfers balance", bank{}, transfers_only, checks::transfers_balance,
                                            {.min = 10, .max = 120}));
}

TEST_CASE("bank transfers: the laws of the bank decider", "[property][example][transfers]") {
  REQUIRE(decider::testing::check_laws("bank", bank{}, bank_commands()));
}

TEST_CASE("bank transfers: the boundary of each command is sufficient", "[property][example][transfers]") {
  REQUIRE(decider::testing::check_boundary("bank", bank{}, bank_commands(), {.length = {0, 120}}));
}
