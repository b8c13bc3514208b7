// decider/testing/print.hpp — describe(value): a readable string for events, commands, states and errors,
// used by the test kit's failure messages. A type with operator<< prints with it; plain aggregates of up to
// eight members (no base classes, no C arrays) print field by field (`incremented{2}`); variants, optionals,
// keyed values, decisions (events, or "refused: " and the error), tuples, maps and ranges print their contents; other
// types print their type name.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>

#include "decider/config.hpp"
#include "decider/many.hpp"

namespace decider::testing {

namespace detail {

template <class T>
constexpr std::string_view type_name() {
#if defined(__clang__) || defined(__GNUC__)
  std::string_view name = __PRETTY_FUNCTION__;
  const auto start = name.find("T = ") + 4;
  const auto end = name.find_first_of(";]", start);
  return name.substr(start, end - start);
#else
  return "value";
#endif
}

template <class T>
concept streamable = requires(std::ostream& os, const T& t) {
  os << t;
};

template <class T>
inline constexpr bool is_optional_v = false;
template <class T>
inline constexpr bool is_optional_v<std::optional<T>> = true;

template <class T>
inline constexpr bool is_expected_v = false;
template <class V, class E>
inline constexpr bool is_expected_v<decider::expected<V, E>> = true;

template <class T>
concept tuple_like = requires {
  std::tuple_size<T>::value;
};

template <class T>
concept iterable = requires(const T& t) {
  t.begin();
  t.end();
};

// Converts to any field type; used to count the fields of an aggregate (the technique Boost.PFR made known).
// Only ever named in unevaluated operands, but constexpr constructors of field types (std::optional's) may be
// instantiated with it, which odr-uses the conversion: so it has a body, which never runs.
struct any_field {
  template <class T>
  operator T&() const&& noexcept {  // NOLINT(google-explicit-constructor)
    std::abort();
  }
};

// Converts only to a base class of T: T{any_base_of<T>{}} compiles only when T's first element is a base.
template <class T>
struct any_base_of {
  template <class B>
  requires(std::is_base_of_v<B, T> && !std::is_same_v<B, T>) operator B&()
      const&& noexcept {  // NOLINT(google-explicit-constructor)
    std::abort();
  }
};

template <class T, std::size_t... Is>
constexpr bool brace_constructible(std::index_sequence<Is...>) {
  return requires { T{(static_cast<void>(Is), any_field{})...}; };
}

// Up to 9: a count of 9 means "more than eight", printed by type name only.
template <class T, std::size_t N = 9>
constexpr std::size_t field_count() {
  if constexpr (N == 0) {
    return 0;
  } else if constexpr (brace_constructible<T>(std::make_index_sequence<N>{})) {
    return N;
  } else {
    return field_count<T, N - 1>();
  }
}

template <class T>
void write(std::ostream& os, const T& value);

template <class... Fields>
void write_fields(std::ostream& os, const Fields&... fields) {
  std::size_t i = 0;
  ((os << (i++ == 0 ? "" : ", "), write(os, fields)), ...);
}

// Printed field by field: aggregates of one to eight plain members, without base classes.
template <class T>
inline constexpr bool fields_printable = field_count<T>() <= 8 && !requires {
  T{any_base_of<T>{}};
};

template <class T>
void write_aggregate(std::ostream& os, const T& t) {
  constexpr std::size_t n = field_count<T>();
  os << type_name<T>() << '{';
  if constexpr (!fields_printable<T>) {
    os << "...";
  } else if constexpr (n == 1) {
    const auto& [a] = t;
    write_fields(os, a);
  } else if constexpr (n == 2) {
    const auto& [a, b] = t;
    write_fields(os, a, b);
  } else if constexpr (n == 3) {
    const auto& [a, b, c] = t;
    write_fields(os, a, b, c);
  } else if constexpr (n == 4) {
    const auto& [a, b, c, d] = t;
    write_fields(os, a, b, c, d);
  } else if constexpr (n == 5) {
    const auto& [a, b, c, d, e] = t;
    write_fields(os, a, b, c, d, e);
  } else if constexpr (n == 6) {
    const auto& [a, b, c, d, e, f] = t;
    write_fields(os, a, b, c, d, e, f);
  } else if constexpr (n == 7) {
    const auto& [a, b, c, d, e, f, g] = t;
    write_fields(os, a, b, c, d, e, f, g);
  } else if constexpr (n == 8) {
    const auto& [a, b, c, d, e, f, g, h] = t;
    write_fields(os, a, b, c, d, e, f, g, h);
  }
  os << '}';
}

template <class T>
void write(std::ostream& os, const T& value) {
  if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view>) {
    os << '"' << value << '"';
  } else if constexpr (std::is_same_v<T, bool>) {
    os << (value ? "true" : "false");
  } else if constexpr (std::is_enum_v<T>) {
    os << type_name<T>() << '(' << static_cast<std::underlying_type_t<T>>(value) << ')';
  } else if constexpr (streamable<T>) {
    os << value;
  } else if constexpr (decider::detail::is_variant_v<T>) {
    std::visit([&](const auto& alternative) { write(os, alternative); }, value);
  } else if constexpr (is_optional_v<T>) {
    if (value) {
      write(os, *value);
    } else {
      os << "nullopt";
    }
  } else if constexpr (is_expected_v<T>) {
    if (value.has_value()) {
      if constexpr (!std::is_void_v<typename T::value_type>) {
        write(os, *value);
      } else {
        os << "done";
      }
    } else {
      os << "refused: ";
      write(os, value.error());
    }
  } else if constexpr (decider::detail::is_keyed_v<T>) {
    write(os, value.key);
    os << ": ";
    write(os, value.value);
  } else if constexpr (tuple_like<T>) {
    os << '(';
    std::apply([&](const auto&... parts) { write_fields(os, parts...); }, value);
    os << ')';
  } else if constexpr (iterable<T>) {
    os << '[';
    bool first = true;
    for (const auto& element : value) {
      os << (first ? "" : ", ");
      first = false;
      write(os, element);
    }
    os << ']';
  } else if constexpr (std::is_aggregate_v<T> && std::is_class_v<T>) {
    write_aggregate(os, value);
  } else {
    os << type_name<T>() << "{?}";
  }
}

}  // namespace detail

struct describe_fn {
  template <class T>
  [[nodiscard]] std::string operator()(const T& value) const {
    std::ostringstream os;
    detail::write(os, value);
    return os.str();
  }
};
// describe(value): the string the test kit prints for a value.
inline constexpr describe_fn describe{};

}  // namespace decider::testing
