#include "process_stats.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

namespace sluice::bench {
namespace {

TEST(ProcStat, ReadsUtimePlusStimeAfterAnAwkwardName) {
  // comm with a space and a ')' inside; utime=250 stime=50 ticks.
  const std::string stat =
      "4242 (sluice (w) x) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 9 0 100 1000000 500 ...";
  EXPECT_DOUBLE_EQ(*parse_proc_stat_cpu_seconds(stat, 100), 3.0);
  EXPECT_FALSE(parse_proc_stat_cpu_seconds("garbage", 100));
  EXPECT_FALSE(parse_proc_stat_cpu_seconds("1 (x) S 1 2", 100));
}

TEST(ProcStatus, ReadsKiBFields) {
  const std::string status = "Name:\tsluice\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nThreads:\t9\n";
  EXPECT_EQ(parse_proc_status_kib(status, "VmRSS"), 102400u);
  EXPECT_EQ(parse_proc_status_kib(status, "VmHWM"), 204800u);
  EXPECT_FALSE(parse_proc_status_kib(status, "VmSwap"));
  EXPECT_FALSE(parse_proc_status_kib(status, "Vm"));
}

TEST(ProcSample, ReadsOurselves) {
  const auto s = read_proc_sample(static_cast<int>(getpid()));
  ASSERT_TRUE(s);
  EXPECT_GT(s->rss_bytes, 0u);
  EXPECT_GE(s->hwm_bytes, s->rss_bytes);
}

}  // namespace
}  // namespace sluice::bench
