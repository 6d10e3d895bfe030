#include "stages/filter/cesql/like_pattern.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sluice::cesql {
namespace {

bool like(std::string_view text, std::string_view pattern) { return LikePattern::compile(pattern).match(text); }

TEST(CesqlLike, ExactAndEmpty) {
  EXPECT_TRUE(like("", ""));
  EXPECT_FALSE(like("a", ""));
  EXPECT_FALSE(like("", "a"));
  EXPECT_TRUE(like("abc", "abc"));
  EXPECT_FALSE(like("abc", "abC"));
  EXPECT_FALSE(like("abcd", "abc"));
}

TEST(CesqlLike, Percent) {
  EXPECT_TRUE(like("", "%"));
  EXPECT_TRUE(like("anything", "%"));
  EXPECT_TRUE(like("", "%%"));
  EXPECT_TRUE(like("org.apache.cloudstack.vm", "org.apache.cloudstack.%"));
  EXPECT_FALSE(like("org.apache.cloudstac", "org.apache.cloudstack.%"));
  EXPECT_TRUE(like("com.github.error", "%.error"));
  EXPECT_TRUE(like("xaby", "%ab%"));
  EXPECT_TRUE(like("aXbXc", "a%b%c"));
  EXPECT_FALSE(like("aXbXcX", "a%b%c"));
  // The last segment must not overlap the first.
  EXPECT_FALSE(like("ab", "ab%b"));
  EXPECT_TRUE(like("abb", "ab%b"));
  EXPECT_FALSE(like("aba", "a%ba%a"));
  // Greedy leftmost matching of middle segments still finds later tails.
  EXPECT_TRUE(like("abcabcabd", "%abc%abd"));
  EXPECT_TRUE(like("mississippi", "m%iss%ppi"));
}

TEST(CesqlLike, Underscore) {
  EXPECT_TRUE(like("a", "_"));
  EXPECT_FALSE(like("", "_"));
  EXPECT_FALSE(like("ab", "_"));
  EXPECT_TRUE(like("azbzc", "a_b_c"));
  EXPECT_TRUE(like("\xC3\xA9", "_"));       // one two-byte character
  EXPECT_TRUE(like("\xF0\x9F\x98\x80", "_"));  // one four-byte character
  EXPECT_FALSE(like("\xC3\xA9\xC3\xA9", "_"));
  EXPECT_TRUE(like("x\xC3\xA9y", "%_y"));
  EXPECT_TRUE(like("x\xC3\xA9y", "x_%"));
  EXPECT_TRUE(like("ab\xC3\xA9", "%b_"));
  EXPECT_FALSE(like("ab\xC3\xA9", "%b__"));
  EXPECT_TRUE(like("abcd", "_%_"));
  EXPECT_TRUE(like("ab", "_%_"));
  EXPECT_FALSE(like("a", "_%_"));
  EXPECT_TRUE(like("axxbyc", "%_b_c"));
}

TEST(CesqlLike, Escapes) {
  EXPECT_TRUE(like("a%b", "a\\%b"));
  EXPECT_FALSE(like("axb", "a\\%b"));
  EXPECT_TRUE(like("a_b", "a\\_b"));
  EXPECT_FALSE(like("axb", "a\\_b"));
  // A backslash before anything else is itself.
  EXPECT_TRUE(like("a\\b", "a\\b"));
  EXPECT_TRUE(like("a\\", "a\\"));
  EXPECT_TRUE(like("a\\\\", "a\\\\"));
  EXPECT_TRUE(like("100%", "%\\%"));
  EXPECT_FALSE(like("100", "%\\%"));
}

TEST(CesqlLike, NulBytesAreOrdinaryCharacters) {
  // `_` is stored as a NUL placeholder internally; a literal NUL must not act as one.
  EXPECT_TRUE(like(std::string_view("a\0b", 3), std::string_view("a\0b", 3)));
  EXPECT_FALSE(like("axb", std::string_view("a\0b", 3)));
  EXPECT_TRUE(like(std::string_view("a\0b", 3), "a_b"));
}

TEST(CesqlLike, PathologicalPatternsStayFast) {
  // Segment-wise matching is polynomial; backtracking regexes would explode here.
  const std::string text(20000, 'a');
  EXPECT_FALSE(like(text, "%a%a%a%a%a%a%a%a%b"));
  EXPECT_TRUE(like(text, "%a%a%a%a%a%a%a%a%a"));
  EXPECT_FALSE(like(text, "%_a_a_a_a_a_a_b%"));
}

}  // namespace
}  // namespace sluice::cesql
