// Arrays: an array field matches when any element matches, and fields used by one match must not
// come from different elements of the same array (array consistency). Cases from event-ruler
// ACMachineTest/README and quamina arrays_test.go.

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "pattern_test_util.hpp"

namespace sluice::pattern::testing {
namespace {

TEST(PatternArrays, AnyElementOfAScalarArrayMatches) {
  EXPECT_TRUE(matches(R"({"resources": ["r2"]})", R"({"resources": ["r1", "r2"]})"));
  EXPECT_FALSE(matches(R"({"resources": ["r3"]})", R"({"resources": ["r1", "r2"]})"));
  EXPECT_TRUE(matches(R"({"a": [3]})", R"({"a": [[1, 2], [3]]})"));
  EXPECT_TRUE(matches(R"({"a": {"b": [1]}})", R"({"a": [{"b": [0, 1]}]})"));
}

TEST(PatternArrays, EmployeesFromTheReadme) {
  const std::string flat = R"({"employees": [{"firstName": "John", "lastName": "Doe"},
                                              {"firstName": "Anna", "lastName": "Smith"},
                                              {"firstName": "Peter", "lastName": "Jones"}]})";
  const std::string nested = R"({"employees": [[{"firstName": "John", "lastName": "Doe"},
                                                {"firstName": "Anna", "lastName": "Smith"}],
                                               [{"firstName": "Peter", "lastName": "Jones"}]]})";
  for (const std::string& event : {flat, nested}) {
    EXPECT_TRUE(matches(R"({"employees": {"firstName": ["Anna"]}})", event));
    EXPECT_TRUE(matches(R"({"employees": {"firstName": ["Anna"], "lastName": ["Smith"]}})", event));
    EXPECT_FALSE(matches(R"({"employees": {"firstName": ["Anna"], "lastName": ["Jones"]}})", event));
  }
}

TEST(PatternArrays, SongsAcrossNestedArrays) {
  const std::string songs = R"({
    "Year": 1966,
    "Genres": [{"Pop": true}, {"Classical": false}],
    "Songs": [
      {"Name": "Paperback Writer",
       "Writers": [{"First": "John", "Last": "Lennon"}, {"First": "Paul", "Last": "McCartney"}]},
      {"Name": "Paint It Black",
       "Writers": [{"First": "Mick", "Last": "Jagger"}, {"First": "Keith", "Last": "Richards"}]}]})";
  for (const char* good :
       {R"({"Year": [1966], "Songs": {"Name": ["Paperback Writer"], "Writers": {"First": ["Paul"], "Last": ["McCartney"]}}})",
        R"({"Genres": {"Pop": [true]}, "Songs": {"Name": ["Paint It Black"]}})",
        R"({"Year": [1966], "Songs": {"Name": ["Paint It Black"]}})",
        R"({"Songs": {"Name": ["Paperback Writer"], "Writers": {"First": ["Paul"], "Last": ["McCartney"]}}})"}) {
    EXPECT_TRUE(matches(good, songs)) << good;
  }
  for (const char* bad :
       {R"({"Year": [1966], "Songs": {"Name": ["Paperback Writer"], "Writers": {"First": ["Mick"]}}})",
        R"({"Songs": {"Writers": {"First": ["Mick"], "Last": ["McCartney"]}}})",
        R"({"Genres": {"Pop": [true]}, "Songs": {"Writers": {"First": ["Mick"], "Last": ["McCartney"]}}})",
        R"({"Genres": {"Pop": [true], "Classical": [false]}})"}) {
    EXPECT_FALSE(matches(bad, songs)) << bad;
  }
}

TEST(PatternArrays, ScalarElementsAreCompatibleWithObjectSiblings) {
  // event-ruler intensitiesACTest: 287.48 and {"pp": "index0"} are elements of one inner array,
  // but only object (and array) elements take part in array consistency.
  const std::string event = R"({"lines": [{"intensities": [[0.5]],
    "points": [[[{"pp": "index0"}, 483.3474497412421, 287.48116291799363],
                [{"pp": "index1"}, 489.9999497412421, 299.99996291799363]]]}]})";
  EXPECT_TRUE(matches(R"({"lines": {"points": [287.48116291799363], "points": {"pp": ["index0"]}}})", event));
  EXPECT_FALSE(matches(R"({"lines": {"points": [287.48116291799363], "points": {"pp": ["index7"]}}})", event));
}

TEST(PatternArrays, BandsFromQuamina) {
  const std::string bands = R"({"bands": [
    {"name": "The Clash", "members": [{"given": "Joe", "surname": "Strummer", "role": ["guitar", "vocals"]},
                                      {"given": "Mick", "surname": "Jones", "role": ["guitar", "vocals"]},
                                      {"given": "Paul", "surname": "Simonon", "role": ["bass"]},
                                      {"given": "Topper", "surname": "Headon", "role": ["drums"]}]},
    {"name": "Boris", "members": [{"given": "Wata", "role": ["guitar", "vocals"]},
                                  {"given": "Atsuo", "role": ["drums"]},
                                  {"given": "Takeshi", "role": ["bass", "vocals"]}]}]})";
  EXPECT_TRUE(matches(R"({"bands": {"members": {"given": ["Mick"], "surname": ["Jones"]}}})", bands));
  EXPECT_FALSE(matches(R"({"bands": {"members": {"given": ["Mick"], "surname": ["Strummer"]}}})", bands));
  EXPECT_TRUE(matches(R"({"bands": {"name": ["Boris"], "members": {"given": ["Wata"], "role": ["vocals"]}}})", bands));
  EXPECT_FALSE(matches(R"({"bands": {"name": ["Boris"], "members": {"given": ["Joe"]}}})", bands));
  EXPECT_FALSE(matches(R"({"bands": {"members": {"given": ["Atsuo"], "role": ["vocals"]}}})", bands));
  EXPECT_TRUE(matches(R"({"bands": {"members": {"given": ["Takeshi"], "role": ["vocals"]}}})", bands));
}

