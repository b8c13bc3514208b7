// decider/store/boundary.hpp — the consistency boundary of a command, derived from the decider: which stored
// events its decision depends on. A many<Key>(d, key_of, tags_of) instance is selected by its tags and the event
// types d evolves on; combine unions the boundaries of the parts a command concerns; extend<Command> takes its
// rule's boundary (the instances it reads); any decider may state its own with a member
//   decider::query boundary(const command_type&) const;
// boundary_of(d, command) gives the query; decider::handle (decider/store/handle.hpp) reads it, folds only the
// instances it selects, decides with d's own decide, and appends under it.
#pragma once

#include <algorithm>
#include <bit>
#include <compare>
#include <concepts>
#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "decider/combine.hpp"
#include "decider/concepts.hpp"
#include "decider/detail/type_list.hpp"
#include "decider/extend.hpp"
#include "decider/many.hpp"
#include "decider/store/capabilities.hpp"
#include "decider/store/concepts.hpp"
#include "decider/store/event.hpp"
#include "decider/store/instance_cache.hpp"
#include "decider/store/query.hpp"

namespace decider {

// The instances of a many<Key> part that a command reads: what an extension's boundary names for each part.
template <class Key>
struct instances {
  std::vector<Key> keys{};
  instances() = default;
  instances(std::initializer_list<Key> list) : keys(list) {}
  explicit instances(std::vector<Key> list) : keys(std::move(list)) {}
  friend bool operator==(const instances&, const instances&) = default;
};

template <class D>
concept declares_boundary = requires(const D& d, const command_of<D>& c) {
  { d.boundary(c) } -> std::convertible_to<query>;
};

namespace detail {

// The union query a decision reads, built item by item; each part remembers the indexes of its items. A planner
// may be reset and used again: its items keep their buffers, so a decision like the last allocates nothing here.
class boundary_planner {
 public:
  boundary_planner() = default;
  boundary_planner(const boundary_planner&) = delete;  // its index refers to its own items
  boundary_planner& operator=(const boundary_planner&) = delete;
  ~boundary_planner() = default;

  void reset() {
    // Spare items in reverse, so that the next decision's first item reuses this one's first (often the same
    // types: then nothing is copied).
    std::move(query_.items.rbegin(), query_.items.rend(), std::back_inserter(spare_));
    query_.items.clear();
    index_.clear();
    slots_ = 0;
    all_ = false;
  }

  // The item of `types` and `tags` (each sorted, without duplicates): its index in the union.
  std::size_t add(const std::vector<std::string>& types, const std::vector<tag>& tags) {
    auto& items = query_.items;
    if (items.size() < 16 && index_.empty()) {
      const auto same = [&](const query_item& i) { return i.tags == tags && i.types == types; };
      const auto at = std::find_if(items.begin(), items.end(), same);
      if (at != items.end()) {
        return static_cast<std::size_t>(at - items.begin());
      }
    } else {
      if (index_.empty()) {
        for (std::size_t i = 0; i < items.size(); ++i) {
          index_.insert(i);
        }
      }
      if (const auto at = index_.find(item_key{&types, &tags}); at != index_.end()) {
        return *at;
      }
    }
    if (spare_.empty()) {
      items.push_back(query_item{types, tags});
    } else {
      items.push_back(std::move(spare_.back()));
      spare_.pop_back();
      auto& reused = items.back();
      if (reused.types != types) {
        reused.types.assign(types.begin(), types.end());
      }
      if (reused.tags != tags) {
        reused.tags.assign(tags.begin(), tags.end());
      }
    }
    if (!index_.empty()) {
      index_.insert(items.size() - 1);
    }
    return items.size() - 1;
  }
  std::size_t add(const query_item& item) { return add(item.types, item.tags); }
  void select_all() { all_ = true; }
  std::size_t new_slot() { return slots_++; }

