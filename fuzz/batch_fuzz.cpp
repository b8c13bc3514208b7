// Fuzzes the append rules directly: decider::judge_batch against the rules as plainly stated (an oracle over the
// list of stored batches), and the durable stores' commit plan against judging the same appends one at a time.
// The input is a sequence of groups of appends, each append a batch of ids from a small alphabet (with empty ids
// and ids of the made-up form) and, sometimes, a condition on one of two tags.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "bytes.hpp"
#include "decider/store/append_rules.hpp"
#include "decider/store/detail/commit_plan.hpp"

namespace {

void require(bool holds) {
  if (!holds) {
    std::abort();
  }
}

constexpr std::string_view prefix = "mine";

// The log as a list of batches: the ids of each ("" for an event given none) and each event's tag.
struct model {
  struct batch {
    decider::position first;
    std::vector<std::string> ids;
    std::vector<std::string> tags;
  };
  std::vector<batch> batches;
  decider::position head = 0;

  [[nodiscard]] std::optional<decider::stored_id> find(std::string_view id) const {
    for (const auto& b : batches) {
      for (std::size_t i = 0; i < b.ids.size(); ++i) {
        if (!id.empty() && b.ids[i] == id) {
          return decider::stored_id{
              b.first + i, i == 0 ? std::optional<decider::position>(b.first + b.ids.size() - 1) : std::nullopt};
        }
      }
    }
    return std::nullopt;
  }
  [[nodiscard]] std::optional<decider::position> first_tagged_after(const std::string& tag,
                                                                    decider::position after) const {
    for (const auto& b : batches) {
      for (std::size_t i = 0; i < b.tags.size(); ++i) {
        if (b.first + i > after && b.tags[i] == tag) {
          return b.first + i;
        }
      }
    }
    return std::nullopt;
  }
  void store(const std::vector<std::string>& ids, const std::vector<std::string>& tags) {
    batches.push_back({head + 1, ids, tags});
    head += ids.size();
  }
};

// The rules as stated in append_rules.hpp, over the whole log.
decider::batch_verdict oracle(const model& log, const std::vector<std::string>& ids) {
  using kind = decider::batch_verdict::kind;
  const auto refused = [](const std::string& why) { return decider::batch_verdict{kind::refused, 0, {why}}; };
  if (ids.empty()) {
    return refused("an append needs at least one event");
  }
  std::set<std::string> seen;
  for (const auto& id : ids) {
    if (!id.empty() && !seen.insert(id).second) {
      // The first id whose second copy comes first.
      for (std::size_t i = 0; i < ids.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
          if (!ids[i].empty() && ids[i] == ids[j]) {
            return refused("event id " + ids[i] + " appears twice in the batch");
          }
        }
      }
    }
  }
  for (const auto& id : ids) {
    if (decider::made_up_event_id(id, prefix)) {
      return refused("event id " + id + " has the form of the ids this store makes up for events given none (" +
                     std::string(prefix) + "-<position>); choose another");
    }
  }
  const bool all_given = std::none_of(ids.begin(), ids.end(), [](const auto& id) { return id.empty(); });
  for (const auto& b : log.batches) {
    if (all_given && b.ids == ids) {
      return {kind::retried, b.first + b.ids.size() - 1, {}};
    }
  }
  for (const auto& id : ids) {
    if (!id.empty() && log.find(id)) {
      return refused("event id " + id + " is already stored by another append");
    }
  }
  return {};
}

bool same(const decider::batch_verdict& a, const decider::batch_verdict& b) {
  return a.is == b.is && a.retried_last == b.retried_last && a.refusal == b.refusal;
}

struct attempt {
  std::vector<std::string> ids;
  std::vector<std::string> tags;
  std::optional<std::string> condition_tag;
  decider::position after = 0;
};

attempt draw(decider::fuzzing::bytes& in) {
  attempt a;
  const std::size_t size = in.below(in.below(8) == 0 ? 21 : 5);  // now and then past 16, the sorted path
  for (std::size_t i = 0; i < size; ++i) {
    const std::size_t k = in.below(16);
    a.ids.push_back(k < 5 ? std::string() : (k < 7 ? "mine-" + std::to_string(in.below(12)) : in.pick("e", 10)));
    a.tags.emplace_back(in.flag() ? "x" : "y");
  }
  if (in.flag()) {
    a.condition_tag = in.flag() ? "x" : "y";
    a.after = in.below(40);
  }
  return a;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  decider::fuzzing::bytes in(data, size);
  model log;
  const decider::query on_x = decider::tagged({"x"});
  const decider::query on_y = decider::tagged({"y"});
  while (!in.empty()) {
    std::vector<attempt> group(1 + in.below(6));
    for (auto& a : group) {
      a = draw(in);
    }
    // The plan, from the log before the group.
    std::vector<decider::detail::queued_append> queued(group.size());
    std::vector<decider::detail::queued_append*> pointers;
    for (std::size_t g = 0; g < group.size(); ++g) {
      for (std::size_t i = 0; i < group[g].ids.size(); ++i) {
        decider::detail::pending_event e;
        e.record.type = "t";
        e.tags = {group[g].tags[i]};
        e.metadata.event_id = group[g].ids[i];
        queued[g].events.push_back(std::move(e));
      }
      if (group[g].condition_tag) {
        queued[g].condition = *group[g].condition_tag == "x" ? &on_x : &on_y;
        queued[g].after = group[g].after;
      }
      pointers.push_back(&queued[g]);
    }
    const model before = log;
    const auto plan = decider::detail::plan_commit(
        pointers, before.head, [&](std::string_view id) { return before.find(id); },
        [&](std::size_t g) {
          require(group[g].condition_tag.has_value());
          return before.first_tagged_after(*group[g].condition_tag, group[g].after);
        },
        prefix);
    require(plan.answers.size() == group.size());
    // One at a time: judge_batch (checked against the oracle), then the condition, against the log so far.
    std::size_t accepted = 0;
    for (std::size_t g = 0; g < group.size(); ++g) {
      const auto& a = group[g];
      std::vector<std::string> lookups;
      const auto verdict = decider::judge_batch(
          queued[g].events,
          [&](const std::string& id) {
            lookups.push_back(id);
            return log.find(id);
          },
          prefix);
      require(same(verdict, oracle(log, a.ids)));
      require(std::none_of(lookups.begin(), lookups.end(), [](const auto& id) { return id.empty(); }));
      if (std::all_of(a.ids.begin(), a.ids.end(), [](const auto& id) { return id.empty(); })) {
        require(lookups.empty());
      }
      decider::append_result answer(0);
      if (auto given = verdict.answer()) {
        answer = *given;
      } else if (const auto conflict =
                     a.condition_tag ? log.first_tagged_after(*a.condition_tag, a.after) : std::nullopt) {
        answer = decider::unexpected<decider::append_error>(decider::condition_failed{*conflict});
      } else {
        log.store(a.ids, a.tags);
        answer = log.head;
        for (std::size_t i = 0; i < a.ids.size(); ++i) {
          require(accepted < plan.accepted.size());
          const auto& placed = plan.accepted[accepted++];
          require(placed.event == &queued[g].events[i] && placed.at == log.head - a.ids.size() + 1 + i &&
                  placed.batch_end == log.head);
        }
      }
      require(plan.answers[g] == answer);
    }
    require(accepted == plan.accepted.size() && plan.head == log.head);
  }
  return 0;
}
