#pragma once
// Owned strings for a batch: decoded escapes, base64 data, rendered topics and keys.

#include <memory_resource>
#include <string_view>

namespace sluice {

// Monotonic: memory is released all at once with the batch. Not thread-safe: only the worker that
// decodes and routes a batch writes to it.
class Arena {
 public:
  Arena() : resource_(initial_, sizeof(initial_)) {}
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  // Copies `text` into the arena and returns a view of the copy.
  std::string_view copy(std::string_view text);
  // Returns `size` writable bytes that live as long as the arena.
  char* allocate(std::size_t size);

 private:
  alignas(std::max_align_t) char initial_[1024];
  std::pmr::monotonic_buffer_resource resource_;
};

}  // namespace sluice
