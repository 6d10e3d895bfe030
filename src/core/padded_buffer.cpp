#include <sluice/core/padded_buffer.hpp>

#include <algorithm>
#include <cstring>

namespace sluice {

PaddedBuffer::PaddedBuffer(std::size_t capacity)
    // Uninitialised on purpose: bodies are large and are written in full by the reader.
    : data_(new char[capacity + kInputPadding]), capacity_(capacity) {
  std::memset(data_.get(), 0, kInputPadding);
  std::memset(data_.get() + capacity, 0, kInputPadding);
}

PaddedBuffer PaddedBuffer::copy_of(std::string_view bytes) {
  PaddedBuffer buffer(bytes.size());
  if (!bytes.empty()) std::memcpy(buffer.data(), bytes.data(), bytes.size());
  buffer.set_size(bytes.size());
  return buffer;
}

void PaddedBuffer::set_size(std::size_t size) noexcept {
  size_ = std::min(size, capacity_);
  std::memset(data_.get() + size_, 0, kInputPadding);
}

void PaddedBuffer::reserve(std::size_t capacity) {
  if (capacity <= capacity_ && data_) return;
  std::unique_ptr<char[]> bigger(new char[capacity + kInputPadding]);
  if (size_ > 0) std::memcpy(bigger.get(), data_.get(), size_);
  std::memset(bigger.get() + size_, 0, kInputPadding);
  data_ = std::move(bigger);
  capacity_ = capacity;
}

}  // namespace sluice
