// decider/config.hpp — version and the `expected` back-end.
// With a standard library that ships std::expected (GCC 12+ in C++23 mode) decider uses it;
// otherwise tl::expected. Either way user code spells decider::expected / decider::unexpected.
#pragma once

#include <version>

#define DECIDER_VERSION_MAJOR 0
#define DECIDER_VERSION_MINOR 1
#define DECIDER_VERSION_PATCH 0

#if !defined(DECIDER_USE_TL_EXPECTED) && defined(__cpp_lib_expected) && __cpp_lib_expected >= 202202L
#define DECIDER_STD_EXPECTED 1
#include <expected>
#else
#define DECIDER_STD_EXPECTED 0
#include <tl/expected.hpp>
#endif

namespace decider {

#if DECIDER_STD_EXPECTED
template <class T, class E>
using expected = std::expected<T, E>;
namespace detail {
template <class E>
using unexpected_base = std::unexpected<E>;
}  // namespace detail
inline constexpr const char* expected_backend = "std::expected";
#else
template <class T, class E>
using expected = tl::expected<T, E>;
namespace detail {
template <class E>
using unexpected_base = tl::unexpected<E>;
}  // namespace detail
inline constexpr const char* expected_backend = "tl::expected";
#endif

// The error branch of an expected, spelled the same with either back-end: decider::unexpected<E>(error), or
// decider::unexpected(error) with the type deduced (Clang 14 deduces no template arguments through an alias
// template, so this is a class of its own, converting to the back-end's expected as the back-end's unexpected does).
template <class E>
class unexpected : public detail::unexpected_base<E> {
  using base = detail::unexpected_base<E>;

 public:
  using base::base;
};
template <class E>
unexpected(E) -> unexpected<E>;

}  // namespace decider
