#pragma once
// Lets a warning through at most once per interval, counting the ones held back, so that a
// misbehaving client or a full budget cannot flood the log. Thread-safe, lock-free.

#include <atomic>
#include <chrono>
#include <cstdint>

namespace sluice {

class RateLimitedLog {
 public:
  explicit RateLimitedLog(std::chrono::steady_clock::duration interval) : interval_(interval.count()) {}

  // True when the caller may log now; `suppressed` is then how many were held back since.
  bool allow(std::uint64_t& suppressed) noexcept {
    const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    auto next = next_.load(std::memory_order_relaxed);
    if (now < next || !next_.compare_exchange_strong(next, now + interval_, std::memory_order_relaxed)) {
      suppressed_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    suppressed = suppressed_.exchange(0, std::memory_order_relaxed);
    return true;
  }

 private:
  const std::chrono::steady_clock::rep interval_;
  std::atomic<std::chrono::steady_clock::rep> next_{0};
  std::atomic<std::uint64_t> suppressed_{0};
};

}  // namespace sluice
