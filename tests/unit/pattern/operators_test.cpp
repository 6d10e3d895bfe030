// One operator at a time: exact values, prefix/suffix, equals-ignore-case, wildcard, anything-but,
// numeric, cidr and exists.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "pattern_test_util.hpp"

namespace sluice::pattern::testing {
namespace {

struct Case {
  std::string pattern;
  std::string event;
  bool expected;
};

void check(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    EXPECT_EQ(matches(c.pattern, c.event), c.expected)
        << "pattern: " << c.pattern << "\nevent:   " << c.event << "\nexpected " << (c.expected ? "match" : "no match");
  }
}

TEST(PatternExact, StringsMatchExactly) {
  check({
      {R"({"source": ["aws.ec2"]})", R"({"source": "aws.ec2"})", true},
      {R"({"source": ["aws.ec2"]})", R"({"source": "aws.ec2x"})", false},
      {R"({"source": ["aws.ec2", "aws.s3"]})", R"({"source": "aws.s3"})", true},
      {R"({"source": ["aws.ec2"]})", R"({"other": "aws.ec2"})", false},
      {R"({"source": [""]})", R"({"source": ""})", true},
      // JSON escapes are decoded on both sides.
      {R"({"name": ["Abc\u00e9"]})", R"({"name": "\u0041bcé"})", true},
      {R"({"path": ["a\\b\"c"]})", R"({"path": "a\\b\"c"})", true},
      // Nested paths; unrelated fields are ignored.
      {R"({"detail": {"state": ["running"]}})", R"({"x": [1, {"y": 2}], "detail": {"state": "running", "z": {}}})",
       true},
      {R"({"detail": {"state": ["running"]}})", R"({"detail": "running"})", false},
  });
}

TEST(PatternExact, NumbersCompareByCanonicalValue) {
  check({
      {R"({"n": [35]})", R"({"n": 35})", true},
      {R"({"n": [35]})", R"({"n": 35.0})", true},
      {R"({"n": [35]})", R"({"n": 3.5e1})", true},
      {R"({"n": [3.5e1]})", R"({"n": 350e-1})", true},
      {R"({"n": [350]})", R"({"n": 350.0000})", true},
      {R"({"n": [0]})", R"({"n": -0.0})", true},
      {R"({"n": [35]})", R"({"n": 35.000001})", false},
      // Strings and numbers never equal each other.
      {R"({"n": [35]})", R"({"n": "35"})", false},
      {R"({"n": ["35"]})", R"({"n": 35})", false},
      // Account numbers (event-ruler testBigNumbers) and doubles beyond 2^53.
      {R"({"account": [123456789012]})", R"({"account": 123456789012})", true},
      {R"({"n": [1e300]})", R"({"n": 1.0e300})", true},
      // Too large for a double: has no numeric value, so it equals nothing numeric.
      {R"({"n": [1]})", R"({"n": 1e400})", false},
  });
}

TEST(PatternExact, LiteralsMatchOnlyThemselves) {
  check({
      {R"({"b": [true]})", R"({"b": true})", true},
      {R"({"b": [true]})", R"({"b": "true"})", false},
      {R"({"b": [false]})", R"({"b": false})", true},
      {R"({"b": [false]})", R"({"b": true})", false},
      {R"({"b": [null]})", R"({"b": null})", true},
      {R"({"b": [null]})", R"({"b": "null"})", false},
      {R"({"b": [null]})", R"({"c": 1})", false},  // null is a value, not absence
      {R"({"x": [null, true, false, "hopp", 3.072e-11]})", R"({"x": 3.072e-11})", true},
  });
}

TEST(PatternExact, IpLiteralsCompareAsAddresses) {
  check({
      {R"({"ip": ["::1"]})", R"({"ip": "0:0:0:0:0:0:0:1"})", true},
      {R"({"ip": ["2001:db8::1"]})", R"({"ip": "2001:0DB8:0000::0001"})", true},
      {R"({"ip": ["192.0.2.0"]})", R"({"ip": "192.0.2.0"})", true},
      {R"({"ip": ["192.0.2.0"]})", R"({"ip": "192.0.2.1"})", false},
  });
}

