#include "config/units.hpp"

#include <gtest/gtest.h>

namespace sluice {
namespace {

using namespace std::chrono_literals;

TEST(Units, Durations) {
  EXPECT_EQ(parse_duration("250ms"), 250ms);
  EXPECT_EQ(parse_duration("10s"), 10s);
  EXPECT_EQ(parse_duration("1.5s"), 1500ms);
  EXPECT_EQ(parse_duration("2m"), 2min);
  EXPECT_EQ(parse_duration("1h"), 1h);
  EXPECT_EQ(parse_duration("42"), 42ms);
  EXPECT_FALSE(parse_duration("10 parsecs"));
  EXPECT_FALSE(parse_duration("s"));
  EXPECT_FALSE(parse_duration(""));
}

TEST(Units, Bytes) {
  EXPECT_EQ(parse_bytes("512"), 512u);
  EXPECT_EQ(parse_bytes("64KiB"), 65536u);
  EXPECT_EQ(parse_bytes("4MiB"), 4u << 20);
  EXPECT_EQ(parse_bytes("1GiB"), 1u << 30);
  EXPECT_EQ(parse_bytes("10KB"), 10'000u);
  EXPECT_FALSE(parse_bytes("4 MiBs"));
  EXPECT_FALSE(parse_bytes("lots"));
}

}  // namespace
}  // namespace sluice
