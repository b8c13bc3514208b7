// A user's program: a decider from lambdas, folded and stepped through the installed (or embedded) headers.
#include <decider/decider.hpp>
#include <iostream>
#include <variant>
#include <vector>

struct deposit {
  long amount;
};
struct deposited {
  long amount;
};
enum class refusal { not_positive };

int main() {
  // [docs:consumer]
  const auto account = decider::make_decider<deposit, deposited, long, refusal>(
      0L,
      [](const deposit& c, const long&) -> decider::decision<deposited, refusal> {
        if (c.amount <= 0) return decider::refuse(refusal::not_positive);
        return std::vector<deposited>{{c.amount}};
      },
      [](long balance, const deposited& e) { return balance + e.amount; });
  const auto balance = decider::fold(account, std::vector<deposited>{{5}, {7}});
  const auto ok = decider::step(account, balance, deposit{3});
  const auto refused = decider::step(account, balance, deposit{-1});
  std::cout << "consumer: expected back-end " << decider::expected_backend << ", balance " << ok->state << '\n';
  return (balance == 12 && ok && ok->state == 15 && !refused && refused.error() == refusal::not_positive) ? 0 : 1;
  // [/docs:consumer]
}
