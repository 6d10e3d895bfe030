#include <sluice/core/thread_name.hpp>

#include <pthread.h>

#include <algorithm>
#include <array>

namespace sluice {

void name_this_thread(std::string_view name) noexcept {
  std::array<char, 16> buffer{};  // 15 bytes and the terminator: the kernel's limit
  const std::size_t length = std::min(name.size(), buffer.size() - 1);
  std::copy_n(name.data(), length, buffer.data());
  pthread_setname_np(pthread_self(), buffer.data());  // fails only on a too-long name: cut above
}

}  // namespace sluice
