#include <sluice/core/arena.hpp>

#include <cstring>

namespace sluice {

std::string_view Arena::copy(std::string_view text) {
  if (text.empty()) return {};
  char* bytes = allocate(text.size());
  std::memcpy(bytes, text.data(), text.size());
  return {bytes, text.size()};
}

char* Arena::allocate(std::size_t size) {
  return static_cast<char*>(resource_.allocate(size == 0 ? 1 : size, 1));
}

}  // namespace sluice