TEST(PatternPrefixSuffix, MatchStringsOnly) {
  check({
      {R"({"time": [{"prefix": "2017-10-02"}]})", R"({"time": "2017-10-02T16:24:49Z"})", true},
      {R"({"time": [{"prefix": "2017-10-02"}]})", R"({"time": "2017-10-03T16:24:49Z"})", false},
      {R"({"a": [{"prefix": "zoo"}]})", R"({"a": "zoo"})", true},
      {R"({"a": [{"prefix": "1"}]})", R"({"a": 12})", false},
      {R"({"a": [{"prefix": ""}]})", R"({"a": "anything"})", true},
      {R"({"a": [{"prefix": ""}]})", R"({"a": 5})", false},
      {R"({"source": [{"suffix": "ec2"}]})", R"({"source": "aws.ec2"})", true},
      {R"({"source": [{"suffix": "ec2"}]})", R"({"source": "aws.EC2"})", false},
      {R"({"f": [{"suffix": ".png"}, {"prefix": "img-"}]})", R"({"f": "img-1.jpg"})", true},
      {R"({"f": [{"suffix": ".png"}, {"prefix": "img-"}]})", R"({"f": "x.jpg"})", false},
  });
}

TEST(PatternIgnoreCase, FoldsUnicodeCase) {
  check({
      {R"({"source": [{"equals-ignore-case": "EC2"}]})", R"({"source": "ec2"})", true},
      {R"({"source": [{"equals-ignore-case": "EC2"}]})", R"({"source": "eC2"})", true},
      {R"({"source": [{"equals-ignore-case": "EC2"}]})", R"({"source": "ec22"})", false},
      {R"({"s": [{"equals-ignore-case": "ÉCOLE"}]})", R"({"s": "école"})", true},
      {R"({"s": [{"equals-ignore-case": "ΣΊΣΥΦΟΣ"}]})", R"({"s": "σίσυφος"})", true},
      {R"({"s": [{"equals-ignore-case": "k"}]})", R"({"s": "\u212a"})", true},  // KELVIN SIGN
      {R"({"s": [{"equals-ignore-case": "a*b*c"}]})", R"({"s": "A*B*C"})", true},
      {R"({"source": [{"prefix": {"equals-ignore-case": "EC2"}}]})", R"({"source": "ec2.aws"})", true},
      {R"({"source": [{"prefix": {"equals-ignore-case": "EC2"}}]})", R"({"source": "aws.ec2"})", false},
      {R"({"source": [{"suffix": {"equals-ignore-case": "EC2"}}]})", R"({"source": "aws.Ec2"})", true},
      {R"({"source": [{"suffix": {"equals-ignore-case": "EC2"}}]})", R"({"source": 2})", false},
      {R"({"s": [{"prefix": {"equals-ignore-case": "Ac"}}]})", R"({"s": "ACKERSON"})", true},
  });
}

