#include "sources/http/request_rate_limit.hpp"

#include <algorithm>
#include <cmath>

namespace sluice {
namespace {

constexpr double kNanosecondsPerSecond = 1e9;

std::int64_t burst_of(double requests_per_second) {
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(requests_per_second)));
}

}  // namespace

RequestRateLimit::RequestRateLimit(double requests_per_second)
    : interval_ns_(std::max<std::int64_t>(1, static_cast<std::int64_t>(kNanosecondsPerSecond / requests_per_second))),
      tolerance_ns_(interval_ns_ * (burst_of(requests_per_second) - 1)) {}

bool RequestRateLimit::try_take(std::uint32_t& retry_after_seconds, Clock::time_point now) noexcept {
  const std::int64_t now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  std::int64_t next = next_ns_.load(std::memory_order_relaxed);
  for (;;) {
    const std::int64_t earliest = next - tolerance_ns_;
    if (now_ns < earliest) {
      const std::int64_t wait_ns = earliest - now_ns;
      retry_after_seconds = static_cast<std::uint32_t>(
          std::max<std::int64_t>(1, (wait_ns + static_cast<std::int64_t>(kNanosecondsPerSecond) - 1) /
                                        static_cast<std::int64_t>(kNanosecondsPerSecond)));
      return false;
    }
    const std::int64_t updated = std::max(next, now_ns) + interval_ns_;
    if (next_ns_.compare_exchange_weak(next, updated, std::memory_order_relaxed)) return true;
  }
}

}  // namespace sluice