  [[nodiscard]] std::size_t slots() const noexcept { return slots_; }
  [[nodiscard]] const std::vector<query_item>& items() const noexcept { return query_.items; }
  // The union of the items; `every` when a part reads every event (then it matches all, and items() tells the
  // parts); query::none() when no part names anything (a rule whose boundary names no instance reads nothing).
  [[nodiscard]] const query& union_query() const noexcept {
    if (all_) {
      return every_;
    }
    return query_.items.empty() ? query::none() : query_;
  }
  // A buffer for an instance's tags, to be filled and passed to add().
  [[nodiscard]] std::vector<tag>& tag_buffer() noexcept { return tags_; }

 private:
  query query_;
  query every_;
  std::vector<query_item> spare_;
  // Once there are many items, their indexes, ordered by tags and then types (the tags tell instances apart
  // sooner); looked up by the types and tags of an item to add, without copying them.
  struct item_key {
    const std::vector<std::string>* types;
    const std::vector<tag>* tags;
  };
  struct by_item {
    using is_transparent = void;
    const std::vector<query_item>* items;
    [[nodiscard]] item_key key(std::size_t i) const { return {&(*items)[i].types, &(*items)[i].tags}; }
    static bool less(const item_key& a, const item_key& b) {
      if (const auto c = *a.tags <=> *b.tags; std::is_neq(c)) {
        return std::is_lt(c);
      }
      return *a.types < *b.types;
    }
    bool operator()(std::size_t a, std::size_t b) const { return less(key(a), key(b)); }
    bool operator()(std::size_t a, const item_key& b) const { return less(key(a), b); }
    bool operator()(const item_key& a, std::size_t b) const { return less(a, key(b)); }
  };
  std::set<std::size_t, by_item> index_{by_item{&query_.items}};
  std::vector<tag> tags_;
  std::size_t slots_ = 0;
  bool all_ = false;
};

// Which items of the union an event matched: bits when the union has at most 64 items, else a sorted list.
struct item_hits {
  matched_items bits = 0;
  const std::vector<std::size_t>* list = nullptr;
  bool all = false;  // a part that reads every event (its query matches all) sees every event

