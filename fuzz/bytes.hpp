// Reads a fuzzer's input as a sequence of small decisions: numbers in a range, strings from an alphabet or raw.
// An exhausted input answers zeros and empty strings, so every input is a valid (if short) program.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace decider::fuzzing {

class bytes {
 public:
  bytes(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

  [[nodiscard]] bool empty() const noexcept { return at_ >= size_; }

  std::uint8_t byte() noexcept { return at_ < size_ ? data_[at_++] : std::uint8_t{0}; }

  // A number in [0, bound); bound > 0 and at most 256.
  std::size_t below(std::size_t bound) noexcept { return bound <= 1 ? 0 : byte() % bound; }

  bool flag() noexcept { return (byte() & 1U) != 0; }

  // One of a few names: a small alphabet makes matches likely.
  std::string pick(std::string_view prefix, std::size_t choices) {
    return std::string(prefix) + std::to_string(below(choices));
  }

  // Raw bytes: a length byte, then that many (fewer if the input ends).
  std::string raw(std::size_t max) {
    const std::size_t n = below(max + 1);
    std::string out;
    for (std::size_t i = 0; i < n && !empty(); ++i) {
      out.push_back(static_cast<char>(byte()));
    }
    return out;
  }

  // Everything not read yet.
  std::string rest() {
    std::string out(reinterpret_cast<const char*>(data_) + (at_ < size_ ? at_ : size_), at_ < size_ ? size_ - at_ : 0);
    at_ = size_;
    return out;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t at_ = 0;
};

}  // namespace decider::fuzzing
