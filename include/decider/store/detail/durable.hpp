// decider/store/detail/durable.hpp — what the durable stores (SQLite, PostgreSQL) share: checking and encoding a
// batch before it reaches the database, and the group commit queue that lets one writer commit the appends of many
// callers in one transaction.
#pragma once

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "decider/store/append_rules.hpp"
#include "decider/store/capabilities.hpp"
#include "decider/store/codec.hpp"
#include "decider/store/concepts.hpp"
#include "decider/store/event.hpp"
#include "decider/store/query.hpp"

namespace decider::detail {

// An event ready for the database: encoded, with its tag set and metadata.
struct pending_event {
  encoded_event record;
  std::vector<tag> tags;
  event_metadata metadata;
};

// Every refusal a durable store can give before it touches the database: the batch rules that need no stored ids
// (judge_batch: an empty batch, an event id twice, an id of the made-up form), an event the codec cannot write, an
// event larger than the store's limit.
template <class Codec>
expected<std::vector<pending_event>, invalid_append> encode_batch(
    const Codec& codec, std::vector<event_to_append<typename Codec::event_type>>& batch, std::size_t max_event_bytes,
    std::string_view id_prefix) {
  using failure = unexpected<invalid_append>;
  const auto verdict = judge_batch(batch, detail::nothing_stored, id_prefix);
  if (verdict.is == batch_verdict::kind::refused) {
    return failure(verdict.refusal);
  }
  std::vector<pending_event> out;
  out.reserve(batch.size());
  const auto now = std::chrono::system_clock::now();
  for (std::size_t i = 0; i < batch.size(); ++i) {
    auto& item = batch[i];
    auto encoded = codec.encode(item.event);
    if (!encoded.has_value()) {
      return failure(invalid_append{"event " + std::to_string(i + 1) + " of the batch (" + encoded.error().type +
                                    ") cannot be encoded: " + encoded.error().reason});
    }
    pending_event e{std::move(*encoded), tags_of(item.event), std::move(item.metadata)};
    std::size_t bytes = e.record.type.size() + e.record.payload.size() + e.metadata.event_id.size() +
                        e.metadata.correlation_id.size() + e.metadata.causation_id.size();
    for (const auto& t : e.tags) {
      bytes += t.size();
    }
    if (bytes > max_event_bytes) {
      return failure(invalid_append{"event " + std::to_string(i + 1) + " of the batch (" + e.record.type + ") is " +
                                    std::to_string(bytes) + " bytes; this store takes at most " +
                                    std::to_string(max_event_bytes) + " bytes per event (max_event_bytes)"});
    }
    if (e.metadata.recorded_at == std::chrono::system_clock::time_point{}) {
      e.metadata.recorded_at = now;
    }
    out.push_back(std::move(e));
  }
  return out;
}

// Tag sets as one column: each tag as <length>:<bytes>, so any bytes round-trip.
inline std::string pack_tags(const std::vector<tag>& tags) {
  std::string out;
  for (const auto& t : tags) {
    out += std::to_string(t.size());
    out += ':';
    out += t;
  }
  return out;
}
inline std::optional<std::vector<tag>> unpack_tags(std::string_view packed) {
  std::vector<tag> out;
  while (!packed.empty()) {
    std::size_t n = 0;
    const auto [end, ec] = std::from_chars(packed.data(), packed.data() + packed.size(), n);
    if (ec != std::errc{} || end == packed.data() + packed.size() || *end != ':') {
      return std::nullopt;
    }
    packed.remove_prefix(static_cast<std::size_t>(end - packed.data()) + 1);
    if (n > packed.size()) {
      return std::nullopt;
    }
    out.emplace_back(packed.substr(0, n));
    packed.remove_prefix(n);
  }
  return out;
}

// A durable store's read_each: the rows `scan(row)` produces (stored_record), decoded by `codec` and handed to
// `visit`; a record that does not decode fails the read with a sentence naming it, or is skipped and counted.
template <class Codec, class Scan, class Visit>
expected<std::size_t, read_error> decode_each(const Codec& codec, on_decode_error policy,
                                              std::atomic<std::size_t>& skipped, Scan&& scan, Visit&& visit) {
  std::size_t visited = 0;
  std::optional<std::string> failed;
  auto rows = scan([&](stored_record&& r) {
    if (failed) {
      return;
    }
    auto event = codec.decode(r.record, r.position);
    if (!event.has_value()) {
      if (policy == on_decode_error::fail) {
        failed = explain(event.error());
      } else {
        skipped.fetch_add(1, std::memory_order_relaxed);
      }
      return;
    }
    const stored_event<typename Codec::event_type> e{r.position, std::move(r.record.type), std::move(r.tags),
                                                     std::move(*event), std::move(r.metadata)};
    visit(e);
    ++visited;
  });
  if (!rows.has_value()) {
    return unexpected<read_error>(std::move(rows).error());
  }
  if (failed) {
    return unexpected<read_error>(store_unavailable{*failed});
  }
  return visited;
}

// read() and read_encoded() of a durable store, from its read_each and its scan.
template <class Event, class ReadEach>
read_result<Event> collect_events(ReadEach&& read_each) {
  std::vector<stored_event<Event>> out;
  auto visited = read_each([&](const stored_event<Event>& e) { out.push_back(e); });
  if (!visited.has_value()) {
    return unexpected<read_error>(std::move(visited).error());
  }
  return out;
}
template <class Scan>
expected<std::vector<stored_record>, read_error> collect_records(Scan&& scan) {
  std::vector<stored_record> out;
  auto rows = scan([&](stored_record&& r) { out.push_back(std::move(r)); });
  if (!rows.has_value()) {
    return unexpected<read_error>(std::move(rows).error());
  }
  return out;
}

// The public face both durable stores share: reads that decode what the store's scan(query, options, row) gives,
// and appends that go to its submit(batch, condition query or nullptr, after). A store derives from it with itself
// as `Store`, and declares it a friend.
template <class Store, class Codec>
class durable_front {
 public:
  using event_type = typename Codec::event_type;