  [[nodiscard]] bool has(std::size_t item) const {
    if (list != nullptr) {
      return std::binary_search(list->begin(), list->end(), item);
    }
    return item < 64 && ((bits >> item) & 1U) != 0;
  }
  template <class F>
  void for_each(F&& f) const {
    if (list != nullptr) {
      for (const std::size_t item : *list) {
        f(item);
      }
      return;
    }
    for (matched_items b = bits; b != 0; b &= b - 1) {
      f(static_cast<std::size_t>(std::countr_zero(b)));
    }
  }
};

template <class E>
std::string_view static_type_name() {
  static_assert(identified_event<E>,
                "decider: an event type of a decider run on a store declares no identity: give it `static constexpr "
                "std::string_view type_name` and `std::vector<decider::tag> tags() const`, or specialize "
                "decider::event_traits.");
  if constexpr (has_member_identity<E>) {
    return E::type_name;
  } else {
    return event_traits<E>::type_name;
  }
}

// The type names of an event type's alternatives: what a part's query items list.
template <class Event>
const std::vector<std::string>& type_names() {
  static const std::vector<std::string> names = []<class... As>(type_list<As...>) {
    std::vector<std::string> all;
    (
        [&] {
          if constexpr (!std::is_same_v<As, never>) {
            all.emplace_back(static_type_name<As>());
          }
        }(),
        ...);
    return normalize(std::move(all));
  }(alternatives_t<Event>{});
  return names;
}

// Appends what an instance's tags_of gave (one tag, or several) to `out`.
template <class T>
void append_tags(std::vector<tag>& out, T&& tags) {
  if constexpr (std::is_convertible_v<T, std::string_view>) {
    out.emplace_back(std::forward<T>(tags));
  } else {
    for (auto&& t : tags) {
      out.emplace_back(std::forward<decltype(t)>(t));
    }
  }
}

// The parts of a decider, one node type each. A node knows its part's selection (what a command reads), its plan
// (the selection's items in the union and its slots), how to start a partial state from the cache, fold an event
// into it, and keep it in the cache again.
struct empty_part {
  empty_part() = default;
  explicit empty_part(const cache_options&) {}
  friend bool operator==(const empty_part&, const empty_part&) = default;
};

// The caches of a combination's parts, each made from the same options (they cannot be moved: they lock).
template <class... Cs>
struct part_caches {
  explicit part_caches(const cache_options& options) : parts((static_cast<void>(sizeof(Cs)), options)...) {}
  std::tuple<Cs...> parts;
};

// A part that says nothing of boundaries; an error only when a command is decided by it.
struct no_boundary_node {
  using selection = empty_part;
  using plan = empty_part;
  using cache_type = empty_part;
  static constexpr bool supported = false;
  template <class Base, class C>
  static selection select(const Base&, const C&) {
    static_assert(always_false<C>,
                  "decider: this decider (or a part of it) has no boundary for a store: build it from "
                  "many<Key>(d, key_of, tags_of), combine and extend<Command>(d, decide_fn, boundary_fn), or give "
                  "it a member `decider::query boundary(const command_type&) const`.");
    return {};
  }
  template <class Base>
  static void make_plan(const Base&, const selection&, boundary_planner&, plan&) {}
  static void prefetch(const plan&, const cache_type*, int) {}
  template <class Base, class S>
  static void start(const Base&, plan&, S&, std::vector<position>&, cache_type*) {}
  template <class Base, class S, class Event>
  static void evolve(const Base&, const plan&, S&, const std::vector<position>&, const stored_event<Event>&,
                     const item_hits&) {}
  template <class Base, class S>
  static void keep(const Base&, plan&, S&, position, cache_type*) {}
  static void release(plan&, cache_type*) {}
  static void bound(const plan&, const std::vector<position>&, std::vector<position>&) {}
};

template <class D>
struct own_boundary_node;
template <class Key, class D, class Access>
struct many_node;
template <class... Ds>
struct combined_node;
template <class Command, class D, class F>
struct extended_node;

template <class Key, class D, class KeyOf, class TagsOf>
many_node<Key, D, by_function<KeyOf, TagsOf>> node_for(const many_decider<Key, D, by_function<KeyOf, TagsOf>>*);
template <class Key, class D>
many_node<Key, D, by_keyed> node_for(const many_decider<Key, D, by_keyed>*);
template <class... Ds>
combined_node<Ds...> node_for(const combined_decider<Ds...>*);
template <class Command, class D, class F>
extended_node<Command, D, F> node_for(const extended<Command, D, F>*);
no_boundary_node node_for(const void*);

template <class D>
struct node_of {
  using type = decltype(node_for(static_cast<const D*>(nullptr)));
};
template <class D>
requires declares_boundary<D>
struct node_of<D> {
  using type = own_boundary_node<D>;
};
template <class D>
using node_t = typename node_of<D>::type;

// A decider with its own boundary(command): one state, folded from the events its query selects.
template <class D>
struct own_boundary_node {
  using selection = std::optional<query>;
  struct plan {
    std::vector<std::size_t> items;
    std::size_t slot = 0;
    bool selected = false;
    bool all = false;
  };
  using cache_type = empty_part;
  static constexpr bool supported = true;

