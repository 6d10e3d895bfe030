#include "id_set.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace sluice::bench {
namespace {

TEST(IdSet, InsertReportsDuplicates) {
  IdSet s;
  EXPECT_TRUE(s.insert({0, 0}));
  EXPECT_TRUE(s.insert({3, 1000}));
  EXPECT_FALSE(s.insert({3, 1000}));
  EXPECT_EQ(s.size(), 2u);
  EXPECT_TRUE(s.contains({3, 1000}));
  EXPECT_FALSE(s.contains({3, 999}));
  EXPECT_FALSE(s.contains({9, 0}));
}

TEST(IdSet, RangesCommonAndMerge) {
  IdSet acked;
  acked.insert_range(0, 0, 100);
  acked.insert_range(1, 50, 100);
  EXPECT_EQ(acked.size(), 200u);

  IdSet seen;
  seen.insert_range(0, 90, 20);  // 10 acked, 10 not
  seen.insert({1, 149});
  seen.insert({2, 0});
  EXPECT_EQ(acked.count_common(seen), 11u);
  EXPECT_EQ(seen.count_common(acked), 11u);

  IdSet merged;
  merged.merge(acked);
  merged.merge(seen);
  EXPECT_EQ(merged.size(), 200u + 10u + 1u);
}

TEST(IdSet, ForEachVisitsInOrder) {
  IdSet s;
  s.insert({1, 64});
  s.insert({0, 63});
  s.insert({0, 1});
  std::vector<EventKey> keys;
  s.for_each([&](EventKey k) { keys.push_back(k); });
  EXPECT_EQ(keys, (std::vector<EventKey>{{0, 1}, {0, 63}, {1, 64}}));
}

}  // namespace
}  // namespace sluice::bench