  [[nodiscard]] read_result<event_type> read(const query& q, const read_options& options = {}) const {
    return collect_events<event_type>([&](auto&& visit) { return read_each(q, options, visit); });
  }

  // Calls visit(const stored_event&) for each matching event, in order.
  template <class Visit>
  [[nodiscard]] expected<std::size_t, read_error> read_each(const query& q, const read_options& options,
                                                            Visit&& visit) const {
    return decode_each(
        codec_, decode_, skipped_, [&](auto&& row) { return self().scan(q, options, row); }, visit);
  }

  // The records as stored, undecoded: for an event that no longer decodes, for export and for inspection.
  [[nodiscard]] expected<std::vector<stored_record>, read_error> read_encoded(const query& q,
                                                                              const read_options& options = {}) const {
    return collect_records([&](auto&& row) { return self().scan(q, options, row); });
  }

  [[nodiscard]] append_result append(std::vector<event_to_append<event_type>> batch,
                                     const std::optional<append_condition>& condition = {}) {
    return self().submit(batch, condition ? &condition->fail_if_events_match : nullptr,
                         condition ? condition->after : std::nullopt);
  }
  [[nodiscard]] append_result append_unless(std::vector<event_to_append<event_type>> batch, const query& q,
                                            std::optional<position> after) {
    return self().submit(batch, &q, after);
  }

  // Records left out by reads with on_decode_error::skip, since the store was opened.
  [[nodiscard]] std::size_t skipped_records() const noexcept { return skipped_.load(); }

 protected:
  durable_front(Codec codec, on_decode_error decode) : codec_(std::move(codec)), decode_(decode) {}
  Codec codec_;

 private:
  [[nodiscard]] const Store& self() const { return static_cast<const Store&>(*this); }
  [[nodiscard]] Store& self() { return static_cast<Store&>(*this); }
  on_decode_error decode_;
  mutable std::atomic<std::size_t> skipped_{0};
};

// One caller's append waiting for the writer.
struct queued_append {
  std::vector<pending_event> events;
  const query* condition = nullptr;  // nullptr: no condition
  std::optional<position> after;
  std::optional<append_result> result;  // set by the writer, before `done`
  bool done = false;                    // under the queue's lock: the writer has finished the group
};

// Group commit: callers queue their appends; whichever finds the writer idle becomes the writer, takes every
// queued append (up to `max_group`) and commits them together, then wakes the others. A caller returns when its
// own append has a result. No thread of its own: the writer is always one of the callers.
class commit_queue {
 public:
  // `gather`: how long a writer may wait for the callers it expects (as many as took part in the last commit) to
  // queue their appends, so that a commit serves all of them; 0 commits whatever is queued at once.
  explicit commit_queue(std::size_t max_group, std::chrono::microseconds gather = {})
      : max_group_(max_group == 0 ? 1 : max_group), gather_(gather) {}

  // `commit(std::vector<queued_append*>&)` gives each append in the group its result; a caller returns only when
  // the writer is done with the whole group (committed or rolled back).
  template <class Commit>
  void submit(queued_append& mine, Commit&& commit) {
    std::unique_lock lock(mutex_);
    queue_.push_back(&mine);
    queued_.notify_one();
    while (!mine.done) {
      if (writing_) {
        done_.wait(lock);
        continue;
      }
      writing_ = true;
      const std::size_t expected = std::min(max_group_, active_);
      if (queue_.size() < expected && gather_.count() > 0) {
        queued_.wait_for(lock, gather_, [&] { return queue_.size() >= expected; });
      }
      const std::size_t n = std::min(queue_.size(), max_group_);
      std::vector<queued_append*> group(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
      lock.unlock();
      commit(group);
      lock.lock();
      for (auto* a : group) {
        a->done = true;
      }
      ++groups_;
      appends_ += group.size();
      active_ = group.size() + queue_.size();  // the callers appending now: the next commit waits for these
      writing_ = false;
      done_.notify_all();
    }
  }

  // How many transactions served how many appends, since the store was opened.
  [[nodiscard]] std::pair<std::size_t, std::size_t> groups_and_appends() const {
    std::lock_guard lock(mutex_);
    return {groups_, appends_};
  }

 private:
  std::size_t max_group_;
  std::chrono::microseconds gather_;
  mutable std::mutex mutex_;
  std::condition_variable done_;
  std::condition_variable queued_;
  std::size_t active_ = 1;
  std::vector<queued_append*> queue_;
  bool writing_ = false;
  std::size_t groups_ = 0;
  std::size_t appends_ = 0;
};

}  // namespace decider::detail
