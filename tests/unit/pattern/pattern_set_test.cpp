// PatternSet as a multi-pattern matcher: $or, several rules, rule ids, malformed input, threads.

#include <gtest/gtest.h>

#include <string>
#include <thread>
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

TEST(PatternOr, ReadmeExamples) {
  const std::string normal = R"({"source": ["aws.cloudwatch"],
    "$or": [{"metricName": ["CPUUtilization", "ReadLatency"]}, {"namespace": ["AWS/EC2", "AWS/ES"]}]})";
  EXPECT_TRUE(matches(normal, R"({"source": "aws.cloudwatch", "metricName": "ReadLatency"})"));
  EXPECT_TRUE(matches(normal, R"({"source": "aws.cloudwatch", "namespace": "AWS/ES"})"));
  EXPECT_FALSE(matches(normal, R"({"source": "aws.cloudwatch", "namespace": "AWS/S3"})"));
  EXPECT_FALSE(matches(normal, R"({"source": "aws.ec2", "namespace": "AWS/ES"})"));

  const std::string parallel = R"({
    "$or": [{"metricName": ["CPUUtilization", "ReadLatency"]}, {"namespace": ["AWS/EC2", "AWS/ES"]}],
    "detail": {"$or": [{"source": ["aws.cloudwatch"]}, {"detail-type": ["CloudWatch Alarm State Change"]}]}})";
  EXPECT_TRUE(matches(parallel, R"({"namespace": "AWS/EC2", "detail": {"detail-type": "CloudWatch Alarm State Change"}})"));
  EXPECT_FALSE(matches(parallel, R"({"namespace": "AWS/EC2", "detail": {"detail-type": "other"}})"));
  EXPECT_FALSE(matches(parallel, R"({"detail": {"source": "aws.cloudwatch"}})"));

  const std::string nested = R"({"source": ["aws.cloudwatch"],
    "$or": [{"metricName": ["CPUUtilization", "ReadLatency"]},
            {"metricType": ["MetricType"], "namespace": ["AWS/EC2", "AWS/ES"],
             "$or": [{"metricId": [1234]}, {"spaceId": [1000]}]},
            {"scope": ["Service"]}]})";
  EXPECT_TRUE(matches(nested, R"({"source": "aws.cloudwatch", "metricType": "MetricType", "namespace": "AWS/ES", "spaceId": 1000})"));
  EXPECT_FALSE(matches(nested, R"({"source": "aws.cloudwatch", "metricType": "MetricType", "namespace": "AWS/ES", "spaceId": 1001})"));
  EXPECT_TRUE(matches(nested, R"({"source": "aws.cloudwatch", "scope": "Service"})"));
}

TEST(PatternOr, EventRulerNumericOrWithTwoRules) {
  // JsonRuleCompilerTest.testBasicFunctionOfOrRelationshipRules
  PatternSet set;
  set.add(1, R"({"detail": {"$or": [{"c-count": [{"numeric": [">", 0, "<=", 5]}]},
                                     {"d-count": [{"numeric": ["<", 10]}]},
                                     {"x-limit": [{"numeric": ["=", 3.018e2]}]}]}})");
  set.add(2, R"({"detail": {"detail-type": ["EC2 Instance State-change Notification"],
                            "info": {"state-status": ["initializing", "running"], "state-count": {"count": [100]}},
                            "$or": [{"c-count": [{"numeric": [">", 0, "<=", 5]}]},
                                    {"d-count": [{"numeric": ["<", 10]}]},
                                    {"x-limit": [{"numeric": ["=", 3.018e2]}]}]},
                 "news": {"newsProviders": ["p1", "p2"],
                          "$or": [{"newCondition1": ["news111"]}, {"newCondition2": ["news222"]}]}})");
  const std::string event = R"({"detail": {"detail-type": "EC2 Instance State-change Notification",
      "info": {"state-status": "running", "state-count": {"count": 100}}, "c-count": 1, "d-count": 8},
      "news": {"newsProviders": "p1", "newCondition1": "news111", "newCondition2": "news222"}})";
  EXPECT_EQ(match_all(set, event), (Ids{1, 2}));
}

