#include "latency.hpp"

#include <algorithm>
#include <cmath>
#include <boost/histogram.hpp>

namespace sluice::bench {
namespace bh = boost::histogram;

namespace {
using LogAxis = bh::axis::regular<double, bh::axis::transform::log>;
using Histogram = decltype(bh::make_histogram_with(bh::dense_storage<std::uint64_t>(),
                                                   LogAxis(LatencyHistogram::kBins, LatencyHistogram::kMinMicros,
                                                           LatencyHistogram::kMaxMicros)));
}  // namespace

struct LatencyHistogram::Impl {
  Histogram h = bh::make_histogram_with(bh::dense_storage<std::uint64_t>(), LogAxis(kBins, kMinMicros, kMaxMicros));
};

LatencyHistogram::LatencyHistogram() : impl_(std::make_unique<Impl>()) {}
LatencyHistogram::~LatencyHistogram() = default;
LatencyHistogram::LatencyHistogram(LatencyHistogram&&) noexcept = default;
LatencyHistogram& LatencyHistogram::operator=(LatencyHistogram&&) noexcept = default;
LatencyHistogram::LatencyHistogram(const LatencyHistogram& other)
    : impl_(std::make_unique<Impl>(*other.impl_)), count_(other.count_), min_(other.min_), max_(other.max_), sum_(other.sum_) {}
LatencyHistogram& LatencyHistogram::operator=(const LatencyHistogram& other) {
  if (this != &other) *this = LatencyHistogram(other);
  return *this;
}

void LatencyHistogram::record_micros(double micros) {
  if (!(micros >= 0.0)) micros = 0.0;  // also catches NaN
  impl_->h(micros);
  min_ = count_ ? std::min(min_, micros) : micros;
  max_ = count_ ? std::max(max_, micros) : micros;
  sum_ += micros;
  ++count_;
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  impl_->h += other.impl_->h;
  min_ = count_ ? std::min(min_, other.min_) : other.min_;
  max_ = count_ ? std::max(max_, other.max_) : other.max_;
  sum_ += other.sum_;
  count_ += other.count_;
}

double LatencyHistogram::percentile(double q) const {
  if (count_ == 0) return 0.0;
  q = std::clamp(q, 0.0, 1.0);
  // The rank of the wanted sample (1-based); ceil so p100 is the last sample and p0 the first.
  const double rank = std::max(1.0, std::ceil(q * static_cast<double>(count_)));
  double seen = 0.0;
  // Bounded by the axis size plus the two flow bins.
  for (auto&& cell : bh::indexed(impl_->h, bh::coverage::all)) {
    const double n = static_cast<double>(*cell);
    if (n == 0.0) continue;
    if (seen + n >= rank) {
      const int idx = cell.index();
      if (idx < 0) return min_;                            // underflow: below 1 µs
      if (idx >= static_cast<int>(kBins)) return max_;     // overflow: above 60 s
      // Log-linear interpolation inside the bin, matching the axis' own spacing.
      const double lo = cell.bin().lower();
      const double hi = cell.bin().upper();
      const double frac = (rank - seen) / n;
      const double v = lo * std::pow(hi / lo, frac);
      return std::clamp(v, min_, max_);
    }
    seen += n;
  }
  return max_;
}

}  // namespace sluice::bench
