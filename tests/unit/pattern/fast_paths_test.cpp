// The matcher's fast paths must agree with the plain definitions: raw key comparison in words
// (keys around the 8- and 16-byte boundaries, escaped keys, long keys), ASCII case folding eight
// bytes at a time, IPv4-first address parsing, hashing of short values, and the small-count sort.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "pattern_test_util.hpp"

namespace sluice::pattern::testing {
namespace {

using Ids = std::vector<std::uint32_t>;

Ids match_all(const PatternSet& set, std::string_view event) {
  FilterContext context;
  Ids matched;
  EXPECT_TRUE(set.match_json(event, Padding::absent, context, matched)) << event;
  return matched;
}

std::string key_of_length(std::size_t length, char last) {
  std::string key;
  for (std::size_t i = 0; i + 1 < length; ++i) key.push_back(static_cast<char>('a' + i % 26));
  if (length > 0) key.push_back(last);
  return key;
}

TEST(PatternFastPaths, KeysOfEveryLengthAroundTheWordBoundaries) {
  // One object whose fields have names of 0 to 24 bytes; each rule names one of them.
  PatternSet set;
  for (std::uint32_t length = 0; length <= 24; ++length) {
    set.add(length, R"({")" + key_of_length(length, 'Z') + R"(": [1]})");
  }
  for (std::uint32_t length = 0; length <= 24; ++length) {
    const std::string key = key_of_length(length, 'Z');
    EXPECT_EQ(match_all(set, R"({")" + key + R"(": 1})"), Ids{length}) << key;
    // Same length, last byte different; one byte shorter or longer: no rule.
    if (length > 0) {
      EXPECT_EQ(match_all(set, R"({")" + key_of_length(length, 'Y') + R"(": 1})"), Ids{}) << key;
    }
    if (length > 1) {
      EXPECT_EQ(match_all(set, R"({")" + key.substr(0, length - 1) + R"(": 1})"), Ids{}) << key;
    }
    EXPECT_EQ(match_all(set, R"({")" + key + R"(Q": 1})"), Ids{}) << key;
  }
  // Keys at the very end of the text (the 16-byte read runs into the padding).
  EXPECT_EQ(match_all(set, R"({"x":0,")" + key_of_length(3, 'Z') + R"(":1})"), Ids{3});
}

TEST(PatternFastPaths, EscapedKeysMatchTheirUnescapedNames) {
  PatternSet set;
  set.add(1, R"({"Vm": {"Name": ["a"]}})");
  set.add(2, R"({"ComputeResource": ["b"]})");               // 15 bytes, the longest short name
  set.add(3, R"({"FullFormattedMessage": ["c"]})");          // long name beside short ones
  set.add(4, R"({"quo\"te": ["d"], "back\\slash": ["e"]})");  // names that only exist escaped
  EXPECT_EQ(match_all(set, R"({"V\u006d": {"N\u0061me": "a"}})"), Ids{1});
  EXPECT_EQ(match_all(set, R"({"ComputeResourc\u0065": "b"})"), Ids{2});
  EXPECT_EQ(match_all(set, R"({"\u0043omputeResource": "b"})"), Ids{2});
  EXPECT_EQ(match_all(set, R"({"FullFormattedMessage": "c"})"), Ids{3});
  EXPECT_EQ(match_all(set, R"({"FullFormattedMessag\u0065": "c"})"), Ids{3});
  EXPECT_EQ(match_all(set, R"({"FullFormattedMessages": "c"})"), Ids{});
  EXPECT_EQ(match_all(set, R"({"quo\"te": "d", "back\\slash": "e"})"), Ids{4});
  // A backslash right after a short key (in its value) does not hide the key.
  EXPECT_EQ(match_all(set, R"({"Vm":{"Name":"a"},"x":"\\\\"})"), Ids{1});
  EXPECT_EQ(match_all(set, R"({"Vm":{"Name":"\u0061"}})"), Ids{1});
}

TEST(PatternFastPaths, LongKeysOnlyWhereAPatternHasOne) {
  // Without long names at a level, a key of 16 bytes or more is skipped unmeasured; with one, it
  // is compared in full.
  PatternSet set;
  set.add(1, R"({"short": [1], "nested": {"averyveryverylongname": [2]}})");
  EXPECT_EQ(match_all(set, R"({"averyveryverylongname": 2, "short": 1, "nested": {"averyveryverylongname": 2}})"),
            Ids{1});
  EXPECT_EQ(match_all(set, R"({"short": 1, "nested": {"averyveryverylongnamf": 2}})"), Ids{});
}

TEST(PatternFastPaths, AsciiCaseFoldingAcrossWordBoundaries) {
  // '@' and '[' border 'A'..'Z', '`' and '{' border 'a'..'z': only letters fold.
  const std::string pattern = R"({"s": [{"equals-ignore-case": "ab@[cdefgh`{ijklmnopq"}]})";
  EXPECT_TRUE(matches(pattern, R"({"s": "AB@[CDEFGH`{IJKLMNOPQ"})"));
  EXPECT_TRUE(matches(pattern, R"({"s": "ab@[cdefgh`{ijklmnopq"})"));
  EXPECT_FALSE(matches(pattern, R"({"s": "ab`{cdefgh`{ijklmnopq"})"));
  EXPECT_FALSE(matches(pattern, R"({"s": "AB@[CDEFGH@[IJKLMNOPQ"})"));
  // Non-ASCII after a full ASCII word, and inside the first word.
  EXPECT_TRUE(matches(R"({"s": [{"equals-ignore-case": "abcdefghÉcole"}]})", R"({"s": "ABCDEFGHéCOLE"})"));
  EXPECT_TRUE(matches(R"({"s": [{"equals-ignore-case": "aÉbcdefghij"}]})", R"({"s": "Aébcdefghij"})"));
  for (std::size_t length = 1; length <= 20; ++length) {
    const std::string lower = key_of_length(length, 'z');
    std::string upper = lower;
    for (char& c : upper) c = static_cast<char>(c - 'a' + 'A');
    EXPECT_TRUE(matches(R"({"s": [{"equals-ignore-case": ")" + upper + R"("}]})", R"({"s": ")" + lower + R"("})"))
        << upper;
  }
}

TEST(PatternFastPaths, AddressesHostNamesAndPorts) {
  const std::string pattern = R"({"h": [{"cidr": "10.0.0.0/8"}, {"cidr": "2001:db8::/32"}]})";
  EXPECT_TRUE(matches(pattern, R"({"h": "10.1.2.3"})"));
  EXPECT_TRUE(matches(pattern, R"({"h": "2001:db8::1"})"));
  EXPECT_FALSE(matches(pattern, R"({"h": "10.1.2.3:443"})"));
  EXPECT_FALSE(matches(pattern, R"({"h": "esxi01.lab.local"})"));
  EXPECT_FALSE(matches(pattern, R"({"h": "10.1.2.3.in-addr.arpa"})"));
  EXPECT_FALSE(matches(pattern, R"({"h": "::ffff:10.1.2.3"})"));  // IPv4 and IPv6 never match each other
}

TEST(PatternFastPaths, ExactValuesOfEveryShortLength) {
  // Values of 0 to 20 bytes exercise every tail of the hash; "ab" and "ba" share their bytes.
  PatternSet set;
  for (std::uint32_t length = 0; length <= 20; ++length) {
    set.add(length, R"({"v": [")" + key_of_length(length, 'Z') + R"("]})");
  }
  set.add(100, R"({"v": ["ab"]})");
  set.add(101, R"({"v": ["ba"]})");
  for (std::uint32_t length = 0; length <= 20; ++length) {
    EXPECT_EQ(match_all(set, R"({"v": ")" + key_of_length(length, 'Z') + R"("})"), Ids{length}) << length;
    EXPECT_EQ(match_all(set, R"({"v": ")" + key_of_length(length + 1, 'Y') + R"("})"), Ids{}) << length;
  }
  EXPECT_EQ(match_all(set, R"({"v": "ab"})"), Ids{100});
  EXPECT_EQ(match_all(set, R"({"v": "ba"})"), Ids{101});
}

TEST(PatternFastPaths, ManyMatchesComeBackInAscendingOrder) {
  // Few matches take the insertion sort, many std::sort; ids added in descending order and keyed
  // on different fields so that candidates are found out of order.
  for (const std::uint32_t count : {3u, 16u, 17u, 200u}) {
    PatternSet set;
    Ids expected;
    for (std::uint32_t id = count; id-- > 0;) {
      set.add(id * 7, id % 2 == 0 ? R"({"a": ["x"]})" : R"({"b": [{"prefix": "y"}]})");
      expected.push_back(id * 7);
    }
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(match_all(set, R"({"b": "yes", "a": "x"})"), expected) << count;
  }
}

}  // namespace
}  // namespace sluice::pattern::testing