TEST(PatternOr, OrdinaryFieldNamedOr) {
  // normalRulesWithOrWording.json: "$or" that is not an OR is a plain field name.
  EXPECT_TRUE(matches(R"({"$or": [{"cidr": "10.0.0.0/24"}]})", R"({"$or": "10.0.0.7"})"));
  EXPECT_TRUE(matches(R"({"source": ["aws.cloudwatch"], "$or": {"metricType": ["MetricType"]}})",
                      R"({"source": "aws.cloudwatch", "$or": {"metricType": "MetricType"}})"));
  EXPECT_TRUE(matches(R"({"detail": {"$or": [{"numeric": [">", 0, "<=", 5]}, {"numeric": [">", 10]}]}})",
                      R"({"detail": {"$or": 11}})"));
  EXPECT_FALSE(matches(R"({"detail": {"$or": [{"numeric": [">", 0, "<=", 5]}, {"numeric": [">", 10]}]}})",
                       R"({"detail": {"$or": 7}})"));
}

TEST(PatternOr, SamePathInsideAndOutsideAnAlternativeMustHoldTwice) {
  const std::string pattern = R"({"a": [{"prefix": "x"}], "$or": [{"a": [{"suffix": "z"}]}, {"b": ["y"]}]})";
  EXPECT_TRUE(matches(pattern, R"({"a": "xyz"})"));
  EXPECT_FALSE(matches(pattern, R"({"a": "xyy"})"));
  EXPECT_TRUE(matches(pattern, R"({"a": "xyy", "b": "y"})"));
}

TEST(PatternSetTest, ReturnsEveryMatchingRuleOnceInAscendingOrder) {
  PatternSet set;
  set.add(30, R"({"type": ["a"]})");
  set.add(10, R"({"type": [{"prefix": "a"}]})");
  set.add(20, R"({"type": ["b"]})");
  set.add(20, R"({"size": [{"numeric": [">", 1]}]})");  // same id: OR with the line above
  set.add(40, R"({"type": [{"anything-but": "b"}], "size": [2]})");
  set.add(50, R"({"missing": [{"exists": false}]})");
  EXPECT_EQ(set.rule_count(), 5u);
  EXPECT_EQ(match_all(set, R"({"type": "a", "size": 2})"), (Ids{10, 20, 30, 40, 50}));
  EXPECT_EQ(match_all(set, R"({"type": "b", "size": 0})"), (Ids{20, 50}));
  EXPECT_EQ(match_all(set, R"({"type": "c", "missing": 1})"), (Ids{}));
}

TEST(PatternSetTest, ManyRoutesSameFieldDifferentValues) {
  PatternSet set;
  for (std::uint32_t i = 0; i < 2000; ++i) {
    set.add(i, R"({"subject": ["Event)" + std::to_string(i) + R"("], "data": {"n": [{"numeric": [">=", )" +
                   std::to_string(i % 7) + "]}]}}");
  }
  EXPECT_EQ(match_all(set, R"({"subject": "Event1234", "data": {"n": 5}})"), (Ids{1234}));
  EXPECT_EQ(match_all(set, R"({"subject": "Event1238", "data": {"n": 5}})"), (Ids{}));  // 1238 % 7 == 6
  EXPECT_EQ(match_all(set, R"({"subject": "Nope", "data": {"n": 5}})"), (Ids{}));
}

