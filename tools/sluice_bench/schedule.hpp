#pragma once
// Hands out request slots to the connections of a load mode: it enforces the run's bounds (request
// count, deadline, a stop request) and, when a rate is set, open-loop pacing: slot k is due at
// start + k * interval whatever happened to earlier slots, so a slow answer makes later requests
// late (and their latency, measured from the slot, shows it) instead of silently lowering the
// offered load (coordinated omission).
//
// Thread-safe: claim() may be called from any connection's thread.

#include <atomic>
#include <cstdint>
#include <optional>

#include "load_plan.hpp"

namespace sluice::bench {

class Schedule {
 public:
  // `events_per_request` turns the plan's event rate into a request rate.
  Schedule(const LoadPlan& plan, std::uint64_t events_per_request, Clock::time_point start);

  // The next slot's due time (the claim time itself when unpaced), or nullopt once the run is
  // over. A slot is never handed out twice.
  std::optional<Clock::time_point> claim();

  // Ends the run early (SIGINT); connections finish their current request.
  void stop() { stopped_.store(true, std::memory_order_relaxed); }
  bool over(Clock::time_point now) const;

  bool paced() const { return interval_.count() > 0; }
  Clock::time_point start() const { return start_; }
  Clock::time_point measure_start() const { return measure_start_; }
  // When new requests stop (warm-up + duration, or max_run_time for count-bounded runs).
  Clock::time_point deadline() const { return deadline_; }

 private:
  Clock::time_point start_;
  Clock::time_point measure_start_;
  Clock::time_point deadline_;
  Clock::duration interval_{0};
  std::optional<std::uint64_t> max_requests_;
  std::atomic<std::uint64_t> next_{0};
  std::atomic<bool> stopped_{false};
};

}  // namespace sluice::bench
