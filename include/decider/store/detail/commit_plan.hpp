// decider/store/detail/commit_plan.hpp — which appends of a durable store's group commit are stored, decided before the
// database is written: each append in turn, as if it were committed alone after the ones before it.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "decider/store/append_rules.hpp"
#include "decider/store/concepts.hpp"
#include "decider/store/detail/durable.hpp"

namespace decider::detail {

// An event of the group given its place in the log.
struct placed_event {
  const pending_event* event;
  position at;
  position batch_end;  // the last position of its append
};

struct commit_plan {
  std::vector<append_result> answers;  // one per append of the group, in the group's order
  std::vector<placed_event> accepted;  // the events to insert, in position order
  position head = 0;                   // the log's last position once they are inserted
};

// Decides the group's appends in order, from the log's last position `head`:
// - the batch rules (judge_batch), against the ids the database holds (`known(id) -> std::optional<stored_id>`)
//   and those of the group's appends accepted before it; so an append repeated within one group is a retry;
// - then its condition, if it has one: against the events stored after its `after` (`stored_conflict(g)`, called
//   only for an append g that has a condition and passed the batch rules: the first stored event after `after`
//   that matches, as the caller found it), and against the events of the group's appends accepted before it.
// Nothing here touches a database: the caller finds the facts, then inserts what the plan accepts.
template <class Known, class StoredConflict>
[[nodiscard]] commit_plan plan_commit(const std::vector<queued_append*>& group, position head, Known&& known,
                                      StoredConflict&& stored_conflict, std::string_view made_up_prefix) {
  commit_plan plan;
  plan.answers.reserve(group.size());
  plan.head = head;
  std::unordered_map<std::string_view, stored_id> in_group;  // ids accepted by this plan
  const auto find = [&](std::string_view id) -> std::optional<stored_id> {
    if (const auto at = in_group.find(id); at != in_group.end()) {
      return at->second;
    }
    return known(id);
  };
  for (std::size_t g = 0; g < group.size(); ++g) {
    const auto& a = *group[g];
    const auto verdict = judge_batch(a.events, find, made_up_prefix);
    if (auto answer = verdict.answer()) {
      plan.answers.push_back(std::move(*answer));
      continue;
    }
    if (a.condition != nullptr) {
      std::optional<position> conflict = stored_conflict(g);
      for (std::size_t i = 0; !conflict && i < plan.accepted.size(); ++i) {
        const auto& p = plan.accepted[i];
        if (p.at > a.after.value_or(0) && a.condition->matches(p.event->record.type, p.event->tags)) {
          conflict = p.at;
        }
      }
      if (conflict) {
        plan.answers.emplace_back(unexpected<append_error>(condition_failed{*conflict}));
        continue;
      }
    }
    const position end = plan.head + a.events.size();
    for (std::size_t i = 0; i < a.events.size(); ++i) {
      const auto& e = a.events[i];
      const position at = plan.head + 1 + i;
      plan.accepted.push_back({&e, at, end});
      if (!e.metadata.event_id.empty()) {
        in_group.emplace(e.metadata.event_id, stored_id{at, i == 0 ? std::optional<position>(end) : std::nullopt});
      }
    }
    plan.head = end;
    plan.answers.emplace_back(end);
  }
  return plan;
}

}  // namespace decider::detail