TEST(PatternArrays, ExistsFalseIsCheckedWithinTheChosenElement) {
  const std::string rule = R"({"d": {"a": [{"exists": true}], "b": [{"exists": false}]}})";
  EXPECT_TRUE(matches(rule, R"({"d": [{"a": 1}]})"));
  EXPECT_FALSE(matches(rule, R"({"d": [{"a": 1, "b": 2}]})"));
  // The element holding a has no b; the b in another element is not visible from it.
  EXPECT_TRUE(matches(rule, R"({"d": [{"a": 1}, {"b": 2}]})"));
  EXPECT_TRUE(matches(rule, R"({"d": [{"a": 1, "b": 2}, {"a": 3}]})"));
  EXPECT_FALSE(matches(rule, R"({"d": [{"a": 1, "b": 2}, {"a": 3, "b": 4}]})"));
  // A b outside the array is visible from every element.
  EXPECT_FALSE(matches(R"({"d": {"a": [{"exists": true}]}, "b": [{"exists": false}]})",
                       R"({"d": [{"a": 1}], "b": 0})"));
  // Only-absence patterns.
  EXPECT_TRUE(matches(R"({"d": {"b": [{"exists": false}]}})", R"({"d": [{"a": 1}]})"));
  EXPECT_FALSE(matches(R"({"d": {"b": [{"exists": false}]}})", R"({"d": [{"a": 1}, {"b": 2}]})"));
}

TEST(PatternArrays, AnythingButAndNumericPickTheirOwnElement) {
  EXPECT_TRUE(matches(R"({"u": {"s": [{"anything-but": "banned"}], "n": ["bob"]}})",
                      R"({"u": [{"n": "alice", "s": "banned"}, {"n": "bob", "s": "active"}]})"));
  EXPECT_FALSE(matches(R"({"u": {"s": [{"anything-but": "banned"}], "n": ["alice"]}})",
                       R"({"u": [{"n": "alice", "s": "banned"}, {"n": "bob", "s": "active"}]})"));
  EXPECT_TRUE(matches(R"({"i": {"p": [{"numeric": [">", 100]}], "n": ["g"]}})",
                      R"({"i": [{"n": "w", "p": 50}, {"n": "g", "p": 200}]})"));
  EXPECT_FALSE(matches(R"({"i": {"p": [{"numeric": [">", 100]}], "n": ["w"]}})",
                       R"({"i": [{"n": "w", "p": 50}, {"n": "g", "p": 200}]})"));
}

TEST(PatternArrays, LargeArraysStayLinear) {
  // Many partial elements and the valid pair in the last one (event-ruler perf scenario shapes).
  std::string event = R"({"d": [)";
  for (int i = 0; i < 5000; ++i) event += R"({"a": )" + std::to_string(i) + "},";
  for (int i = 0; i < 5000; ++i) event += R"({"b": )" + std::to_string(i) + "},";
  event += R"({"a": -1, "b": -1}]})";
  EXPECT_TRUE(matches(R"({"d": {"a": [{"exists": true}], "b": [{"exists": true}]}})", event));
  EXPECT_TRUE(matches(R"({"d": {"a": [-1], "b": [{"numeric": ["<", 0]}]}})", event));
  EXPECT_FALSE(matches(R"({"d": {"a": [5], "b": [5]}})", event));
}

TEST(PatternArrays, ExponentialChoicesAreCutOffNotStalled) {
  // 16 sibling arrays whose elements each offer one of two conditions: 2^16 incomparable
  // combinations. The search gives up (no match, which is also the true answer here) quickly.
  std::string pattern = "{";
  std::string unsatisfiable = "{";
  std::string satisfiable = "{";
  for (int i = 0; i < 16; ++i) {
    const std::string name = "a" + std::to_string(i);
    pattern += std::string(i ? "," : "") + "\"" + name + R"(": {"p": [1], "q": [1]})";
    unsatisfiable += std::string(i ? "," : "") + "\"" + name + R"(": [{"p": 1}, {"q": 1}])";
    satisfiable += std::string(i ? "," : "") + "\"" + name + R"(": [{"p": 1}, {"q": 1}, {"p": 1, "q": 1}])";
  }
  pattern += "}";
  unsatisfiable += "}";
  satisfiable += "}";
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(matches(pattern, unsatisfiable));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_TRUE(matches(pattern, satisfiable));
}

}  // namespace
}  // namespace sluice::pattern::testing