  static selection select(const D& d, const command_of<D>& c) { return query(d.boundary(c)); }
  static void make_plan(const D&, const selection& s, boundary_planner& planner, plan& p) {
    p.items.clear();
    p.selected = false;
    p.all = false;
    if (!s) {
      return;
    }
    p.selected = true;
    p.slot = planner.new_slot();
    p.all = s->matches_all();
    if (p.all) {
      planner.select_all();
    }
    for (const auto& item : s->items) {
      p.items.push_back(planner.add(item.normalized()));
    }
  }
  static void prefetch(const plan&, const cache_type*, int) {}
  static void start(const D&, plan&, state_of<D>&, std::vector<position>&, cache_type*) {}
  template <class Event>
  static void evolve(const D& d, const plan& p, state_of<D>& state, const std::vector<position>&,
                     const stored_event<Event>& e, const item_hits& hits) {
    if (!p.selected ||
        (!p.all && std::none_of(p.items.begin(), p.items.end(), [&](std::size_t i) { return hits.has(i); }))) {
      return;
    }
    with_narrowed<event_of<D>>(e.event, [&](const event_of<D>& mine) { state = d.evolve(std::move(state), mine); });
  }
  static void keep(const D&, plan&, state_of<D>&, position, cache_type*) {}
  static void release(plan&, cache_type*) {}
  // Per item of the union, the position through which its readers' states cover it (this part reads it all).
  static void bound(const plan& p, const std::vector<position>&, std::vector<position>& items_after) {
    for (const std::size_t i : p.items) {
      items_after[i] = 0;
    }
  }
};

// Whether a many part's instances have tags in a store: many<Key>(d, key_of, tags_of), or many<Key>(d) (keyed
// messages) when d's events name their instance kind (decider::instance_kind).
template <class Access, class D>
inline constexpr bool instances_tagged_v = Access::has_tags;
template <class D>
inline constexpr bool instances_tagged_v<by_keyed, D> = has_instance_kind<event_of<D>>;

// many<Key>(d, key_of, tags_of) or many<Key>(d) with a named instance kind: each selected instance is one item
// (d's event types, the instance's tags).
template <class Key, class D, class Access>
struct many_node {
  using base = many_decider<Key, D, Access>;
  static constexpr bool tagged = instances_tagged_v<Access, D>;
  using selection = instances<Key>;
  struct slot {
    Key key;
    std::size_t item = 0;
    std::size_t index = 0;
    std::size_t cached = instance_cache<Key, state_of<D>>::no_slot;  // where the cache kept the instance
    bool taken = false;  // this decision took the instance's state from the cache and has not put it back
  };
  using plan = std::vector<slot>;  // sorted by item
  using cache_type = instance_cache<Key, state_of<D>>;
  static constexpr bool supported = true;

