// Patterns that must be rejected at compile time, with a message naming the problem and where.
// Sources: quamina pattern_test.go (TestPatternFromJSON bads, TestPatternErrorHandling,
// TestNumericRangePatterns), event-ruler JsonRuleCompilerTest and CIDRTest.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "pattern_test_util.hpp"

namespace sluice::pattern::testing {
namespace {

void expect_all_rejected(const std::vector<std::string>& patterns) {
  for (const std::string& pattern : patterns) {
    const std::string error = compile_error(pattern);
    EXPECT_FALSE(error.empty()) << "accepted bad pattern: " << pattern;
    EXPECT_EQ(error.rfind("pattern: ", 0), 0u) << error;
  }
}

TEST(PatternInvalid, QuaminaBadPatterns) {
  expect_all_rejected({
      "",
      "33",
      "{",
      "{ =",
      R"({ "foo": )",
      R"({ "foo": [)",
      R"({ "foo": [ { "exists" == ] })",
      R"({ "foo": [ { "exists": false . ] })",
      R"(x)",
      R"({"foo": ])",
      R"({"foo": 11 })",
      R"({"foo": "x" })",
      R"({"foo": true})",
      R"({"foo": null})",
      R"({"oof": [ ])",
      R"([33,22])",
      R"({"xxx": { })",
      R"({"xxx": [ [ 22 ] })",
      R"({"xxx": [ {"x": 1} ])",
      R"({"xxx": [ { [)",
      R"({"xxx": [ { "exists": 23 } ] })",
      R"({"xxx": [ { "exists": true }, 15 ] })",
      R"({"xxx": [ { "exists": true, "a": 3 }] })",
      R"({"xxx": [ { "exists": false, "x": ["a", 3 ] }] })",
      R"({"abc": [ {"shellstyle":15} ] })",
      R"({"abc": [ {"shellstyle":"15"] ] })",
      R"({"abc": [ {"shellstyle":"15", "x", 1} ] })",
      R"({"abc": [ {"shellstyle":"a**b"}, "foo" ] })",
      R"({"abc": [ {"prefix":23}, "foo" ] })",
      R"({"abc": [ {"prefix":["a", "b"]}, "foo" ] })",
      R"({"abc": [ {"prefix": - }, "foo" ] })",
      R"({"abc": [ {"prefix":  - "a" }, "foo" ] })",
      R"({"abc": [ {"prefix":  "a" {, "foo" ] })",
      R"({"abc": [ {"equals-ignore-case":23}, "foo" ] })",
      R"({"abc": [ {"wildcard":"15", "x", 1} ] })",
      R"({"abc": [ {"wildcard":"a**b"}, "foo" ] })",
      R"({"abc": [ {"wildcard":"a\\b"}, "foo" ] })",
      R"({"abc": [ {"wildcard":"a\\"}, "foo" ] })",
      R"({"a": [ { "anything-but": { "equals-ignore-case": ["1", "2" "3"] } } ] })",
      R"({"a": [ { "anything-but": { "equals-ignore-case": [1, 2, 3] } } ] })",
      R"({"a": [ { "anything-but": { "equals-ignore-case": ["1", "2" } } ] })",
      R"({"a": [ { "anything-but": { "equals-ignore-case": ["1", "2" ] } ] })",
      R"({"a": [ { "equals-ignore-case": 5 } ] })",
      R"({"a": [ { "equals-ignore-case": [ "abc" ] } ] })",
      // TestNumericRangePatterns
      R"({"x": [ {"numeric": ["!=", 100]} ]})",
      R"({"x": [ {"numeric": ["<", "abc"]} ]})",
      R"({"x": [ {"numeric": ["<"]} ]})",
      R"({"x": [ {"numeric": "100"} ]})",
  });
}

TEST(PatternInvalid, EventRulerBadPatterns) {
  expect_all_rejected({
      "[1,2,3]",
      R"({"a":1})",
      R"({"a":[ { "x":2 } ]})",
      R"({ "foo": {}})",
      R"({ "foo": []})",
      R"({})",
      R"({"a": [ { "prefix": "child", "foo": [] } ] })",
      R"({"a": [ { "prefix": 3 } ] })",
      R"({"a": [ { "prefix": [1, 2 3] } ] })",
      R"({"a": [ { "suffix": "child", "foo": [] } ] })",
      R"({"a": [ { "suffix": 3 } ] })",
      R"({"a": [ { "foo": "child" } ] })",
      R"({"a": [ { "cidr": "foo" } ] })",
      R"({"a": [ { "anything-but": "child", "foo": [] } ] })",
      R"({"a": [ { "anything-but": ["child0",111,"child2"] } ] })",
      R"({"a": [ { "anything-but": [] } ] })",
      R"({"a": [ { "anything-but": [true] } ] })",
      R"({"a": [ { "anything-but": null } ] })",
      R"({"a": [ { "anything-but": { "foo": 3 } } ] })",
      R"({"a": [ { "anything-but": { "prefix": 27 } } ] })",
      R"({"a": [ { "anything-but": { "prefix": "" } } ] })",
      R"({"a": [ { "anything-but": { "prefix": "foo", "a":1 } } ] })",
      R"({"a": [ { "anything-but": { "prefix": "foo" }, "x": 1 } ] })",
      R"({"a": [ { "anything-but": { "prefix": ["1", ""] } } ] })",
      R"({"a": [ { "anything-but": { "prefix": [1, 2, 3] } } ] })",
      R"({"a": [ { "anything-but": { "suffix": 27 } } ] })",
      R"({"a": [ { "anything-but": { "suffix": "" } } ] })",
      R"({"a": [ { "anything-but": { "suffix": ["1", ""] } } ] })",
      R"({"a": [ { "anything-but": { "wildcard": 27 } } ] })",
      R"({"a": [ { "anything-but": { "wildcard": "foo**bar" } } ] })",
      R"({"a": [ { "anything-but": { "wildcard": "foo*bar\\" } } ] })",
      R"({"a": [ { "anything-but": { "wildcard": ["1", "foo**bar"] } } ] })",
      R"({"a": [ { "anything-but": { "wildcard": [1, 2, 3] } } ] })",
      R"({"a": [ { "prefix": { "invalid-expression": [ "abc" ] } } ] })",
      R"({"a": [ { "prefix": { "equals-ignore-case": 5 } } ] })",
      R"({"a": [ { "prefix": { "equals-ignore-case": [ "abc" ] } } ] })",
      R"({"a": [ { "prefix": { "equals-ignore-case": "abc", "test": "def" } } ] })",
      R"({"a": [ { "prefix": { "equals-ignore-case": "abc" }, "test": "def" } ] })",
      R"({"a": [ { "suffix": { "invalid-expression": [ "abc" ] } } ] })",
      R"({"a": [ { "suffix": { "equals-ignore-case": 5 } } ] })",
      R"({"a": [ { "wildcard": 5 } ] })",
      R"({"a": [ { "wildcard": [ "abc" ] } ] })",
      R"({"key": [{"wildcard": "abc**def"}]})",
      R"({"key": [{"wildcard": "a*c\\def"}]})",
      R"({"x": [{"exists": "badString"}]})",
      R"({"x": [{"exists": true, "extraKey": "extraValue"}]})",
  });
}

TEST(PatternInvalid, NumericExpressions) {
  for (const char* good : {R"(["=", 3.8])", R"(["=", -4e-8])", R"(["<", 55555])", R"([">", 0.00000033])",
                           R"(["<=", 3.8])", R"([">=", 3.8])", R"([">", 0, "<", 1])", R"([">=", 0, "<", 1])",
                           R"([">", 0, "<=", 1])", R"([">=", 0, "<=", 1])", R"([">=", 1, "<=", 1])",
                           R"([">", 2.0e22])"}) {
    EXPECT_EQ(compile_error(std::string(R"({"x": [{"numeric": )") + good + "}]}"), "") << good;
  }
  for (const char* bad : {R"(["=", true])", R"(["=", "-4e-8"])", R"(["="])", R"(["<", true])", R"(["<"])",
                          R"([">=", "-4e-8"])", R"(["<>", 1, ">", 0])", R"(["==", 1, ">", 0])",
                          R"(["<", 1, ">", 0])", R"([">", 1, "<", 1])", R"([">", 30, "<", 1])",
                          R"([">", 1, "<", 30, false])", R"(["=", 1, "<", 3])", R"([">", 1, ">", 3])", "[]",
                          R"([5, ">"])"}) {
    EXPECT_NE(compile_error(std::string(R"({"x": [{"numeric": )") + bad + "}]}"), "") << bad;
  }
}

TEST(PatternInvalid, MalformedCidrs) {
  for (const char* bad : {"192.168.0.1/33", "foo", "foo/bar/baz", "192.168.0.1/foo", "192.168.0.1/-3424",
                          "snorkle/3", "10.10.10.10.10/3", "2.1.0.-1/3", "2400:6500:3:3:3:3:3:3:3:3FF00::36FB:1F80/122",
                          "2400:6500:3:3:-5:3:3:3:3:3FF00::36FB:1F80/122",
                          "2400:6500:3:3:3:3:FFFFFFFFFFF:3:3:3FF00::36FB:1F80/122", "2400:6500:FF00::36FB:1F80/222",
                          "700.168.0.1/8", "10.0.0.0/", "/8", "10.0.0.0"}) {
    EXPECT_NE(compile_error(std::string(R"({"ip": [{"cidr": ")") + bad + R"("}]})"), "") << bad;
  }
}

TEST(PatternInvalid, WrongOrShapes) {
  expect_all_rejected({
      R"({"$or": [{"metricName": ["CPUUtilization", "ReadLatency"]}]})",
      R"({"detail": {"$or": [{"source": ["aws.cloudwatch"]}, {"detail-type": ["x"]}, [{"foo": ["wrong"]}]]}})",
      R"({"$or": [{"a": ["x"]}, 5]})",
      R"({"$or": [{"a": ["x"]}, {}]})",
      R"({"$or": [{"a": {"numeric": [">", 1]}}, {"b": ["x"]}]})",  // operator name as field inside $or
  });
}

TEST(PatternInvalid, MessagesNameTheProblemAndLocation) {
  EXPECT_EQ(compile_error(R"({"detail": {"name": [{"wildcard": "a**b"}]}})"),
            "pattern: consecutive '*' in wildcard at position 2 at detail.name[0].wildcard");
  EXPECT_EQ(compile_error(R"({"detail": {"state": "running"}})"),
            "pattern: \"state\" must be an object or an array of values at detail.state");
  EXPECT_EQ(compile_error(R"({"a": [{"numeric": [">", 5, "<", 1]}]})"),
            "pattern: numeric range matches no number at a[0].numeric");
  EXPECT_EQ(compile_error(R"({"a": [{"regexp": "x"}]})"), "pattern: unknown operator \"regexp\" at a[0].regexp");
  EXPECT_EQ(compile_error(R"({"a": [{"cidr": "10.0.0.0/33"}]})"),
            "pattern: malformed CIDR \"10.0.0.0/33\", mask bits must be at most 32 at a[0].cidr");
  EXPECT_EQ(compile_error(R"({"a": []})"), "pattern: empty value list; give at least one value at a");
  EXPECT_EQ(compile_error(R"({"a": ["x"], "a": ["y"]})"), "pattern: duplicate field \"a\" at a");
  EXPECT_EQ(compile_error(R"({"$or": [{"a": ["x"]}]})"), "pattern: \"$or\" needs at least two alternatives at $or");
  EXPECT_EQ(compile_error("[1]"), "pattern: a pattern must be a JSON object at top level");
  EXPECT_NE(compile_error("{").find("invalid JSON"), std::string::npos);
}

TEST(PatternInvalid, RejectedPatternLeavesTheSetUnchanged) {
  PatternSet set;
  set.add(1, R"({"a": ["x"]})");
  EXPECT_THROW(set.add(2, R"({"b": ["y"], "c": [{"wildcard": "**"}]})"), std::invalid_argument);
  EXPECT_EQ(set.rule_count(), 1u);
  FilterContext context;
  std::vector<std::uint32_t> matched;
  ASSERT_TRUE(set.match_json(R"({"a": "x", "b": "y"})", Padding::absent, context, matched));
  EXPECT_EQ(matched, std::vector<std::uint32_t>{1});
}

TEST(PatternInvalid, ExpansionLimits) {
  // 11 two-way $or groups would expand to 2048 alternatives.
  std::string pattern = "{";
  for (int i = 0; i < 11; ++i) {
    if (i) pattern += ",";
    pattern += R"("f)" + std::to_string(i) + R"(": {"$or": [{"a": ["x"]}, {"b": ["y"]}]})";
  }
  pattern += "}";
  EXPECT_NE(compile_error(pattern).find("more than 1024"), std::string::npos);

  std::string wide = "{";
  for (int i = 0; i < 65; ++i) wide += std::string(i ? "," : "") + R"("f)" + std::to_string(i) + R"(": [1])";
  wide += "}";
  EXPECT_NE(compile_error(wide).find("more than 64 fields"), std::string::npos);
}

}  // namespace
}  // namespace sluice::pattern::testing
