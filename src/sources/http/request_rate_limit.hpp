#pragma once
// max_requests_per_second of one HTTP source: a token bucket holding one second's worth of
// requests (at least one), kept as a single "theoretical arrival time" (GCRA) so that every io
// thread can take from it with one compare-and-swap, no lock. Thread-safe.

#include <atomic>
#include <chrono>
#include <cstdint>

namespace sluice {

class RequestRateLimit {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RequestRateLimit(double requests_per_second);

  // Takes one request's token. When none is left, returns false and sets `retry_after_seconds`
  // to when the next one will be there (rounded up, at least 1).
  bool try_take(std::uint32_t& retry_after_seconds, Clock::time_point now = Clock::now()) noexcept;

 private:
  const std::int64_t interval_ns_;   // one request's share of a second
  const std::int64_t tolerance_ns_;  // how far ahead of schedule a burst may run
  std::atomic<std::int64_t> next_ns_{0};  // theoretical arrival time of the next request
};

}  // namespace sluice