  static selection select(const base& d, const command_of<base>& c) {
    static_assert(tagged || !std::is_same_v<Access, by_keyed>,
                  "decider: a many<Key>(d) part run on a store must name the kind of its instances, for their tags: "
                  "specialize decider::instance_kind<E> (E: d's event type) with `static constexpr std::string_view "
                  "name = \"kind\";` (a stored keyed<Key, E> is then tagged \"kind:<key>\").");
    static_assert(tagged || std::is_same_v<Access, by_keyed>,
                  "decider: a many<Key>(d, key_of) part run on a store must say how an instance's events are "
                  "tagged: many<Key>(d, key_of, decider::tag_as(\"kind\")), or a function from the key to its tags.");
    return {d.key_of(c)};
  }
  static void make_plan(const base& d, selection s, boundary_planner& planner, plan& p) {
    p.clear();
    if (s.keys.size() > 1) {
      std::sort(s.keys.begin(), s.keys.end());
      s.keys.erase(std::unique(s.keys.begin(), s.keys.end()), s.keys.end());
    }
    if constexpr (tagged) {
      for (auto& key : s.keys) {
        auto& tags = planner.tag_buffer();
        tags.clear();
        if constexpr (std::is_same_v<Access, by_keyed>) {
          tags.push_back(tag_as(instance_kind<event_of<D>>::name)(key));
        } else {
          append_tags(tags, d.instance_tags(key));
        }
        tags = normalize(std::move(tags));  // sorted in place: the buffer is kept
        const std::size_t item = planner.add(type_names<event_of<D>>(), tags);
        p.push_back(slot{std::move(key), item, planner.new_slot()});
      }
    }
    if (!std::is_sorted(p.begin(), p.end(), [](const slot& a, const slot& b) { return a.item < b.item; })) {
      std::stable_sort(p.begin(), p.end(), [](const slot& a, const slot& b) { return a.item < b.item; });
    }
  }
  // A hint that start() follows (see instance_cache::prefetch).
  static void prefetch(const plan& p, const cache_type* cache, int stage) {
    if (cache != nullptr) {
      for (const auto& s : p) {
        cache->prefetch(s.key, stage);
      }
    }
  }
  static void start(const base&, plan& p, state_of<base>& state, std::vector<position>& from, cache_type* cache) {
    if (cache == nullptr) {
      return;
    }
    for (auto& s : p) {
      if (auto kept = cache->take(s.key)) {
        s.taken = kept->moved;
        s.cached = kept->slot;
        from[s.index] = kept->through;
        if (kept->state) {
          state.insert_or_assign(s.key, std::move(*kept->state));
        }
      }
    }
  }
  template <class Event>
  static void evolve(const base& d, const plan& p, state_of<base>& state, const std::vector<position>& from,
                     const stored_event<Event>& e, const item_hits& hits) {
    const auto fold_into = [&](const slot& s) {
      if (e.position <= from[s.index]) {
        return;  // the cached state has it already
      }
      with_narrowed<event_of<base>>(e.event, [&](const event_of<base>& message) {
        auto at = state.find(s.key);
        if (at == state.end()) {
          at = state.emplace(s.key, d.inner().initial_state()).first;
        }
        at->second = d.inner().evolve(std::move(at->second), Access::value(message));
      });
    };
    if (p.size() <= 8) {
      for (const auto& s : p) {
        if (hits.has(s.item)) {
          fold_into(s);
        }
      }
      return;
    }
    hits.for_each([&](std::size_t item) {
      auto at = std::lower_bound(p.begin(), p.end(), item, [](const slot& s, std::size_t i) { return s.item < i; });
      for (; at != p.end() && at->item == item; ++at) {
        fold_into(*at);
      }
    });
  }
  // Moves each selected instance's state into the cache (the partial state is done with).
  static void keep(const base&, plan& p, state_of<base>& state, position through, cache_type* cache) {
    if (cache == nullptr) {
      return;
    }
    for (auto& s : p) {
      const auto at = state.find(s.key);
      cache->put(s.key, {at == state.end() ? std::nullopt : std::optional(std::move(at->second)), through, s.cached});
      s.taken = false;
    }
  }
  // Gives back, empty, what this decision took and did not keep (a failed read, an exception): the instance's
  // next decision reads its events from the store.
  static void release(plan& p, cache_type* cache) {
    if (cache == nullptr) {
      return;
    }
    for (auto& s : p) {
      if (s.taken) {
        cache->put(s.key, {std::nullopt, 0, s.cached});
        s.taken = false;
      }
    }
  }
  // An instance's item needs nothing its starting state covers (the least, when instances share an item).
  static void bound(const plan& p, const std::vector<position>& from, std::vector<position>& items_after) {
    for (const auto& s : p) {
      items_after[s.item] = std::min(items_after[s.item], from[s.index]);
    }
  }
};

// combine(a, b, ...): each part's node on its share of the state; a part the command does not concern reads nothing.
template <class... Ds>
struct combined_node {
  using base = combined_decider<Ds...>;
  using selection = std::tuple<typename node_t<Ds>::selection...>;
  using plan = std::tuple<typename node_t<Ds>::plan...>;
  using cache_type = part_caches<typename node_t<Ds>::cache_type...>;
  static constexpr bool supported = (node_t<Ds>::supported || ...);
  static constexpr auto indexes = std::index_sequence_for<Ds...>{};

  template <std::size_t I>
  static const auto& part(const base& d) {
    return std::get<I>(d.parts());
  }

