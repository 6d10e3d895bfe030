#pragma once
// Book-keeping between producing a record and serving its delivery report.

#include <sluice/core/batch.hpp>
#include <sluice/core/telemetry.hpp>

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace sluice::kafka {

// The opaque of one produced message. Created by the drain thread, deleted by whoever serves its
// delivery report (the poll thread). `payload` holds the rendered value when the event had to be
// re-encoded: a sink's own storage, kept until the report, because the value goes to librdkafka
// without a copy and the batch's arena must not be written by sinks.
struct PendingRecord {
  OutRecord* record = nullptr;
  std::chrono::steady_clock::time_point produced_at;
  std::string payload;
};

// Recycles PendingRecords between the drain thread, which takes them, and whichever thread serves
// delivery reports, which gives them back: each side works on its own cache and swaps with the
// shared list in bulk, so neither allocates nor locks per record. Keeps the payload strings'
// capacity for re-rendering, up to a limit.
class PendingPool {
 public:
  PendingPool() = default;
  ~PendingPool();
  PendingPool(const PendingPool&) = delete;
  PendingPool& operator=(const PendingPool&) = delete;

  // Drain thread.
  PendingRecord* take();
  // Delivery-report thread; give_back() once per round makes the records available again.
  void give(PendingRecord* pending) noexcept;
  void give_back() noexcept;

 private:
  std::vector<PendingRecord*> taking_;  // drain thread only
  std::vector<PendingRecord*> giving_;  // delivery-report thread only
  std::mutex mutex_;
  std::vector<PendingRecord*> shared_;
};

// Counts outcomes locally and adds them to the shared metrics once per round (a poll or a drained
// bulk), so that the hot path touches no shared cache line per record. One per thread.
class DeliveryTally {
 public:
  explicit DeliveryTally(ComponentMetrics& metrics);

  void delivered(std::uint64_t bytes, std::chrono::steady_clock::duration latency) noexcept;
  void failed(rd_kafka_resp_err_t error);
  // Adds the counts gathered since the last flush to the metrics.
  void flush();

 private:
  ComponentMetrics& metrics_;
  std::vector<double> bucket_bounds_;  // upper bounds of ack_latency_seconds, +Inf last
  std::vector<double> buckets_;
  double latency_sum_ = 0;
  std::uint64_t events_ = 0;
  std::uint64_t bytes_ = 0;
  struct ErrorCount {
    prometheus::Counter* counter = nullptr;
    std::uint64_t pending = 0;
  };
  std::unordered_map<int, ErrorCount> errors_;
  bool dirty_ = false;
};

// At most one message per interval; counts what it held back. Thread-safe.
class LogLimiter {
 public:
  explicit LogLimiter(std::chrono::milliseconds interval) : interval_(interval) {}
  // True when the caller may log now; `suppressed` receives how many were held back since.
  bool allow(std::uint64_t& suppressed) noexcept;

 private:
  std::chrono::milliseconds interval_;
  std::atomic<std::int64_t> next_ns_{0};
  std::atomic<std::uint64_t> suppressed_{0};
};

}  // namespace sluice::kafka
