#include "schedule.hpp"

#include <gtest/gtest.h>

namespace sluice::bench {
namespace {

TEST(Schedule, PacedSlotsAreEvenlySpacedFromTheStart) {
  LoadPlan plan;
  plan.rate = 1000;  // events/s at 10 events/request: one request every 10 ms
  plan.duration = Seconds(10);
  const Clock::time_point start = Clock::now();
  Schedule s(plan, 10, start);
  ASSERT_TRUE(s.paced());
  for (int k = 0; k < 5; ++k) {
    const auto due = s.claim();
    ASSERT_TRUE(due);
    EXPECT_EQ(*due - start, std::chrono::milliseconds(10) * k);
  }
}

TEST(Schedule, StopsAtTheRequestLimit) {
  LoadPlan plan;
  plan.requests = 3;
  Schedule s(plan, 1, Clock::now());
  EXPECT_TRUE(s.claim());
  EXPECT_TRUE(s.claim());
  EXPECT_TRUE(s.claim());
  EXPECT_FALSE(s.claim());
  EXPECT_TRUE(s.over(Clock::now()));
}

TEST(Schedule, PacedSlotsEndAtTheDeadline) {
  LoadPlan plan;
  plan.rate = 1;  // one request per second
  plan.duration = Seconds(2.5);
  plan.warmup = Seconds(0.5);
  const Clock::time_point start = Clock::now();
  Schedule s(plan, 1, start);
  EXPECT_EQ(s.measure_start() - start, std::chrono::milliseconds(500));
  int slots = 0;
  while (s.claim() && slots < 100) ++slots;
  EXPECT_EQ(slots, 3);  // at 0, 1 and 2 s; 3 s is the deadline
}

TEST(Schedule, StopEndsTheRun) {
  LoadPlan plan;
  plan.duration = Seconds(60);
  Schedule s(plan, 1, Clock::now());
  EXPECT_TRUE(s.claim());
  s.stop();
  EXPECT_FALSE(s.claim());
}

}  // namespace
}  // namespace sluice::bench
