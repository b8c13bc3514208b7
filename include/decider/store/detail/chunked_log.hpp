// decider/store/detail/chunked_log.hpp — an append-only sequence in fixed chunks: elements never move once stored (an
// append does not invalidate a reference), and indexing is a shift and a mask, with no division (std::deque's
// index arithmetic is not inlined and showed in the memory store's profiles).
#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <utility>
#include <vector>

namespace decider::detail {

template <class T, std::size_t ChunkBits = 9>
class chunked_log {
  static constexpr std::size_t per_chunk = std::size_t{1} << ChunkBits;
  static constexpr std::size_t mask = per_chunk - 1;
  struct chunk {
    alignas(T) unsigned char bytes[sizeof(T) * per_chunk];  // raw: elements are made as they are appended
  };

 public:
  chunked_log() = default;
  chunked_log(const chunked_log&) = delete;
  chunked_log& operator=(const chunked_log&) = delete;
  ~chunked_log() {
    for (std::size_t i = 0; i < size_; ++i) {
      slot(i)->~T();
    }
  }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }

  [[nodiscard]] T& operator[](std::size_t i) noexcept { return *slot(i); }
  [[nodiscard]] const T& operator[](std::size_t i) const noexcept { return *slot(i); }

  void push_back(T&& value) { emplace_back(std::move(value)); }

  // Makes the next element in place from `args` (braces: aggregates too) and returns it.
  template <class... Args>
  T& emplace_back(Args&&... args) {
    if ((size_ >> ChunkBits) == chunks_.size()) {
      chunks_.push_back(std::unique_ptr<chunk>(new chunk));  // default-initialized: not zeroed
    }
    T* made = ::new (static_cast<void*>(raw(size_))) T{std::forward<Args>(args)...};
    ++size_;
    return *made;
  }

 private:
  [[nodiscard]] unsigned char* raw(std::size_t i) const noexcept {
    return chunks_[i >> ChunkBits]->bytes + (i & mask) * sizeof(T);
  }
  [[nodiscard]] T* slot(std::size_t i) const noexcept { return std::launder(reinterpret_cast<T*>(raw(i))); }

  std::vector<std::unique_ptr<chunk>> chunks_;
  std::size_t size_ = 0;
};

}  // namespace decider::detail
