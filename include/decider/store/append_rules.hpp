// decider/store/append_rules.hpp — what a store answers to a batch, decided from the batch and from what the store
// knows of the batch's event ids. Every store of the library calls judge_batch, and a store of your own should too:
// the rules then hold the same everywhere, and the conformance suite checks them.
//
//   auto verdict = decider::judge_batch(batch, [&](const std::string& id) { return my_index.find(id); }, "mine");
//   if (auto answer = verdict.answer()) return *answer;   // refused, or a retry answered as the first time
//   ... check the condition, store the batch ...
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "decider/store/concepts.hpp"

namespace decider {

// Where a stored event id is: the event's position and, when that event is the first of its append, the last
// position of that append (empty otherwise).
struct stored_id {
  position at = 0;
  std::optional<position> batch_last;
  friend bool operator==(const stored_id&, const stored_id&) = default;
};

// What a store does with a batch: store it; answer it as the earlier append it repeats (a retry after a lost
// acknowledgement); or refuse it.
struct batch_verdict {
  enum class kind : std::uint8_t { store, retried, refused };
  kind is = kind::store;
  position retried_last = 0;  // retried: the last position of the earlier append, which is the answer
  invalid_append refusal;     // refused: why

  // The answer to give without storing anything, or nullopt when the batch is to be stored.
  [[nodiscard]] std::optional<append_result> answer() const {
    switch (is) {
      case kind::retried:
        return append_result(retried_last);
      case kind::refused:
        return append_result(unexpected<append_error>(refusal));
      case kind::store:
        break;
    }
    return std::nullopt;
  }
};

// Whether `id` has the form of the ids a store makes up for events given none: `<prefix>-<digits>`. Such an id,
// given, could name another event, stored earlier or later without an id, so judge_batch refuses it.
[[nodiscard]] inline bool made_up_event_id(std::string_view id, std::string_view prefix) noexcept {
  if (prefix.empty() || id.size() <= prefix.size() + 1 || id.substr(0, prefix.size()) != prefix ||
      id[prefix.size()] != '-') {
    return false;
  }
  return std::all_of(id.begin() + static_cast<std::ptrdiff_t>(prefix.size() + 1), id.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

// The id a store makes up for the event at `p` that was given none: `<prefix>-<p>`.
[[nodiscard]] inline std::string made_up_event_id_for(std::string_view prefix, position p) {
  return std::string(prefix) + "-" + std::to_string(p);
}

namespace detail {
// A lookup for a store that holds no ids (or that judges a batch before it looks any up).
inline constexpr auto nothing_stored = [](std::string_view) { return std::optional<stored_id>{}; };
[[nodiscard]] inline batch_verdict refused_batch(std::string reason) {
  return {batch_verdict::kind::refused, 0, invalid_append{std::move(reason)}};
}
// The id given twice whose second copy comes first, if any. Batches are short: pairs are compared up to 16
// events, sorted beyond.
template <class Batch>
[[nodiscard]] const std::string* repeated_id(const Batch& batch) {
  const std::size_t size = batch.size();
  if (size <= 16) {
    for (std::size_t i = 0; i < size; ++i) {
      const auto& id = batch[i].metadata.event_id;
      for (std::size_t j = 0; !id.empty() && j < i; ++j) {
        if (batch[j].metadata.event_id == id) {
          return &id;
        }
      }
    }
    return nullptr;
  }
  std::vector<std::size_t> given;
  for (std::size_t i = 0; i < size; ++i) {
    if (!batch[i].metadata.event_id.empty()) {
      given.push_back(i);
    }
  }
  const auto id = [&](std::size_t i) -> const std::string& { return batch[i].metadata.event_id; };
  std::stable_sort(given.begin(), given.end(), [&](std::size_t a, std::size_t b) { return id(a) < id(b); });
  std::optional<std::size_t> second;  // the earliest second copy
  for (std::size_t k = 1; k < given.size(); ++k) {
    if (id(given[k]) == id(given[k - 1]) && (k < 2 || id(given[k - 2]) != id(given[k]))) {
      second = std::min(second.value_or(given[k]), given[k]);
    }
  }
  return second ? &id(*second) : nullptr;
}
}  // namespace detail

// The verdict on `batch` (a sized random-access range of items with `metadata.event_id`, such as
// std::vector<event_to_append<E>>), given `known(const std::string& id) -> std::optional<stored_id>`, which says
// where the store holds an id already, and the prefix of the ids the store makes up ("" when it makes up none).
// In this order:
//   1. an empty batch is refused;
//   2. an id given twice in the batch is refused;
//   3. an id of the made-up form is refused;
//   4. a batch whose ids are exactly those of one earlier append, every event with an id, in the same order and
//      starting at that append's first event, is that append again: it is answered with its last position and
//      nothing is stored (retrying after a lost acknowledgement is safe);
//   5. a batch holding any other id that is stored already is refused (part of an earlier append, or more);
//   6. anything else is stored.
// known() is called only for given ids, and not at all for a batch with none. Pure: the same inputs give the same
// verdict. The append's condition is checked apart, after a verdict to store.
template <class Batch, class Known>
[[nodiscard]] batch_verdict judge_batch(const Batch& batch, Known&& known, std::string_view made_up_prefix) {
  if (batch.size() == 0) {
    return detail::refused_batch("an append needs at least one event");
  }
  const bool any_id =
      std::any_of(batch.begin(), batch.end(), [](const auto& item) { return !item.metadata.event_id.empty(); });
  if (!any_id) {
    return {};
  }
  if (const auto* twice = detail::repeated_id(batch)) {
    return detail::refused_batch("event id " + *twice + " appears twice in the batch");
  }
  for (const auto& item : batch) {
    const auto& id = item.metadata.event_id;
    if (made_up_event_id(id, made_up_prefix)) {
      return detail::refused_batch("event id " + id +
                                   " has the form of the ids this store makes up for events given none (" +
                                   std::string(made_up_prefix) + "-<position>); choose another");
    }
  }
  const std::size_t size = batch.size();
  std::optional<stored_id> first;
  if (!batch[0].metadata.event_id.empty()) {
    first = known(batch[0].metadata.event_id);
  }
  if (first && first->batch_last && *first->batch_last >= first->at && *first->batch_last - first->at + 1 == size) {
    bool same = true;
    for (std::size_t i = 1; same && i < size; ++i) {
      const auto& id = batch[i].metadata.event_id;
      const auto where = id.empty() ? std::nullopt : known(id);
      same = where && where->at == first->at + i;
    }
    if (same) {
      return {batch_verdict::kind::retried, *first->batch_last, {}};
    }
  }
  for (std::size_t i = 0; i < size; ++i) {
    const auto& id = batch[i].metadata.event_id;
    if (!id.empty() && (i == 0 ? first.has_value() : known(id).has_value())) {
      return detail::refused_batch("event id " + id + " is already stored by another append");
    }
  }
  return {};
}

}  // namespace decider