TEST(PatternWildcard, StarsAndEscapes) {
  check({
      {R"({"img": [{"wildcard": "*.jpg"}]})", R"({"img": "https://example.com/9943.jpg"})", true},
      {R"({"img": [{"wildcard": "https://example.com/*"}]})", R"({"img": "https://example.com/9943.jpg"})", true},
      {R"({"img": [{"wildcard": "https://example.com/*.jpg"}]})", R"({"img": "https://example.com/9943.jpg"})",
       true},
      {R"({"img": [{"wildcard": "https://example.*/*.jpg"}]})", R"({"img": "https://example.com/9943.jpg"})", true},
      {R"({"img": [{"wildcard": "*.png"}]})", R"({"img": "https://example.com/9943.jpg"})", false},
      {R"({"s": [{"wildcard": "Simple*Service"}]})", R"({"s": "SimpleService"})", true},
      {R"({"s": [{"wildcard": "Simple*Service"}]})", R"({"s": "SimpleQueueService"})", true},
      {R"({"s": [{"wildcard": "Simple*Service"}]})", R"({"s": "SimpleQueueServices"})", false},
      {R"({"s": [{"wildcard": "*"}]})", R"({"s": ""})", true},
      {R"({"s": [{"wildcard": "*"}]})", R"({"s": 3})", false},
      {R"({"s": [{"wildcard": ""}]})", R"({"s": ""})", true},
      {R"({"s": [{"wildcard": ""}]})", R"({"s": "x"})", false},
      {R"({"s": [{"wildcard": "a*a"}]})", R"({"s": "a"})", false},
      {R"({"s": [{"wildcard": "a*a*a"}]})", R"({"s": "aaa"})", true},
      {R"({"s": [{"wildcard": "a*a*a"}]})", R"({"s": "aa"})", false},
      {R"({"s": [{"wildcard": "2*0*1*7"}]})", R"({"s": "2607117"})", true},
      // quamina's escaping example: a\*\*\\.b matches the text a**\.b
      {R"({"example-regex": [{"wildcard": "a\\*\\*\\\\.b"}]})", R"({"example-regex": "a**\\.b"})", true},
      {R"({"example-regex": [{"wildcard": "a\\*\\*\\\\.b"}]})", R"({"example-regex": "aXY\\.b"})", false},
      {R"({"s": [{"wildcard": "a*b\\*c"}]})", R"({"s": "a123b*c"})", true},
      {R"({"s": [{"wildcard": "a*b\\*c"}]})", R"({"s": "a123bxc"})", false},
  });
}

TEST(PatternAnythingBut, MatchesPresentValuesNotExcluded) {
  check({
      {R"({"state": [{"anything-but": "initializing"}]})", R"({"state": "running"})", true},
      {R"({"state": [{"anything-but": "initializing"}]})", R"({"state": "initializing"})", false},
      // Only a present field can be "anything but".
      {R"({"state": [{"anything-but": "initializing"}]})", R"({"other": "running"})", false},
      {R"({"state": [{"anything-but": ["stopped", "overloaded"]}]})", R"({"state": "stopped"})", false},
      {R"({"state": [{"anything-but": ["stopped", "overloaded"]}]})", R"({"state": "running"})", true},
      {R"({"x": [{"anything-but": 123}]})", R"({"x": 123.0})", false},
      {R"({"x": [{"anything-but": 123}]})", R"({"x": 124})", true},
      {R"({"x": [{"anything-but": [100, 200, 300]}]})", R"({"x": 2e2})", false},
      {R"({"x": [{"anything-but": [100, 200, 300]}]})", R"({"x": 301.8})", true},
      // Values of another type are not excluded.
      {R"({"x": [{"anything-but": [100, 200]}]})", R"({"x": "100"})", true},
      {R"({"x": [{"anything-but": "a"}]})", R"({"x": null})", true},
      // An array matches when any element is not excluded.
      {R"({"x": [{"anything-but": "a"}]})", R"({"x": ["a", "b"]})", true},
      {R"({"x": [{"anything-but": "a"}]})", R"({"x": ["a", "a"]})", false},
      {R"({"x": [{"anything-but": "a"}]})", R"({"x": []})", false},
  });
}

TEST(PatternAnythingBut, OperatorVariants) {
  check({
      {R"({"s": [{"anything-but": {"prefix": "init"}}]})", R"({"s": "initializing"})", false},
      {R"({"s": [{"anything-but": {"prefix": "init"}}]})", R"({"s": "running"})", true},
      {R"({"s": [{"anything-but": {"prefix": ["init", "error"]}}]})", R"({"s": "error: x"})", false},
      {R"({"s": [{"anything-but": {"prefix": ["init", "error"]}}]})", R"({"s": "ok"})", true},
      {R"({"s": [{"anything-but": {"suffix": "1234"}}]})", R"({"s": "i-0001234"})", false},
      {R"({"s": [{"anything-but": {"suffix": ["1234", "6789"]}}]})", R"({"s": "i-0006789"})", false},
      {R"({"s": [{"anything-but": {"suffix": ["1234", "6789"]}}]})", R"({"s": "i-0005555"})", true},
      {R"({"s": [{"anything-but": {"equals-ignore-case": "Stopped"}}]})", R"({"s": "STOPPED"})", false},
      {R"({"s": [{"anything-but": {"equals-ignore-case": ["Stopped", "OverLoaded"]}}]})", R"({"s": "overloaded"})",
       false},
      {R"({"s": [{"anything-but": {"equals-ignore-case": ["Stopped", "OverLoaded"]}}]})", R"({"s": "running"})",
       true},
      {R"({"s": [{"anything-but": {"wildcard": "*/bin/*.jar"}}]})", R"({"s": "/usr/bin/app.jar"})", false},
      {R"({"s": [{"anything-but": {"wildcard": ["*/bin/*.jar", "*/bin/*.class"]}}]})", R"({"s": "/bin/A.class"})",
       false},
      {R"({"s": [{"anything-but": {"wildcard": ["*/bin/*.jar", "*/bin/*.class"]}}]})", R"({"s": "/lib/a.jar"})",
       true},
      {R"({"s": [{"anything-but": {"wildcard": ""}}]})", R"({"s": ""})", false},
      {R"({"s": [{"anything-but": {"prefix": "1"}}]})", R"({"s": 12})", true},
  });
}

TEST(PatternNumeric, RangesAndBounds) {
  check({
      {R"({"c": [{"numeric": [">", 0, "<=", 5]}]})", R"({"c": 5})", true},
      {R"({"c": [{"numeric": [">", 0, "<=", 5]}]})", R"({"c": 0})", false},
      {R"({"c": [{"numeric": [">", 0, "<=", 5]}]})", R"({"c": 0.0001})", true},
      {R"({"c": [{"numeric": [">", 0, "<=", 5]}]})", R"({"c": 5.0001})", false},
      {R"({"c": [{"numeric": [">=", 0, "<", 5]}]})", R"({"c": 0})", true},
      {R"({"c": [{"numeric": [">=", 0, "<", 5]}]})", R"({"c": 5})", false},
      {R"({"d": [{"numeric": ["<", 10]}]})", R"({"d": -1e100})", true},
      {R"({"d": [{"numeric": ["<=", 10]}]})", R"({"d": 10})", true},
      {R"({"d": [{"numeric": [">", -5.5]}]})", R"({"d": -5.4})", true},
      {R"({"d": [{"numeric": [">", -5.5]}]})", R"({"d": -5.5})", false},
      {R"({"x": [{"numeric": ["=", 3.018e2]}]})", R"({"x": 301.8})", true},
      {R"({"x": [{"numeric": ["=", 301.8]}]})", R"({"x": 301.80000001})", false},
      // Numeric works on JSON numbers only.
      {R"({"x": [{"numeric": [">", 0]}]})", R"({"x": "5"})", false},
      {R"({"x": [{"numeric": [">", 0]}]})", R"({"x": true})", false},
      // Full double range (current event-ruler), not the old +/-5e9.
      {R"({"x": [{"numeric": [">", 1e15]}]})", R"({"x": 2e22})", true},
      {R"({"x": [{"numeric": ["<", -1e300]}]})", R"({"x": -1.5e300})", true},
      {R"({"x": [{"numeric": [">", 0]}]})", R"({"x": [-1, -2, 3]})", true},
      {R"({"x": [{"numeric": [">", 0]}, {"numeric": ["<", -10]}]})", R"({"x": -11})", true},
  });
}

TEST(PatternCidr, Ipv4AndIpv6) {
  check({
      {R"({"ip": [{"cidr": "10.0.0.0/24"}]})", R"({"ip": "10.0.0.33"})", true},
      {R"({"ip": [{"cidr": "10.0.0.0/24"}]})", R"({"ip": "10.0.0.255"})", true},
      {R"({"ip": [{"cidr": "10.0.0.0/24"}]})", R"({"ip": "10.0.1.0"})", false},
      {R"({"ip": [{"cidr": "10.0.0.0/24"}]})", R"({"ip": "9.255.255.255"})", false},
      {R"({"ip": [{"cidr": "10.0.0.0/8"}]})", R"({"ip": "10.200.3.4"})", true},
      {R"({"ip": [{"cidr": "13.32.0.0/15"}]})", R"({"ip": "13.33.255.255"})", true},
      {R"({"ip": [{"cidr": "13.32.0.0/15"}]})", R"({"ip": "13.34.0.0"})", false},
      {R"({"ip": [{"cidr": "0.0.0.0/0"}]})", R"({"ip": "255.255.255.255"})", true},
      {R"({"ip": [{"cidr": "192.0.2.7/32"}]})", R"({"ip": "192.0.2.7"})", true},
      {R"({"ip": [{"cidr": "192.0.2.7/32"}]})", R"({"ip": "192.0.2.8"})", false},
      // Host bits are masked: 10.1.2.3/8 is 10.0.0.0/8.
      {R"({"ip": [{"cidr": "10.1.2.3/8"}]})", R"({"ip": "10.0.0.0"})", true},
      {R"({"ip": [{"cidr": "2001:db8::/32"}]})", R"({"ip": "2001:db8:ffff::1"})", true},
      {R"({"ip": [{"cidr": "2001:db8::/32"}]})", R"({"ip": "2001:db9::1"})", false},
      {R"({"ip": [{"cidr": "2400:6500:FF00::36FB:1F80/122"}]})", R"({"ip": "2400:6500:ff00::36fb:1fbf"})", true},
      {R"({"ip": [{"cidr": "2400:6500:FF00::36FB:1F80/122"}]})", R"({"ip": "2400:6500:ff00::36fb:1fc0"})", false},
      // Families do not mix; non-addresses and non-strings never match.
      {R"({"ip": [{"cidr": "0.0.0.0/0"}]})", R"({"ip": "::1"})", false},
      {R"({"ip": [{"cidr": "10.0.0.0/8"}]})", R"({"ip": "10.0.0.1.5"})", false},
      {R"({"ip": [{"cidr": "10.0.0.0/8"}]})", R"({"ip": "host.example"})", false},
      {R"({"ip": [{"cidr": "10.0.0.0/8"}]})", R"({"ip": 10})", false},
  });
}

TEST(PatternCidr, EveryAddressOfASlash22AndNoOther) {
  // event-ruler ACMachineTest.CIDRTest: exactly 2^(32-bits) addresses around the block match.
  for (int bits = 22; bits <= 32; ++bits) {
    OnePattern pattern(R"({"a": [{"cidr": "10.0.0.0/)" + std::to_string(bits) + R"("}]})");
    const long base = 0x0A000000;
    const long count = 1L << (32 - bits);
    long matched = 0;
    for (long ip = base - 16; ip < base + count + 16; ++ip) {
      const std::string text = std::to_string((ip >> 24) & 255) + "." + std::to_string((ip >> 16) & 255) + "." +
                               std::to_string((ip >> 8) & 255) + "." + std::to_string(ip & 255);
      if (pattern.matches(R"({"a": ")" + text + R"("})")) ++matched;
    }
    EXPECT_EQ(matched, count) << "/" << bits;
  }
}

TEST(PatternExists, LeavesOnly) {
  check({
      {R"({"c": [{"exists": true}]})", R"({"c": 5})", true},
      {R"({"c": [{"exists": true}]})", R"({"c": null})", true},
      {R"({"c": [{"exists": true}]})", R"({"c": {"c1": 100}})", false},
      {R"({"c": [{"exists": true}]})", R"({"c": []})", false},
      {R"({"c": [{"exists": true}]})", R"({"c": ["x"]})", true},
      {R"({"c": [{"exists": true}]})", R"({"d": 5})", false},
      {R"({"c": [{"exists": false}]})", R"({"d": 5})", true},
      {R"({"c": [{"exists": false}]})", R"({"c": 5})", false},
      {R"({"c": [{"exists": false}]})", R"({"c": null})", false},
      {R"({"c": [{"exists": false}]})", R"({"c": {"c1": 100}})", true},  // README: not a leaf
      {R"({"c": [{"exists": false}]})", R"({"c": []})", true},           // quamina: no value
      {R"({"detail": {"c": [{"exists": false}]}, "s": ["x"]})", R"({"s": "x", "detail": {"d": 1}})", true},
      {R"({"detail": {"c": [{"exists": false}]}, "s": ["x"]})", R"({"s": "y", "detail": {"d": 1}})", false},
  });
}

TEST(PatternReadme, ComplexExampleMatchesTheSampleEvent) {
  const std::string event = R"({
    "version": "0", "id": "ddddd4-aaaa-7777-4444-345dd43cc333",
    "detail-type": "EC2 Instance State-change Notification", "source": "aws.ec2",
    "account": "012345679012", "time": "2017-10-02T16:24:49Z", "region": "us-east-1",
    "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"],
    "detail": {"c-count": 5, "d-count": 3, "x-limit": 301.8, "source-ip": "10.0.0.33",
               "instance-id": "i-000000aaaaaa00000", "state": "running"}})";
  const std::vector<std::string> patterns = {
      R"({"detail-type": ["EC2 Instance State-change Notification"],
          "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"],
          "detail": {"state": ["initializing", "running"]}})",
      R"({"time": [{"prefix": "2017-10-02"}]})",
      R"({"source": [{"prefix": {"equals-ignore-case": "AWS.E"}}]})",
      R"({"source": [{"suffix": "ec2"}]})",
      R"({"source": [{"suffix": {"equals-ignore-case": "EC2"}}]})",
      R"({"source": [{"equals-ignore-case": "AWS.EC2"}]})",
      R"({"detail": {"state": [{"anything-but": ["stopped", "overloaded"]}]}})",
      R"({"detail": {"x-limit": [{"anything-but": [100, 200, 300]}]}})",
      R"({"detail": {"c-count": [{"numeric": [">", 0, "<=", 5]}], "d-count": [{"numeric": ["<", 10]}],
                     "x-limit": [{"numeric": ["=", 3.018e2]}]}})",
      R"({"detail": {"source-ip": [{"cidr": "10.0.0.0/24"}]}})",
      R"({"detail": {"c-count": [{"exists": true}]}})",
      R"({"detail": {"e-count": [{"exists": false}]}})",
      R"({"time": [{"prefix": "2017-10-02"}],
          "detail": {"state": [{"anything-but": "initializing"}], "c-count": [{"numeric": [">", 0, "<=", 5]}],
                     "d-count": [{"numeric": ["<", 10]}], "x-limit": [{"anything-but": [100, 200, 300]}],
                     "source-ip": [{"cidr": "10.0.0.0/8"}]}})",
  };
  for (const std::string& pattern : patterns) EXPECT_TRUE(matches(pattern, event)) << pattern;
}

}  // namespace
}  // namespace sluice::pattern::testing
