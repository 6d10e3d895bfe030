#pragma once
// Latency recording for the bench: a Boost.Histogram with a logarithmic axis from 1 µs to 60 s
// (about 0.9 % relative bin width, so percentiles are good to ~1 % anywhere in the range), plus the
// exact minimum, maximum and sum that a histogram cannot give.
//
// Not thread-safe: one recorder per connection, merged after the run.

#include <chrono>
#include <cstdint>
#include <memory>

namespace sluice::bench {

class LatencyHistogram {
 public:
  static constexpr double kMinMicros = 1.0;
  static constexpr double kMaxMicros = 60e6;
  static constexpr unsigned kBins = 2000;

  LatencyHistogram();
  ~LatencyHistogram();
  LatencyHistogram(LatencyHistogram&&) noexcept;
  LatencyHistogram& operator=(LatencyHistogram&&) noexcept;
  LatencyHistogram(const LatencyHistogram&);
  LatencyHistogram& operator=(const LatencyHistogram&);

  void record_micros(double micros);
  void record(std::chrono::steady_clock::duration d) {
    record_micros(std::chrono::duration<double, std::micro>(d).count());
  }
  void merge(const LatencyHistogram& other);

  std::uint64_t count() const { return count_; }
  double min_micros() const { return count_ ? min_ : 0.0; }
  double max_micros() const { return count_ ? max_ : 0.0; }
  double mean_micros() const { return count_ ? sum_ / static_cast<double>(count_) : 0.0; }
  // The q-quantile (0 <= q <= 1) in µs, interpolated inside its bin and clamped to the exact
  // min/max; 0 when empty. Samples above 60 s count as the maximum.
  double percentile(double q) const;

 private:
  struct Impl;  // keeps Boost.Histogram out of every includer
  std::unique_ptr<Impl> impl_;
  std::uint64_t count_ = 0;
  double min_ = 0.0;
  double max_ = 0.0;
  double sum_ = 0.0;
};

}  // namespace sluice::bench
