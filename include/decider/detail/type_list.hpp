// decider/detail/type_list.hpp — the type-level plumbing behind combine: a type list, the alternatives
// of a (possibly non-variant) type, flattened and de-duplicated variants, and conversions between them.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

namespace decider {

struct never;  // the type with no values (decider/concepts.hpp): flattening drops it

namespace detail {

template <class... Ts>
struct type_list {};

// alternatives<T>: Ts... of a std::variant<Ts...>, or just T.
template <class T>
struct alternatives {
  using type = type_list<T>;
};
template <class... Ts>
struct alternatives<std::variant<Ts...>> {
  using type = type_list<Ts...>;
};
template <class T>
using alternatives_t = typename alternatives<T>::type;

template <class T, class List>
struct contains;
template <class T, class... Ts>
struct contains<T, type_list<Ts...>> : std::bool_constant<(std::is_same_v<T, Ts> || ...)> {};
template <class T, class List>
inline constexpr bool contains_v = contains<T, List>::value;

// Appends each type not yet present and not `never`, keeping first-occurrence order.
template <class Acc, class... Ts>
struct unique_append {
  using type = Acc;
};
template <class... As, class T, class... Ts>
struct unique_append<type_list<As...>, T, Ts...> {
  using type = typename unique_append<std::conditional_t<contains_v<T, type_list<As...>> || std::is_same_v<T, never>,
                                                         type_list<As...>, type_list<As..., T>>,
                                      Ts...>::type;
};

template <class Acc, class... Lists>
struct flatten_lists {
  using type = Acc;
};
template <class Acc, class... Ts, class... Lists>
struct flatten_lists<Acc, type_list<Ts...>, Lists...> {
  using type = typename flatten_lists<typename unique_append<Acc, Ts...>::type, Lists...>::type;
};

template <class List>
struct to_variant;
template <class... Ts>
struct to_variant<type_list<Ts...>> {
  using type = std::variant<Ts...>;
};
template <>
struct to_variant<type_list<>> {
  using type = std::variant<never>;
};

// flat_variant_t<A, std::variant<B, C>, std::variant<A, D>> is std::variant<A, B, C, D>.
template <class... Ts>
using flat_variant_t = typename to_variant<typename flatten_lists<type_list<>, alternatives_t<Ts>...>::type>::type;

template <class T>
inline constexpr bool is_variant_v = false;
template <class... Ts>
inline constexpr bool is_variant_v<std::variant<Ts...>> = true;

// A type with no values: `never`, or the variant flattening makes of nothing but `never`.
template <class T>
inline constexpr bool is_never_v = std::is_same_v<T, never> || std::is_same_v<T, std::variant<never>>;

// Converts a value whose alternatives are all in Target into Target (a variant).
template <class Target, class Source>
constexpr Target widen(Source&& source) {
  using S = std::remove_cvref_t<Source>;
  if constexpr (std::is_same_v<S, Target>) {
    return std::forward<Source>(source);
  } else if constexpr (is_variant_v<S>) {
    return std::visit(
        [](auto&& alternative) -> Target {
          using A = std::remove_cvref_t<decltype(alternative)>;
          if constexpr (std::is_same_v<A, never>) {
            std::abort();  // unreachable: no value of `never` exists
          } else {
            return Target{std::in_place_type<A>, std::forward<decltype(alternative)>(alternative)};
          }
        },
        std::forward<Source>(source));
  } else {
    return Target{std::in_place_type<S>, std::forward<Source>(source)};
  }
}

// Builds a value of type Target (a variant or a single type) from one alternative A it holds;
// when Target is A itself the argument is passed through by reference, without a copy.
template <class Target, class A>
constexpr decltype(auto) embed(const A& alternative) {
  if constexpr (std::is_same_v<Target, A>) {
    return alternative;
  } else {
    static_assert(is_variant_v<Target>, "decider: internal error: embedding into a type that is not a variant.");
    return Target{std::in_place_type<A>, alternative};
  }
}

// Narrows a value to Target when its current alternative is one of Target's; nullopt otherwise.
template <class Target, class Source>
constexpr std::optional<Target> narrow(const Source& source) {
  if constexpr (std::is_same_v<Source, Target>) {
    return source;
  } else if constexpr (is_variant_v<Source>) {
    return std::visit(
        [](const auto& alternative) -> std::optional<Target> {
          using A = std::remove_cvref_t<decltype(alternative)>;
          if constexpr (contains_v<A, alternatives_t<Target>>) {
            return Target(embed<Target>(alternative));
          } else {
            return std::nullopt;
          }
        },
        source);
  } else if constexpr (contains_v<Source, alternatives_t<Target>>) {
    return Target(embed<Target>(source));
  } else {
    return std::nullopt;
  }
}

// Calls f(const Target&) with the value narrowed to Target, when its alternative is one of Target's; returns
// whether it did. Unlike narrow, nothing is copied when Target is the source type or the alternative itself.
template <class Target, class Source, class F>
constexpr bool with_narrowed(const Source& source, F&& f) {
  if constexpr (std::is_same_v<Source, Target>) {
    f(source);
    return true;
  } else if constexpr (is_variant_v<Source>) {
    return std::visit(
        [&](const auto& alternative) {
          using A = std::remove_cvref_t<decltype(alternative)>;
          if constexpr (contains_v<A, alternatives_t<Target>>) {
            f(static_cast<const Target&>(embed<Target>(alternative)));
            return true;
          } else {
            return false;
          }
        },
        source);
  } else if constexpr (contains_v<Source, alternatives_t<Target>>) {
    f(static_cast<const Target&>(embed<Target>(source)));
    return true;
  } else {
    return false;
  }
}

}  // namespace detail
}  // namespace decider