  static selection select(const base& d, const command_of<base>& c) {
    selection s{};
    std::visit(
        [&](const auto& alternative) {
          using A = std::remove_cvref_t<decltype(alternative)>;
          [&]<std::size_t... Is>(std::index_sequence<Is...>) {
            (
                [&] {
                  using P = std::tuple_element_t<Is, std::tuple<Ds...>>;
                  if constexpr (contains_v<A, alternatives_t<command_of<P>>>) {
                    std::get<Is>(s) = node_t<P>::select(part<Is>(d), embed<command_of<P>>(alternative));
                  }
                }(),
                ...);
          }
          (indexes);
        },
        c);
    return s;
  }
  static void make_plan(const base& d, selection s, boundary_planner& planner, plan& p) {
    [&]<std::size_t... Is>(std::index_sequence<Is...>) {
      (node_t<Ds>::make_plan(part<Is>(d), std::move(std::get<Is>(s)), planner, std::get<Is>(p)), ...);
    }
    (indexes);
  }
  static void prefetch(const plan& p, const cache_type* cache, int stage) {
    [&]<std::size_t... Is>(std::index_sequence<Is...>) {
      (node_t<Ds>::prefetch(std::get<Is>(p), cache == nullptr ? nullptr : &std::get<Is>(cache->parts), stage), ...);
    }
    (indexes);
  }
  static void start(const base& d, plan& p, state_of<base>& state, std::vector<position>& from, cache_type* cache) {
    [&]<std::size_t... Is>(std::index_sequence<Is...>) {
      (node_t<Ds>::start(part<Is>(d), std::get<Is>(p), std::get<Is>(state), from,
                         cache == nullptr ? nullptr : &std::get<Is>(cache->parts)),
       ...);
    }
    (indexes);
  }
  template <class Event>
  static void evolve(const base& d, const plan& p, state_of<base>& state, const std::vector<position>& from,
                     const stored_event<Event>& e, const item_hits& hits) {
    [&]<std::size_t... Is>(std::index_sequence<Is...>) {
      (node_t<Ds>::evolve(part<Is>(d), std::get<Is>(p), std::get<Is>(state), from, e, hits), ...);
    }
    (indexes);
  }
  static void keep(const base& d, plan& p, state_of<base>& state, position through, cache_type* cache) {
    [&]<std::size_t... Is>(std::index_sequence<Is...>) {
      (node_t<Ds>::keep(part<Is>(d), std::get<Is>(p), std::get<Is>(state), through,
                        cache == nullptr ? nullptr : &std::get<Is>(cache->parts)),
       ...);
    }
    (indexes);
  }
  static void release(plan& p, cache_type* cache) {
    [&]<std::size_t... Is>(std::index_sequence<Is...>) {
      (node_t<Ds>::release(std::get<Is>(p), cache == nullptr ? nullptr : &std::get<Is>(cache->parts)), ...);
    }
    (indexes);
  }
  static void bound(const plan& p, const std::vector<position>& from, std::vector<position>& items_after) {
    [&]<std::size_t... Is>(std::index_sequence<Is...>) { (node_t<Ds>::bound(std::get<Is>(p), from, items_after), ...); }
    (indexes);
  }
};

template <class F, class Command>
concept rule_with_boundary_for = requires(const F& f, const Command& c) {
  f.boundary(c);
};

// extend<Command>(d, rule): the rule's boundary for Command (the instances it reads), d's for the rest.
template <class Command, class D, class F>
struct extended_node {
  using base = extended<Command, D, F>;
  using inner = node_t<D>;
  using selection = typename inner::selection;
  using plan = typename inner::plan;
  using cache_type = typename inner::cache_type;
  static constexpr bool supported = inner::supported;