TEST(PatternSetTest, PrefixesOfManyLengths) {
  PatternSet set;
  set.add(1, R"({"n": [{"prefix": "w"}]})");
  set.add(2, R"({"n": [{"prefix": "web-"}]})");
  set.add(3, R"({"n": [{"prefix": "web-prod-"}]})");
  set.add(4, R"({"n": [{"suffix": "-01"}]})");
  set.add(5, R"({"n": [{"prefix": {"equals-ignore-case": "WEB-PROD"}}]})");
  set.add(6, R"({"n": [{"equals-ignore-case": "WEB-PROD-01"}]})");
  set.add(7, R"({"n": [{"suffix": {"equals-ignore-case": "D-01"}}]})");
  EXPECT_EQ(match_all(set, R"({"n": "web-prod-01"})"), (Ids{1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(match_all(set, R"({"n": "web-dev-01"})"), (Ids{1, 2, 4}));
  EXPECT_EQ(match_all(set, R"({"n": "w"})"), (Ids{1}));
}

TEST(PatternSetTest, MalformedEventsAreReportedNotMatched) {
  PatternSet set;
  set.add(1, R"({"a": [{"exists": false}]})");
  FilterContext context;
  Ids matched{99};
  EXPECT_FALSE(set.match_json(R"({"a": )", Padding::absent, context, matched));
  EXPECT_TRUE(matched.empty());
  EXPECT_FALSE(set.match_json(R"([1, 2])", Padding::absent, context, matched));
  EXPECT_FALSE(set.match_json(R"({"a": 01})", Padding::absent, context, matched));
  EXPECT_FALSE(set.match_json(R"({"a": nul})", Padding::absent, context, matched));
  EXPECT_TRUE(set.match_json(R"({"b": 1})", Padding::absent, context, matched));
  EXPECT_EQ(matched, (Ids{1}));
}

TEST(PatternSetTest, PaddedInputIsReadInPlace) {
  PatternSet set;
  set.add(7, R"({"a": ["x"]})");
  std::string buffer = R"({"a": "x"})";
  const std::size_t size = buffer.size();
  buffer.append(64, '\0');  // SIMDJSON_PADDING readable bytes after the JSON
  FilterContext context;
  Ids matched;
  ASSERT_TRUE(set.match_json(std::string_view(buffer.data(), size), Padding::present, context, matched));
  EXPECT_EQ(matched, (Ids{7}));
  EXPECT_TRUE(context.scratch.empty());  // nothing was copied
}

TEST(PatternSetTest, ConcurrentMatchingWithOneContextPerThread) {
  PatternSet set;
  for (std::uint32_t i = 0; i < 100; ++i) {
    set.add(i, R"({"k": [)" + std::to_string(i) + R"(], "d": {"e": {"f": [{"exists": true}]}}})");
  }
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      FilterContext context;
      Ids matched;
      for (std::uint32_t i = 0; i < 2000; ++i) {
        const std::uint32_t k = (i * 7 + static_cast<std::uint32_t>(t)) % 100;
        const std::string event = R"({"k": )" + std::to_string(k) + R"(, "d": [{"e": {"f": 1}}]})";
        if (!set.match_json(event, Padding::absent, context, matched) || matched != Ids{k}) ++failures[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, (std::vector<int>{0, 0, 0, 0}));
}

TEST(PatternSetTest, EscapedKeysAndValuesAreDecoded) {
  EXPECT_TRUE(matches(R"({"Ab": {"c d": ["x\"y"]}})", R"({"\u0041b": {"c\u0020d": "x\u0022y"}})"));
  EXPECT_TRUE(matches(R"({"a": [{"prefix": "tab\t"}]})", R"({"a": "tab\tnext"})"));
  EXPECT_FALSE(matches(R"({"a": ["x\\y"]})", R"({"a": "x\\\\y"})"));
}

TEST(PatternSetTest, RepeatedEventKeysFirstOccurrenceWins) {
  // Reading stops once every field a pattern needs in an object has been seen, so a key repeated
  // later in the same object is not read (RFC 8259 leaves duplicate names unspecified).
  EXPECT_TRUE(matches(R"({"a": [1]})", R"({"a": 1, "a": 2})"));
  EXPECT_FALSE(matches(R"({"a": [2]})", R"({"a": 1, "a": 2})"));
  // Keys the patterns do not name never stop the walk early.
  EXPECT_TRUE(matches(R"({"a": [1], "b": [2]})", R"({"a": 1, "x": {"a": 3}, "b": 2})"));
}

TEST(PatternSetTest, Ipv4LiteralsFollowInetPtonRules) {
  const std::string pattern = R"({"ip": [{"cidr": "0.0.0.0/0"}]})";
  for (const char* good : {"0.0.0.0", "255.255.255.255", "1.2.3.4", "10.0.0.10"}) {
    EXPECT_TRUE(matches(pattern, std::string(R"({"ip": ")") + good + R"("})")) << good;
  }
  for (const char* bad : {"256.1.1.1", "1.2.3", "1.2.3.4.", "01.2.3.4", " 1.2.3.4", "1.2.3.4 ", "1..2.3", "1.2.3.1234",
                          "", "a.b.c.d", "1.2.3.-4"}) {
    EXPECT_FALSE(matches(pattern, std::string(R"({"ip": ")") + bad + R"("})")) << bad;
  }
}

TEST(PatternSetTest, EmptySetMatchesNothing) {
  PatternSet set;
  EXPECT_TRUE(set.empty());
  EXPECT_EQ(match_all(set, R"({"a": 1})"), (Ids{}));
}

}  // namespace
}  // namespace sluice::pattern::testing
