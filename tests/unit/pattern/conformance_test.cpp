// Data-driven conformance against aws/event-ruler's own corpora, read at run time from
// SLUICE_CONFORMANCE_DIR (never copied into the repository):
//   src/test/resources/correctness-cases.json  + derived/correctness-cases.expected.json
//   src/test/data/arrayRule*.json x arrayEvent*.json, bigEventRule.json x bigEvent.json
//                                               + derived/array-and-bigevent-matrix.expected.json
//   src/test/data/orRelationshipRules.json, normalRulesWithOrWording.json (valid),
//   wrongOrRelationshipRules.json (invalid)
// The expectations are event-ruler's `default` (Machine.rulesForJSONEvent) results.

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cctype>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "pattern_test_util.hpp"

namespace sluice::pattern::testing {
namespace {

const std::string kRuler = std::string(SLUICE_CONFORMANCE_DIR) + "/event-ruler/";

// Loading happens while tests are registered, where an exception would abort the whole binary;
// problems are collected instead and reported by ConformanceFiles.Loaded.
std::vector<std::string>& load_errors() {
  static std::vector<std::string> errors;
  return errors;
}

template <typename Load>
auto load_or_record(Load load) -> decltype(load()) {
  try {
    return load();
  } catch (const std::exception& error) {
    load_errors().push_back(error.what());
    return {};
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Parses `path` (a JSON array) and returns each member re-serialised.
std::vector<std::string> read_array(const std::string& path, simdjson::dom::parser& parser) {
  simdjson::dom::array array;
  if (parser.load(path).get(array) != simdjson::SUCCESS) throw std::runtime_error("not a JSON array: " + path);
  std::vector<std::string> members;
  for (simdjson::dom::element member : array) members.push_back(simdjson::minify(member));
  return members;
}

// name -> "match"/"no-match" from a derived expectations file (event-ruler's default mode).
std::map<std::string, bool> read_expected(const std::string& path) {
  simdjson::dom::parser parser;
  std::map<std::string, bool> expected;
  for (const std::string& entry : read_array(path, parser)) {
    simdjson::dom::parser entry_parser;
    simdjson::dom::element element = entry_parser.parse(entry);
    expected[std::string(std::string_view(element["name"]))] = std::string_view(element["default"]) == "match";
  }
  return expected;
}

std::string test_name(std::size_t index, const std::string& text) {
  std::string name = std::to_string(index) + "_";
  for (char c : text) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
}

struct MatchCase {
  std::string file;
  std::string name;
  std::string rule;
  std::string event;
  bool expected = false;
};

void PrintTo(const MatchCase& c, std::ostream* out) { *out << c.file << " / " << c.name; }

void run_match_case(const MatchCase& c) {
  SCOPED_TRACE("file: " + c.file + ", case: " + c.name);
  std::string failure;
  bool matched = false;
  try {
    matched = matches(c.rule, c.event);
  } catch (const std::exception& error) {
    failure = error.what();
  }
  ASSERT_EQ(failure, "") << "file: " << c.file << "\ncase: " << c.name << "\nrule: " << c.rule;
  EXPECT_EQ(matched, c.expected) << "file: " << c.file << "\ncase: " << c.name << "\nrule: " << c.rule
                                 << "\nevent: " << (c.event.size() > 2000 ? c.event.substr(0, 2000) + "..." : c.event)
                                 << "\nexpected " << (c.expected ? "match" : "no-match") << ", got "
                                 << (matched ? "match" : "no-match");
}

// ---- correctness-cases.json ----

std::vector<MatchCase> load_correctness_cases() {
  const std::string file = "src/test/resources/correctness-cases.json";
  const std::map<std::string, bool> expected = read_expected(kRuler + "derived/correctness-cases.expected.json");
  simdjson::dom::parser parser;
  std::vector<MatchCase> cases;
  for (const std::string& text : read_array(kRuler + file, parser)) {
    simdjson::dom::parser case_parser;
    simdjson::dom::element element = case_parser.parse(text);
    MatchCase c;
    c.file = "correctness-cases.json";
    c.name = std::string(std::string_view(element["name"]));
    c.rule = simdjson::minify(element["rule"]);
    c.event = simdjson::minify(element["event"]);
    const auto found = expected.find(c.name);
    if (found == expected.end()) throw std::runtime_error("no expectation for case " + c.name);
    c.expected = found->second;
    cases.push_back(std::move(c));
  }
  return cases;
}

std::vector<MatchCase> correctness_cases() { return load_or_record(load_correctness_cases); }

class ConformanceCorrectness : public ::testing::TestWithParam<MatchCase> {};
TEST_P(ConformanceCorrectness, MatchesEventRuler) { run_match_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(ConformanceEventRuler, ConformanceCorrectness, ::testing::ValuesIn(correctness_cases()),
                         [](const auto& info) { return test_name(info.index, info.param.name); });

TEST(ConformanceFiles, CorrectnessCaseCount) { EXPECT_EQ(correctness_cases().size(), 51u); }

// ---- arrayRule x arrayEvent matrix and bigEvent ----

std::vector<MatchCase> load_matrix_cases() {
  const std::map<std::string, bool> expected =
      read_expected(kRuler + "derived/array-and-bigevent-matrix.expected.json");
  std::vector<MatchCase> cases;
  for (const auto& [name, match] : expected) {
    // "arrayRule1.json x arrayEvent2.json"
    const std::size_t cross = name.find(" x ");
    MatchCase c;
    c.file = name;
    c.name = name;
    c.rule = read_file(kRuler + "src/test/data/" + name.substr(0, cross));
    c.event = read_file(kRuler + "src/test/data/" + name.substr(cross + 3));
    c.expected = match;
    cases.push_back(std::move(c));
  }
  return cases;
}

std::vector<MatchCase> matrix_cases() { return load_or_record(load_matrix_cases); }

class ConformanceArrayMatrix : public ::testing::TestWithParam<MatchCase> {};
TEST_P(ConformanceArrayMatrix, MatchesEventRuler) { run_match_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(ConformanceEventRuler, ConformanceArrayMatrix, ::testing::ValuesIn(matrix_cases()),
                         [](const auto& info) { return test_name(info.index, info.param.name); });

TEST(ConformanceFiles, MatrixCaseCount) { EXPECT_EQ(matrix_cases().size(), 17u); }

// ---- $or rule files: compile or reject ----

struct RuleCase {
  std::string file;
  std::size_t index = 0;
  std::string rule;
  bool valid = false;
};

void PrintTo(const RuleCase& c, std::ostream* out) { *out << c.file << " rule " << c.index; }

std::vector<RuleCase> load_rule_cases() {
  std::vector<RuleCase> cases;
  for (const auto& [file, valid] : std::vector<std::pair<std::string, bool>>{
           {"orRelationshipRules.json", true},
           {"normalRulesWithOrWording.json", true},
           {"wrongOrRelationshipRules.json", false}}) {
    simdjson::dom::parser parser;
    std::size_t index = 0;
    for (const std::string& rule : read_array(kRuler + "src/test/data/" + file, parser)) {
      cases.push_back(RuleCase{file, index++, rule, valid});
    }
  }
  return cases;
}

std::vector<RuleCase> rule_cases() { return load_or_record(load_rule_cases); }

class ConformanceOrRules : public ::testing::TestWithParam<RuleCase> {};
TEST_P(ConformanceOrRules, CompilesOrIsRejected) {
  const RuleCase& c = GetParam();
  const std::string error = compile_error(c.rule);
  if (c.valid) {
    EXPECT_EQ(error, "") << "file: " << c.file << "\nrule " << c.index << ": " << c.rule;
  } else {
    EXPECT_NE(error, "") << "file: " << c.file << "\nrule " << c.index << " was accepted: " << c.rule;
  }
}
INSTANTIATE_TEST_SUITE_P(ConformanceEventRuler, ConformanceOrRules, ::testing::ValuesIn(rule_cases()),
                         [](const auto& info) { return test_name(info.index, info.param.file); });

TEST(ConformanceFiles, OrRuleCounts) { EXPECT_EQ(rule_cases().size(), 5u + 4u + 2u); }

// The valid $or rules also behave as their expansions say (JsonRuleCompilerTest's expected
// compiled forms, checked through matching).
TEST(ConformanceOrSemantics, OrRelationshipRulesFile) {
  simdjson::dom::parser parser;
  const std::vector<std::string> rules = read_array(kRuler + "src/test/data/orRelationshipRules.json", parser);
  ASSERT_EQ(rules.size(), 5u);
  const std::vector<std::pair<std::string, std::vector<bool>>> events = {
      {R"({"metricName": "CPUUtilization"})", {true, false, false, false, false}},
      {R"({"namespace": "AWS/ES", "detail": {"source": "aws.cloudwatch"}})", {true, true, false, false, false}},
      {R"({"source": "aws.cloudwatch", "metricType": "MetricType", "namespace": "AWS/EC2"})",
       {true, false, true, false, false}},
      {R"({"source": "aws.cloudwatch", "metricType": "MetricType", "namespace": "AWS/EC2", "metricId": 1234})",
       {true, false, true, true, false}},
      {R"({"source": "aws.cloudwatch", "scope": "Service"})", {false, false, true, true, false}},
      {R"({"source": "aws.cloudwatch", "detail": {"state": {"value": "ALARM"}},
           "withoutConfiguration": {"metric": {"name": "AWS/Default"}}})",
       {false, false, false, false, true}},
      {R"({"source": "aws.cloudwatch", "detail": {"state": {"value": "ALARM"}},
           "withConfiguration": {"metrics": [{"metricStat": {"metric": {"namespace": "AWS/EC2"}}}]}})",
       {false, false, false, false, true}},
  };
  for (const auto& [event, expected] : events) {
    for (std::size_t i = 0; i < rules.size(); ++i) {
      EXPECT_EQ(matches(rules[i], event), expected[i])
          << "file: orRelationshipRules.json\nrule " << i << ": " << rules[i] << "\nevent: " << event;
    }
  }
}

TEST(ConformanceFiles, Loaded) {
  correctness_cases();
  matrix_cases();
  rule_cases();
  EXPECT_TRUE(load_errors().empty()) << "corpus under " << kRuler << ": " << load_errors().front();
}

}  // namespace
}  // namespace sluice::pattern::testing
