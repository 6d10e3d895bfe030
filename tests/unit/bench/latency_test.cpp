#include "latency.hpp"

#include <gtest/gtest.h>

namespace sluice::bench {
namespace {

// Bins are ~0.9 % wide; interpolation keeps the error well inside that.
constexpr double kTolerance = 0.01;

TEST(Latency, EmptyIsZero) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.percentile(0.5), 0.0);
  EXPECT_EQ(h.max_micros(), 0.0);
}

TEST(Latency, UniformPercentiles) {
  LatencyHistogram h;
  for (int us = 1; us <= 100000; ++us) h.record_micros(us);
  EXPECT_EQ(h.count(), 100000u);
  EXPECT_NEAR(h.percentile(0.5), 50000, 50000 * kTolerance);
  EXPECT_NEAR(h.percentile(0.99), 99000, 99000 * kTolerance);
  EXPECT_NEAR(h.percentile(0.999), 99900, 99900 * kTolerance);
  EXPECT_EQ(h.percentile(1.0), 100000);
  EXPECT_EQ(h.max_micros(), 100000);
  EXPECT_EQ(h.min_micros(), 1);
  EXPECT_NEAR(h.mean_micros(), 50000.5, 1e-6);
}

TEST(Latency, SkewedTailAndChrono) {
  LatencyHistogram h;
  for (int i = 0; i < 990; ++i) h.record(std::chrono::microseconds(200));
  for (int i = 0; i < 10; ++i) h.record(std::chrono::milliseconds(50));
  EXPECT_NEAR(h.percentile(0.5), 200, 200 * kTolerance);
  EXPECT_NEAR(h.percentile(0.99), 200, 200 * kTolerance);
  EXPECT_NEAR(h.percentile(0.995), 50000, 50000 * kTolerance);
  EXPECT_DOUBLE_EQ(h.max_micros(), 50000);
}

TEST(Latency, OutOfRangeSamplesAreClamped) {
  LatencyHistogram h;
  h.record_micros(0.2);
  h.record_micros(120e6);  // two minutes: above the axis
  EXPECT_DOUBLE_EQ(h.percentile(0.0), 0.2);
  EXPECT_DOUBLE_EQ(h.percentile(1.0), 120e6);
  EXPECT_DOUBLE_EQ(h.percentile(0.5), 0.2);
}

TEST(Latency, MergeEqualsRecordingTogether) {
  LatencyHistogram a;
  LatencyHistogram b;
  LatencyHistogram both;
  for (int i = 1; i <= 1000; ++i) {
    (i % 2 ? a : b).record_micros(i * 10.0);
    both.record_micros(i * 10.0);
  }
  a.merge(b);
  EXPECT_EQ(a.count(), both.count());
  for (const double q : {0.1, 0.5, 0.9, 0.99, 0.999}) EXPECT_DOUBLE_EQ(a.percentile(q), both.percentile(q));
  EXPECT_DOUBLE_EQ(a.min_micros(), 10);
  EXPECT_DOUBLE_EQ(a.max_micros(), 10000);

  const LatencyHistogram copy = a;  // copies are deep
  a.record_micros(1e6);
  EXPECT_EQ(copy.count(), both.count());
}

}  // namespace
}  // namespace sluice::bench
