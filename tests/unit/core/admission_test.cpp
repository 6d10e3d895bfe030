#include <sluice/core/admission.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace sluice {
namespace {

TEST(Admission, GrantsUntilTheByteBudgetIsSpent) {
  Admission admission(1000, 100);
  auto first = admission.try_acquire(600);
  ASSERT_TRUE(first);
  EXPECT_EQ(admission.bytes_in_use(), 600u);
  EXPECT_FALSE(admission.try_acquire(500));
  auto second = admission.try_acquire(400);
  ASSERT_TRUE(second);
  EXPECT_EQ(admission.free_bytes(), 0u);
}

TEST(Admission, LeaseReleasesOnDestructionAndMove) {
  Admission admission(1000, 100);
  {
    auto lease = admission.try_acquire(1000);
    ASSERT_TRUE(lease);
    AdmissionLease moved = std::move(*lease);
    EXPECT_EQ(admission.bytes_in_use(), 1000u);
  }
  EXPECT_EQ(admission.bytes_in_use(), 0u);
}

TEST(Admission, RequestLargerThanTheWholeBudgetIsRefused) {
  Admission admission(1000, 100);
  EXPECT_FALSE(admission.try_acquire(1001));
  EXPECT_EQ(admission.bytes_in_use(), 0u);
}

TEST(Admission, EventBudgetIsSeparateFromBytes) {
  Admission admission(1000, 10);
  auto lease = admission.try_acquire(10);
  ASSERT_TRUE(lease);
  EXPECT_TRUE(lease->try_add_events(8));
  EXPECT_FALSE(lease->try_add_events(3));
  EXPECT_EQ(admission.events_in_use(), 8u);
  lease->release();
  EXPECT_EQ(admission.events_in_use(), 0u);
  EXPECT_EQ(admission.bytes_in_use(), 0u);
}

TEST(Admission, EventsAlsoChargeTheirOverheadToTheByteBudget) {
  Admission admission(10'000, 100, 1'000);
  auto lease = admission.try_acquire(2'000);
  ASSERT_TRUE(lease);
  EXPECT_TRUE(lease->try_add_events(5));  // 2,000 + 5 x 1,000
  EXPECT_EQ(admission.bytes_in_use(), 7'000u);
  EXPECT_FALSE(lease->try_add_events(4));  // would need 4,000 more bytes
  EXPECT_EQ(admission.events_in_use(), 5u);  // the refused events were given back
  EXPECT_EQ(admission.bytes_in_use(), 7'000u);
  lease->release();
  EXPECT_EQ(admission.bytes_in_use(), 0u);
  EXPECT_EQ(admission.events_in_use(), 0u);
}

TEST(Admission, WaiterIsWokenWhenBudgetIsReleased) {
  Admission admission(100, 10);
  auto lease = admission.try_acquire(100);
  ASSERT_TRUE(lease);
  std::atomic<int> woken{0};
  admission.notify_when_free([&] { ++woken; });
  EXPECT_EQ(woken.load(), 0);
  lease->release();
  EXPECT_EQ(woken.load(), 1);
  // Waiters are called once.
  auto again = admission.try_acquire(10);
  again->release();
  EXPECT_EQ(woken.load(), 1);
}

TEST(Admission, WaiterRegisteredWhileBudgetIsFreeIsWokenAtOnce) {
  Admission admission(100, 10);
  std::atomic<int> woken{0};
  admission.notify_when_free([&] { ++woken; });
  EXPECT_EQ(woken.load(), 1);
}

TEST(Admission, ConcurrentAcquireNeverOvercommits) {
  Admission admission(10'000, 1'000'000);
  std::atomic<std::uint64_t> peak{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20'000; ++i) {
        if (auto lease = admission.try_acquire(100)) {
          std::uint64_t used = admission.bytes_in_use();
          std::uint64_t seen = peak.load();
          while (used > seen && !peak.compare_exchange_weak(seen, used)) {
          }
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_LE(peak.load(), 10'000u);
  EXPECT_EQ(admission.bytes_in_use(), 0u);
}

}  // namespace
}  // namespace sluice
