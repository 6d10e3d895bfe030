#include "sinks/kafka/delivery.hpp"

#include "sinks/kafka/error_mapping.hpp"

#include <algorithm>

namespace sluice::kafka {

namespace {

// Enough records for the share of a busy sink; beyond it records are freed rather than kept.
constexpr std::size_t kMaxPooled = 65'536;
// Payload buffers larger than this are released instead of being kept for reuse.
constexpr std::size_t kMaxPooledPayload = 64 * 1024;

}  // namespace

PendingPool::~PendingPool() {
  for (PendingRecord* pending : taking_) delete pending;
  for (PendingRecord* pending : giving_) delete pending;
  for (PendingRecord* pending : shared_) delete pending;
}

PendingRecord* PendingPool::take() {
  if (taking_.empty()) {
    std::lock_guard lock(mutex_);
    taking_.swap(shared_);
  }
  if (taking_.empty()) return new PendingRecord();
  PendingRecord* pending = taking_.back();
  taking_.pop_back();
  return pending;
}

void PendingPool::give(PendingRecord* pending) noexcept {
  pending->record = nullptr;
  if (pending->payload.capacity() > kMaxPooledPayload) {
    std::string().swap(pending->payload);
  } else {
    pending->payload.clear();
  }
  try {
    giving_.push_back(pending);
  } catch (...) {
    delete pending;
  }
}

void PendingPool::give_back() noexcept {
  if (giving_.empty()) return;
  std::lock_guard lock(mutex_);
  try {
    while (!giving_.empty() && shared_.size() < kMaxPooled) {
      shared_.push_back(giving_.back());
      giving_.pop_back();
    }
  } catch (...) {
  }
  for (PendingRecord* pending : giving_) delete pending;
  giving_.clear();
}

DeliveryTally::DeliveryTally(ComponentMetrics& metrics) : metrics_(metrics) {
  // The histogram does not expose its boundaries; its collected form does.
  for (const auto& bucket : metrics_.ack_latency_seconds.Collect().histogram.bucket) {
    bucket_bounds_.push_back(bucket.upper_bound);
  }
  buckets_.assign(bucket_bounds_.size(), 0.0);
}

void DeliveryTally::delivered(std::uint64_t bytes, std::chrono::steady_clock::duration latency) noexcept {
  ++events_;
  bytes_ += bytes;
  const double seconds = std::chrono::duration<double>(latency).count();
  latency_sum_ += seconds;
  const auto bucket = std::lower_bound(bucket_bounds_.begin(), bucket_bounds_.end(), seconds);
  if (bucket != bucket_bounds_.end()) buckets_[static_cast<std::size_t>(bucket - bucket_bounds_.begin())] += 1;
  dirty_ = true;
}

void DeliveryTally::failed(rd_kafka_resp_err_t error) {
  ErrorCount& count = errors_[static_cast<int>(error)];
  if (count.counter == nullptr) count.counter = &metrics_.error(kafka_error_label(error));
  ++count.pending;
  dirty_ = true;
}

void DeliveryTally::flush() {
  if (!dirty_) return;
  dirty_ = false;
  if (events_ != 0) {
    metrics_.events_out.Increment(static_cast<double>(events_));
    metrics_.bytes_out.Increment(static_cast<double>(bytes_));
    // ObserveMultiple wants one increment per finite boundary plus +Inf: exactly our buckets.
    metrics_.ack_latency_seconds.ObserveMultiple(buckets_, latency_sum_);
    std::fill(buckets_.begin(), buckets_.end(), 0.0);
    latency_sum_ = 0;
    events_ = 0;
    bytes_ = 0;
  }
  for (auto& [code, count] : errors_) {
    if (count.pending == 0) continue;
    count.counter->Increment(static_cast<double>(count.pending));
    count.pending = 0;
  }
}

bool LogLimiter::allow(std::uint64_t& suppressed) noexcept {
  const std::int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                               std::chrono::steady_clock::now().time_since_epoch())
                               .count();
  std::int64_t next = next_ns_.load(std::memory_order_relaxed);
  if (now < next || !next_ns_.compare_exchange_strong(
                        next, now + std::chrono::duration_cast<std::chrono::nanoseconds>(interval_).count(),
                        std::memory_order_relaxed)) {
    suppressed_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  suppressed = suppressed_.exchange(0, std::memory_order_relaxed);
  return true;
}

}  // namespace sluice::kafka