  static selection select(const base& d, const command_of<base>& c) {
    return std::visit(
        [&](const auto& alternative) -> selection {
          using A = std::remove_cvref_t<decltype(alternative)>;
          if constexpr (contains_v<A, alternatives_t<Command>>) {
            static_assert(rule_with_boundary_for<F, Command>,
                          "decider::extend: the rule runs on a store but declares no boundary: give the rule a member "
                          "`boundary(const Command&)` returning decider::selection_of<D> (the instances it reads), "
                          "or write extend<Command>(d, decide_fn, boundary_fn).");
            return selection(d.rule().boundary(embed<Command>(alternative)));
          } else {
            return inner::select(d.inner(), embed<command_of<D>>(alternative));
          }
        },
        c);
  }
  static void make_plan(const base& d, selection s, boundary_planner& planner, plan& p) {
    inner::make_plan(d.inner(), std::move(s), planner, p);
  }
  static void prefetch(const plan& p, const cache_type* cache, int stage) { inner::prefetch(p, cache, stage); }
  static void start(const base& d, plan& p, state_of<base>& state, std::vector<position>& from, cache_type* cache) {
    inner::start(d.inner(), p, state, from, cache);
  }
  template <class Event>
  static void evolve(const base& d, const plan& p, state_of<base>& state, const std::vector<position>& from,
                     const stored_event<Event>& e, const item_hits& hits) {
    inner::evolve(d.inner(), p, state, from, e, hits);
  }
  static void keep(const base& d, plan& p, state_of<base>& state, position through, cache_type* cache) {
    inner::keep(d.inner(), p, state, through, cache);
  }
  static void release(plan& p, cache_type* cache) { inner::release(p, cache); }
  static void bound(const plan& p, const std::vector<position>& from, std::vector<position>& items_after) {
    inner::bound(p, from, items_after);
  }
};

// What a decision's boundary is built in: the planner's items, the parts' plans, an index of the items by tag.
// Kept between decisions (see boundary_buffer_pool), so that a decision like the last allocates nothing here.
template <class D>
struct boundary_buffers {
  boundary_planner planner;
  typename node_t<D>::plan plan{};
  std::unordered_map<std::string_view, std::vector<std::size_t>> by_tag;  // many items: by each item's first tag
  std::vector<std::size_t> untagged;
  std::vector<std::size_t> hit_list;
  std::vector<position> from;         // per slot: the position its starting state covers
  std::vector<position> items_after;  // per item: what every state reading it covers (the read's hint)
};

// Buffers lent to decisions and given back; shared by threads (it locks).
template <class D>
class boundary_buffer_pool {
 public:
  std::unique_ptr<boundary_buffers<D>> lend() {
    std::lock_guard lock(mutex_);
    if (free_.empty()) {
      return std::make_unique<boundary_buffers<D>>();
    }
    auto b = std::move(free_.back());
    free_.pop_back();
    return b;
  }
  void give_back(std::unique_ptr<boundary_buffers<D>> b) {
    std::lock_guard lock(mutex_);
    if (free_.size() < 64) {
      free_.push_back(std::move(b));
    }
  }

 private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<boundary_buffers<D>>> free_;
};

}  // namespace detail

// What a command of D reads, part by part: for many<Key> parts, instances<Key>; for combine, a tuple of its parts'
// selections; for a decider with its own boundary, an optional query. An extension's boundary returns one.
template <class D>
using selection_of = typename detail::node_t<D>::selection;

// What a decider keeps across commands on a store: its instances' states, kind by kind (see instance_cache.hpp),
// each bounded by `options`, and the buffers its decisions' boundaries are built in. Shared by threads.
template <class D>
struct state_cache {
  explicit state_cache(const cache_options& options = {}) : states(options), decide_first(options.decide_first) {}
  typename detail::node_t<D>::cache_type states;
  bool decide_first = true;  // see cache_options
  detail::boundary_buffer_pool<D> buffers;
};
template <class D>
using state_cache_of = state_cache<D>;

// True when D can say, for each of its commands, which stored events the decision depends on.
template <class D>
inline constexpr bool has_boundary = detail::node_t<D>::supported;

struct boundary_of_fn {
  // boundary_of(d, command): the query that selects every stored event the decision of `command` depends on.
  template <class D>
  [[nodiscard]] query operator()(const D& d, const command_of<D>& command) const {
    static_assert(has_boundary<D>,
                  "decider::boundary_of: this decider has no boundary: build it from many<Key>(d, key_of, tags_of), "
                  "combine and extend, or give it a member `decider::query boundary(const command_type&) const`.");
    using node = detail::node_t<D>;
    detail::boundary_planner planner;
    typename node::plan plan{};
    node::make_plan(d, node::select(d, command), planner, plan);
    return planner.union_query();
  }
};
inline constexpr boundary_of_fn boundary_of{};

}  // namespace decider
