// decider/testing/faults.hpp — a store wrapper that makes chosen calls fail: an I/O error before the store is
// reached, an acknowledgement lost after the store committed, a condition reported as failed, or a delay. Wrap any
// event_store with it to test what a runner, a retry loop or an application does when storage misbehaves.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "decider/store/capabilities.hpp"
#include "decider/store/concepts.hpp"

namespace decider::testing {

enum class store_call { read, append };

enum class fault_kind {
  none,
  unavailable_before,  // store_unavailable; the wrapped store is not called (nothing happened)
  unavailable_after,   // the wrapped store is called, then store_unavailable: an append's acknowledgement is lost
  conflict,            // condition_failed without calling the store (conditional appends only; else none)
};

struct fault {
  fault_kind kind = fault_kind::none;
  std::chrono::microseconds delay{0};  // slept before the call, whatever the kind
};

// What the plan is asked about: the call, its number among calls of its kind (from 1), and for appends the
// batch's size and whether it carries a condition.
struct call_info {
  store_call call = store_call::read;
  std::size_t number = 0;
  std::size_t batch_size = 0;
  bool conditional = false;
};

// Decides the fault of each call. Called under the wrapper's lock: a plan may keep state without locking.
using fault_plan = std::function<fault(const call_info&)>;

// Plans.
[[nodiscard]] inline fault_plan no_faults() {
  return [](const call_info&) { return fault{}; };
}

// The given fault on the calls of one kind whose numbers are listed (from 1), none elsewhere.
[[nodiscard]] inline fault_plan on_calls(store_call call, std::vector<std::size_t> numbers, fault f) {
  return [call, numbers = std::move(numbers), f](const call_info& info) {
    for (const std::size_t n : numbers) {
      if (info.call == call && info.number == n) {
        return f;
      }
    }
    return fault{};
  };
}

// The given fault on every call of one kind from the given number on: a store that stays down.
[[nodiscard]] inline fault_plan from_call(store_call call, std::size_t first, fault f) {
  return [call, first, f](const call_info& info) { return info.call == call && info.number >= first ? f : fault{}; };
}

// Each call draws its fault: the rates are probabilities in [0, 1]; a delay of up to max_delay with delay_rate.
struct fault_rates {
  double unavailable_before = 0;
  double unavailable_after = 0;  // appends only
  double conflict = 0;           // conditional appends only
  double delay = 0;
  std::chrono::microseconds max_delay{200};
};

[[nodiscard]] inline fault_plan random_faults(std::uint64_t seed, fault_rates rates) {
  return [random = std::mt19937_64(seed), rates](const call_info& info) mutable {
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    fault f;
    if (unit(random) < rates.delay) {
      std::uniform_int_distribution<std::int64_t> micros(0, rates.max_delay.count());
      f.delay = std::chrono::microseconds(micros(random));
    }
    const double draw = unit(random);
    double bound = rates.unavailable_before;
    if (draw < bound) {
      f.kind = fault_kind::unavailable_before;
      return f;
    }
    if (info.call == store_call::append) {
      bound += rates.unavailable_after;
      if (draw < bound) {
        f.kind = fault_kind::unavailable_after;
        return f;
      }
      bound += rates.conflict;
      if (info.conditional && draw < bound) {
        f.kind = fault_kind::conflict;
      }
    }
    return f;
  };
}

// What the wrapper did.
struct fault_counts {
  std::size_t reads = 0;
  std::size_t appends = 0;
  std::size_t unavailable_before = 0;
  std::size_t unavailable_after = 0;
  std::size_t conflicts = 0;
  std::size_t delays = 0;
  std::size_t lost_acknowledgements = 0;  // unavailable_after on an append the wrapped store accepted
};

// faulty_store<Store>: an event_store over a store it does not own, failing calls as the plan says.
template <class Store>
class faulty_store {
 public:
  using event_type = typename Store::event_type;

  faulty_store(Store& inner, fault_plan plan) : inner_(&inner), plan_(std::move(plan)) {}

  void set_plan(fault_plan plan) {
    std::lock_guard lock(mutex_);
    plan_ = std::move(plan);
  }

  [[nodiscard]] fault_counts counts() const {
    std::lock_guard lock(mutex_);
    return counts_;
  }

  [[nodiscard]] read_result<event_type> read(const query& q, const read_options& options = {}) const {
    const fault f = next({store_call::read, 0, 0, false});
    if (f.kind == fault_kind::unavailable_before) {
      return unexpected<read_error>(store_unavailable{"injected fault: the read failed before reaching the store"});
    }
    auto read = inner_->read(q, options);
    if (read.has_value() && f.kind == fault_kind::unavailable_after) {
      return unexpected<read_error>(store_unavailable{"injected fault: the answer to a read was lost"});
    }
    return read;
  }

  [[nodiscard]] append_result append(std::vector<event_to_append<event_type>> batch,
                                     const std::optional<append_condition>& condition = std::nullopt) {
    const std::size_t events = batch.size();
    return faulted_append(events, condition.has_value(), [&] { return inner_->append(std::move(batch), condition); });
  }

  // The inner store's condition item by item (decider::item_conditional_event_store), with the same faults.
  [[nodiscard]] append_result append_unless_items(std::vector<event_to_append<event_type>> batch, const query& q,
                                                  std::span<const position> items_after) requires
      item_conditional_event_store<Store> {
    const std::size_t events = batch.size();
    return faulted_append(events, true, [&] { return inner_->append_unless_items(std::move(batch), q, items_after); });
  }

 private:
  // An append of `events` events, made by `send` unless the plan's fault says otherwise.
  template <class Send>
  append_result faulted_append(std::size_t events, bool conditional, Send send) {
    const fault f = next({store_call::append, 0, events, conditional});
    switch (f.kind) {
      case fault_kind::unavailable_before:
        return unexpected<append_error>(
            store_unavailable{"injected fault: the append failed before reaching the store"});
      case fault_kind::conflict:
        return unexpected<append_error>(condition_failed{0});
      case fault_kind::unavailable_after: {
        const auto appended = send();
        if (appended.has_value()) {
          std::lock_guard lock(mutex_);
          ++counts_.lost_acknowledgements;
        }
        return unexpected<append_error>(
            store_unavailable{"injected fault: the store's answer to the append was lost (it may have been stored)"});
      }
      case fault_kind::none:
        break;
    }
    return send();
  }

  // The fault for this call, counted; sleeps the fault's delay outside the lock.
  fault next(call_info info) const {
    fault f;
    {
      std::lock_guard lock(mutex_);
      info.number = info.call == store_call::read ? ++counts_.reads : ++counts_.appends;
      f = plan_ ? plan_(info) : fault{};
      if (f.kind == fault_kind::conflict && (info.call != store_call::append || !info.conditional)) {
        f.kind = fault_kind::none;
      }
      count(f);
    }
    if (f.delay.count() > 0) {
      std::this_thread::sleep_for(f.delay);
    }
    return f;
  }

  void count(const fault& f) const {
    if (f.delay.count() > 0) {
      ++counts_.delays;
    }
    switch (f.kind) {
      case fault_kind::unavailable_before:
        ++counts_.unavailable_before;
        break;
      case fault_kind::unavailable_after:
        ++counts_.unavailable_after;
        break;
      case fault_kind::conflict:
        ++counts_.conflicts;
        break;
      case fault_kind::none:
        break;
    }
  }

  Store* inner_;
  mutable std::mutex mutex_;
  mutable fault_plan plan_;
  mutable fault_counts counts_;
};

}  // namespace decider::testing
