// decider/store/subscription.hpp — catch-up then live delivery of the events a query selects, from a checkpoint:
// ordered by position, no gaps, no duplicates, while writers append concurrently. A read model keeps its
// checkpoint beside its state (checkpointed), so a consumer that stops resumes exactly where its state ends.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <stop_token>
#include <thread>
#include <type_traits>
#include <utility>

#include "decider/concepts.hpp"
#include "decider/store/capabilities.hpp"
#include "decider/store/concepts.hpp"
#include "decider/store/query.hpp"

namespace decider {

struct subscription_options {
  std::size_t batch = 1000;           // events read per pull
  std::chrono::milliseconds idle{5};  // wait between pulls once caught up (or the store's own wake-up)
};

// A read model's state and the position it reflects, kept and saved together.
template <class V>
struct checkpointed {
  state_of<V> state;
  position checkpoint = 0;
};

template <class Store>
class subscription {
 public:
  subscription(Store& store, query selects, position checkpoint, subscription_options options = {})
      : store_(&store), query_(std::move(selects)), checkpoint_(checkpoint), options_(options) {}

  // Safe to read from another thread while the subscription runs (for monitoring).
  [[nodiscard]] position checkpoint() const noexcept { return checkpoint_.load(); }

  // Catch up: pull every matching event after the checkpoint, in order, until a pull finds nothing.
  // deliver(const stored_event&) is called once per event; the checkpoint advances after each call.
  // Returns the number delivered, or the read error (the checkpoint stays at the last event delivered).
  template <class Deliver>
  expected<std::size_t, read_error> catch_up(Deliver&& deliver) {
    std::size_t delivered = 0;
    while (true) {
      auto read = store_->read(
          query_, read_options{.from = checkpoint_.load() + 1, .backwards = false, .limit = options_.batch});
      if (!read.has_value()) {
        return unexpected<read_error>(std::move(read).error());
      }
      for (const auto& e : *read) {
        deliver(e);
        checkpoint_ = e.position;
        ++delivered;
      }
      if (read->size() < options_.batch) {
        return delivered;
      }
    }
  }

  // Catch up, then stay live until `stop` is requested: wait for appends (or poll) and deliver what matches.
  template <class Deliver>
  expected<std::size_t, read_error> run(const std::stop_token& stop, Deliver&& deliver) {
    std::size_t delivered = 0;
    while (!stop.stop_requested()) {
      auto pulled = catch_up(deliver);
      if (!pulled.has_value()) {
        return pulled;
      }
      delivered += *pulled;
      wait();
    }
    return delivered;
  }

 private:
  void wait() const {
    if constexpr (notifying_event_store<Store>) {
      static_cast<void>(store_->wait_for_append(seen_head(), options_.idle));
    } else {
      std::this_thread::sleep_for(options_.idle);
    }
  }
  [[nodiscard]] position seen_head() const {
    if constexpr (knows_head<Store>) {
      return std::max(checkpoint_.load(), store_->head());
    } else {
      return checkpoint_.load();
    }
  }

  Store* store_;
  query query_;
  std::atomic<position> checkpoint_;
  subscription_options options_;
};

struct project_into_fn {
  // project_into(view, model): a deliver function for subscription that folds each event into a checkpointed
  // read model and advances its checkpoint with it.
  template <class V, class M>
  auto operator()(const V& view, checkpointed<M>& model) const {
    static_assert(std::is_same_v<state_of<V>, state_of<std::remove_const_t<M>>>,
                  "decider::project_into: the read model holds the state of another view.");
    return [&view, &model](const auto& stored) {
      detail::with_narrowed<event_of<V>>(
          stored.event, [&](const event_of<V>& mine) { model.state = view.evolve(std::move(model.state), mine); });
      model.checkpoint = stored.position;
    };
  }
};
inline constexpr project_into_fn project_into{};

}  // namespace decider
