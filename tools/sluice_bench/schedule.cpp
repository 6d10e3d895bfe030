#include "schedule.hpp"

namespace sluice::bench {

Schedule::Schedule(const LoadPlan& plan, std::uint64_t events_per_request, Clock::time_point start)
    : start_(start),
      measure_start_(start + std::chrono::duration_cast<Clock::duration>(plan.warmup)),
      max_requests_(plan.requests) {
  const Seconds run = plan.duration ? plan.warmup + *plan.duration : plan.max_run_time;
  deadline_ = start + std::chrono::duration_cast<Clock::duration>(std::min(run, plan.max_run_time));
  if (plan.rate > 0) {
    interval_ = std::chrono::duration_cast<Clock::duration>(Seconds(static_cast<double>(events_per_request) / plan.rate));
    if (interval_.count() <= 0) interval_ = Clock::duration(1);
  }
}

bool Schedule::over(Clock::time_point now) const {
  return stopped_.load(std::memory_order_relaxed) || now >= deadline_ ||
         (max_requests_ && next_.load(std::memory_order_relaxed) >= *max_requests_);
}

std::optional<Clock::time_point> Schedule::claim() {
  const Clock::time_point now = Clock::now();
  if (stopped_.load(std::memory_order_relaxed) || now >= deadline_) return std::nullopt;
  const std::uint64_t k = next_.fetch_add(1, std::memory_order_relaxed);
  if (max_requests_ && k >= *max_requests_) return std::nullopt;
  if (!paced()) return now;
  const Clock::time_point due = start_ + interval_ * static_cast<Clock::rep>(k);
  if (due >= deadline_) return std::nullopt;
  return due;
}

}  // namespace sluice::bench
