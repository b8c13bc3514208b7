// decider/store/detail/prefetch.hpp — a hint to the processor to start loading an address that will be read soon, so
// that lookups of several keys wait for memory together. Reads nothing; a no-op where the compiler has no such hint.
#pragma once

namespace decider::detail {

inline void prefetch(const void* address) noexcept {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(address);
#else
  (void)address;
#endif
}

}  // namespace decider::detail
