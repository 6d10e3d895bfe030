#pragma once
// An input buffer with slack after its end, so simdjson can parse it in place without a copy.

#include <cstddef>
#include <memory>
#include <string_view>

namespace sluice {

// simdjson reads up to this many bytes past the end of its input (SIMDJSON_PADDING is 64).
// Kept here as a constant so that headers need not include simdjson.
inline constexpr std::size_t kInputPadding = 64;

// Thread-safety: none; owned by one IngressBatch. The padding bytes are zeroed.
class PaddedBuffer {
 public:
  PaddedBuffer() = default;
  explicit PaddedBuffer(std::size_t capacity);

  static PaddedBuffer copy_of(std::string_view bytes);

  char* data() noexcept { return data_.get(); }
  const char* data() const noexcept { return data_.get(); }
  std::size_t size() const noexcept { return size_; }
  // Bytes that may be written (excluding the padding).
  std::size_t capacity() const noexcept { return capacity_; }
  std::string_view view() const noexcept { return {data_.get(), size_}; }

  // Sets the used size; `size` must be <= capacity(). Re-zeroes the padding after it.
  void set_size(std::size_t size) noexcept;
  // Grows capacity to at least `capacity`, keeping the contents (for bodies of unknown length).
  void reserve(std::size_t capacity);

 private:
  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace sluice
