// Billable activities on an event store: every command, a user's and a billing batch's, is decided by the billing
// decider (billing.hpp) with decider::handle, the decider the property tests check. A user's command reads that
// user's events; a batch reads the users it names and appends all its marks at once, under a condition that any
// concurrent edit of those users breaks. Billing runs select what to take by store position (every activity
// completed since a sequence) or by the day tags of the completions (a date range), across users.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "activities/billing.hpp"
#include "activities/invariants.hpp"
#include "decider/store/handle.hpp"

namespace activities_on_store {

using namespace activities;

// Retried on conflict: editors and billing runs race for the same users.
inline decider::execute_options retrying() {
  return {.max_attempts = 1'000,
          .first_backoff = std::chrono::microseconds{10},
          .max_backoff = std::chrono::microseconds{1'000}};
}

// [docs:send]
// A user's command, decided on the store: the same call for every store.
template <class Store>
auto send(Store& store, const std::string& user_id, command c, const decider::execute_options& options = retrying()) {
  return decider::handle(store, billing{}, billing_command{user_command{user_id, std::move(c)}}, options);
}
// [/docs:send]

// Which completed activities a batch considers: a query over completion events and where to start reading.
struct selection {
  decider::query completions;
  decider::read_options window;
};

inline day format_day(std::chrono::sys_days d) {
  const std::chrono::year_month_day ymd{d};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return text;
}

// [docs:selections]
// Every activity completed after store position `sequence` (exclusive): the sequence a billing run remembers.
inline selection completed_since(decider::position sequence) {
  return {decider::events({"activity_completed"}), {.from = sequence + 1}};
}

// Every activity completed on a day in [first, last]: one query item per day tag, so the read is O(matches).
inline selection completed_between(std::chrono::year_month_day first, std::chrono::year_month_day last) {
  selection s{{}, {}};
  for (auto d = std::chrono::sys_days{first}; d <= std::chrono::sys_days{last}; d += std::chrono::days{1}) {
    s.completions.items.push_back({{"activity_completed"}, {decider::make_tag("day", format_day(d))}});
  }
  if (s.completions.items.empty()) {  // an empty query would select everything: select nothing instead
    s.completions.items.push_back({{"activity_completed"}, {"day:none"}});
  }
  return s;
}
// [/docs:selections]

struct taken {
  std::string user_id;
  std::string activity_id;
  version_number version = 0;
};

struct batch {
  std::string id;
  std::vector<taken> activities;
  decider::position through = 0;  // the last completion read: the next run's completed_since
  decider::position appended = 0;
  std::size_t attempts = 0;
};

// The append's idempotency key: the batch id and a digest (FNV-1a) of the activities it names, so that the same batch
// sent again is stored once, and another batch under a reused id is not mistaken for it.
inline std::string batch_key(const take_batch& c) {
  std::uint64_t digest = 14695981039346656037ULL;
  const auto mix = [&](std::string_view text) {
    for (const char ch : text) {
      digest = (digest ^ static_cast<unsigned char>(ch)) * 1099511628211ULL;
    }
    digest = (digest ^ 0xffU) * 1099511628211ULL;  // an end mark: ("ab", "c") and ("a", "bc") differ
  };
  for (const auto& ref : c.activities) {
    mix(ref.user_id);
    mix(ref.activity_id);
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(digest));
  return c.batch_id + "/" + hex;
}

// [docs:bill]
// Takes every selected activity that is completed and not yet batched, at the version it is at, in one append.
// The batch id with a digest of what it names is the append's idempotency key (batch_key): a batch retried after a
// lost acknowledgement is stored once. Running a batch that was stored again finds nothing to bill.
template <class Store>
auto bill(Store& store, const std::string& batch_id, const selection& which,
          decider::execute_options options = retrying())
    -> decider::expected<batch, decider::execute_error<billing_error>> {
  using failure = decider::unexpected<decider::execute_error<billing_error>>;
  const auto completions = store.read(which.completions, which.window);
  if (!completions) {
    return failure(completions.error());
  }
  take_batch command{batch_id, {}};
  decider::position through = which.window.from.value_or(1) - 1;
  for (const auto& c : *completions) {
    command.activities.push_back({c.event.key, std::get<activity_completed>(c.event.value).activity_id});
    through = c.position;
  }
  options.idempotency_key = batch_key(command);
  auto done = decider::handle(store, billing{}, billing_command{std::move(command)}, options);
  if (!done) {
    return failure(std::move(done).error());
  }
  batch out{batch_id, {}, through, done->position, done->attempts};
  for (const auto& e : done->events) {
    const auto& mark = std::get<activity_batched>(e.value);
    out.activities.push_back({e.key, mark.activity_id, mark.version});
  }
  return out;
}
// [/docs:bill]

// The store's whole log replayed through the rules (invariants.hpp): the name of each one it breaks.
template <class Store>
std::vector<std::string> broken_rules_in(const Store& store) {
  const auto log = store.read(decider::query::all());
  if (!log) {
    return {"the log could not be read"};
  }
  std::vector<user_event> history;
  history.reserve(log->size());
  for (const auto& stored : *log) {
    history.push_back(stored.event);
  }
  return broken_rules(history);
}

}  // namespace activities_on_store
