// Fuzzes the store API: an arbitrary sequence of appends (batches with or without event ids, with or without a
// condition) and reads (any query, from, direction, limit) against memory_store and against a model written
// plainly from the DCB rules. Every answer must agree: positions, refusals (which kind, which conflicting
// position), the events read and their order; and no event id is ever stored twice.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "bytes.hpp"
#include "decider/store/memory.hpp"

namespace {

void require(bool holds) {
  if (!holds) {
    std::abort();
  }
}

template <int Kind>
struct happened {
  static constexpr std::string_view type_name = Kind == 0 ? "t0" : "t1";
  std::vector<decider::tag> labels;
  [[nodiscard]] std::vector<decider::tag> tags() const { return labels; }
};
using event = std::variant<happened<0>, happened<1>>;

struct model_event {
  std::string type;
  std::vector<decider::tag> tags;  // a tag set
  std::string id;                  // as given; empty: none
};

// The rules, one by one, with nothing indexed.
class model {
 public:
  decider::append_result append(const std::vector<model_event>& batch,
                                const std::optional<decider::append_condition>& c) {
    if (batch.empty()) {
      return decider::unexpected<decider::append_error>(decider::invalid_append{"empty"});
    }
    // The same batch of ids as one earlier append, every event named: answered with that append's last position.
    // (An event given no id cannot be recognized, so a batch holding one is never a retry.)
    if (std::none_of(batch.begin(), batch.end(), [](const model_event& e) { return e.id.empty(); })) {
      for (const auto& [first, last] : batches_) {
        if (log_[first - 1].id != batch.front().id || last - first + 1 != batch.size()) {
          continue;
        }
        bool same = true;
        for (std::size_t i = 0; i < batch.size(); ++i) {
          same = same && log_[first - 1 + i].id == batch[i].id;
        }
        if (same) {
          return last;
        }
      }
    }
    std::set<std::string> ids;
    for (const auto& e : batch) {
      if (e.id.empty()) {
        continue;
      }
      const bool stored = std::any_of(log_.begin(), log_.end(), [&](const model_event& s) { return s.id == e.id; });
      // "memory-<digits>" is how the store names events given no id: it could be another event's.
      const bool made_up =
          e.id.size() > 7 && e.id.rfind("memory-", 0) == 0 &&
          std::all_of(e.id.begin() + 7, e.id.end(), [](char digit) { return digit >= '0' && digit <= '9'; });
      if (!ids.insert(e.id).second || stored || made_up) {
        return decider::unexpected<decider::append_error>(decider::invalid_append{"id"});
      }
    }
    if (c) {
      for (std::size_t p = c->after.value_or(0) + 1; p <= log_.size(); ++p) {
        if (c->fail_if_events_match.matches(log_[p - 1].type, log_[p - 1].tags)) {
          return decider::unexpected<decider::append_error>(decider::condition_failed{p});
        }
      }
    }
    const decider::position first = log_.size() + 1;
    log_.insert(log_.end(), batch.begin(), batch.end());
    if (!batch.front().id.empty()) {
      batches_.emplace_back(first, log_.size());
    }
    return log_.size();
  }

  std::vector<decider::position> read(const decider::query& q, const decider::read_options& o) const {
    std::vector<decider::position> out;
    const std::size_t n = log_.size();
    if (!o.backwards) {
      for (std::size_t p = std::max<std::size_t>(1, o.from.value_or(1)); p <= n; ++p) {
        if (q.matches(log_[p - 1].type, log_[p - 1].tags)) {
          out.push_back(p);
        }
      }
    } else {
      for (std::size_t p = std::min(n, o.from.value_or(n)); p >= 1; --p) {
        if (q.matches(log_[p - 1].type, log_[p - 1].tags)) {
          out.push_back(p);
        }
      }
    }
    if (o.limit && out.size() > *o.limit) {
      out.resize(*o.limit);
    }
    return out;
  }

  [[nodiscard]] std::size_t size() const { return log_.size(); }

 private:
  std::vector<model_event> log_;
  std::vector<std::pair<decider::position, decider::position>> batches_;
};

std::vector<decider::tag> some_tags(decider::fuzzing::bytes& in) {
  std::vector<decider::tag> out;
  const std::size_t n = in.below(4);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(in.pick("k:", 4));
  }
  return out;
}

decider::query some_query(decider::fuzzing::bytes& in) {
  decider::query q;
  const std::size_t items = in.below(4);
  for (std::size_t i = 0; i < items; ++i) {
    decider::query_item item;
    if (in.flag()) {
      item.types.push_back(in.pick("t", 3));
    }
    item.tags = some_tags(in);
    q.items.push_back(std::move(item));
  }
  return q;
}

std::string some_id(decider::fuzzing::bytes& in) {
  switch (in.below(4)) {
    case 0:
      return {};
    case 1:
      return "memory-" + std::to_string(in.below(8));  // the form of the ids the store makes up
    default:
      return in.pick("id", 12);
  }
}

int which(const decider::append_result& r) { return r.has_value() ? -1 : static_cast<int>(r.error().index()); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  decider::fuzzing::bytes in(data, size);
  decider::memory_store<event> store;
  model expected;
  while (!in.empty()) {
    if (in.below(3) != 0) {
      const std::size_t n = in.below(4);  // 0: an empty batch, refused
      std::vector<decider::event_to_append<event>> batch;
      std::vector<model_event> mirror;
      for (std::size_t i = 0; i < n; ++i) {
        auto tags = some_tags(in);
        const bool first_kind = in.flag();
        const auto id = some_id(in);
        event e = first_kind ? event{happened<0>{tags}} : event{happened<1>{tags}};
        mirror.push_back({std::string(decider::type_name_of(e)), decider::tags_of(e), id});
        batch.push_back({std::move(e), {.event_id = id}});
      }
      std::optional<decider::append_condition> condition;
      if (in.flag()) {
        condition = decider::append_condition{some_query(in), std::nullopt};
        if (in.flag()) {
          condition->after = in.below(expected.size() + 2);
        }
      }
      const auto got = store.append(std::move(batch), condition);
      const auto want = expected.append(mirror, condition);
      require(which(got) == which(want));
      if (got.has_value()) {
        require(*got == *want);
      } else if (const auto* conflict = std::get_if<decider::condition_failed>(&got.error())) {
        require(conflict->conflicting == std::get<decider::condition_failed>(want.error()).conflicting);
      }
    } else {
      const auto q = some_query(in);
      decider::read_options options;
      if (in.flag()) {
        options.from = in.below(expected.size() + 2);
      }
      options.backwards = in.flag();
      if (in.flag()) {
        options.limit = in.below(5);
      }
      const auto got = store.read(q, options);
      require(got.has_value());
      const auto want = expected.read(q, options);
      require(got->size() == want.size());
      for (std::size_t i = 0; i < want.size(); ++i) {
        require((*got)[i].position == want[i]);
      }
    }
  }
  // Whatever was asked, the log holds every event id once, and its positions are 1..n.
  const auto all = store.read(decider::query::all());
  require(all->size() == expected.size() && store.head() == expected.size());
  std::set<std::string> ids;
  for (std::size_t i = 0; i < all->size(); ++i) {
    require((*all)[i].position == i + 1);
    require(ids.insert((*all)[i].metadata.event_id).second);
  }
  return 0;
}
