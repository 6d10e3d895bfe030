#include "sources/http/request_rate_limit.hpp"

#include <gtest/gtest.h>

namespace sluice {
namespace {

using namespace std::chrono_literals;
using Clock = RequestRateLimit::Clock;

TEST(RequestRateLimit, BurstOfOneSecondThenTheRate) {
  RequestRateLimit limit(4);  // bursts of 4, then one every 250 ms
  const Clock::time_point start = Clock::now();
  std::uint32_t retry_after = 0;
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(limit.try_take(retry_after, start)) << i;
  EXPECT_FALSE(limit.try_take(retry_after, start));
  EXPECT_EQ(retry_after, 1u);
  EXPECT_FALSE(limit.try_take(retry_after, start + 200ms));  // refusals take nothing
  EXPECT_TRUE(limit.try_take(retry_after, start + 250ms));
  EXPECT_FALSE(limit.try_take(retry_after, start + 260ms));
  EXPECT_TRUE(limit.try_take(retry_after, start + 500ms));
  // After a quiet while the whole burst is back, never more.
  const Clock::time_point later = start + 10s;
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(limit.try_take(retry_after, later)) << i;
  EXPECT_FALSE(limit.try_take(retry_after, later));
}

TEST(RequestRateLimit, SlowRatesSayHowLongToWait) {
  RequestRateLimit limit(0.25);  // one every 4 s, bursts of one
  const Clock::time_point start = Clock::now();
  std::uint32_t retry_after = 0;
  EXPECT_TRUE(limit.try_take(retry_after, start));
  EXPECT_FALSE(limit.try_take(retry_after, start + 500ms));
  EXPECT_EQ(retry_after, 4u);  // 3.5 s rounded up
  EXPECT_FALSE(limit.try_take(retry_after, start + 3900ms));
  EXPECT_EQ(retry_after, 1u);
  EXPECT_TRUE(limit.try_take(retry_after, start + 4s));
}

}  // namespace
}  // namespace sluice
