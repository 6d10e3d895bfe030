// The CloudEvents SQL TCK (cesql-tck/cesql/cesql_tck/*.yaml), read at run time: one test per
// file, each failure naming the file, case, expression, expected and actual outcome.

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "stages/filter/cesql/evaluator.hpp"
#include "stages/filter/cesql/parser.hpp"
#include "stages/filter/filter_context.hpp"
#include "test_event.hpp"

namespace sluice::cesql {
namespace {

namespace fs = std::filesystem;

fs::path tck_dir() { return fs::path(SLUICE_CONFORMANCE_DIR) / "cesql-tck" / "cesql" / "cesql_tck"; }

std::vector<std::string> tck_files() {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(tck_dir(), ec)) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path().stem().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::atomic<int> g_cases{0};
std::atomic<int> g_passed{0};

// A YAML scalar typed the way the TCK means it: quoted scalars are strings; plain ones are
// booleans or integers when they look like one (YAML 1.2 core schema), strings otherwise.
struct Expected {
  Value value;
  std::string text;  // owns the string of a String value
};

Expected typed_scalar(const YAML::Node& node) {
  Expected expected;
  expected.text = node.Scalar();
  const bool quoted = node.Tag() == "!";
  static const std::regex kBool("true|True|TRUE|false|False|FALSE");
  static const std::regex kInt("[-+]?[0-9]+");
  if (!quoted && std::regex_match(expected.text, kBool)) {
    expected.value = Value::of_bool(expected.text[0] == 't' || expected.text[0] == 'T');
  } else if (!quoted && std::regex_match(expected.text, kInt)) {
    expected.value = Value::of_int(std::stoi(expected.text));
  } else {
    expected.value = Value::of_string({});
    expected.value.type = Type::string;
  }
  return expected;
}

void apply_attributes(const YAML::Node& map, testing::OwnedEvent& event) {
  for (const auto& entry : map) {
    const std::string name = entry.first.as<std::string>();
    const Expected value = typed_scalar(entry.second);
    static const std::vector<std::string> kContext = {"specversion", "id",     "source",  "type",
                                                      "datacontenttype", "dataschema", "subject", "time"};
    if (std::find(kContext.begin(), kContext.end(), name) != kContext.end()) {
      event.set(name, value.text);
    } else if (value.value.type == Type::boolean) {
      event.set_bool(name, value.value.boolean);
    } else if (value.value.type == Type::integer) {
      event.set_int(name, value.text);
    } else {
      event.set(name, value.text);
    }
  }
}

std::string describe_expected(const Expected& expected) {
  if (expected.value.type == Type::string) return "String '" + expected.text + "'";
  return describe_value(expected.value);
}

bool same_value(const Value& actual, const Expected& expected) {
  if (actual.type != expected.value.type) return false;
  switch (actual.type) {
    case Type::boolean: return actual.boolean == expected.value.boolean;
    case Type::integer: return actual.integer == expected.value.integer;
    case Type::string: return actual.string == expected.text;
  }
  return false;
}

// Runs one case; returns an empty string when it passes, otherwise what went wrong.
std::string run_case(const YAML::Node& test) {
  const std::string expression = test["expression"].as<std::string>();
  const std::optional<std::string> expected_error =
      test["error"] ? std::optional(test["error"].as<std::string>()) : std::nullopt;
  std::optional<Expected> expected_result;
  if (test["result"]) expected_result = typed_scalar(test["result"]);

  const ParseResult parsed = parse(expression);
  if (expected_error == "parse") {
    if (parsed.ok()) return "expected a parse error, but it parsed";
    // A failed parse has no value; by the spec's rule for unknown types it reads as false.
    if (expected_result && !(expected_result->value.type == Type::boolean && !expected_result->value.boolean)) {
      return "expected result " + describe_expected(*expected_result) + " with a parse error";
    }
    return {};
  }
  if (!parsed.ok()) return "unexpected " + parsed.error.to_string();

  testing::OwnedEvent event;
  if (test["event"]) {
    event.set("specversion", "").set("id", "").set("source", "").set("type", "");
    apply_attributes(test["event"], event);
  }
  if (test["eventOverrides"]) apply_attributes(test["eventOverrides"], event);

  FilterContext context;
  EvalScratch scratch;
  const EvalResult result = evaluate(*parsed.program, event, context, scratch);

  std::string failure;
  if (expected_result && !same_value(result.value, *expected_result)) {
    failure += "expected " + describe_expected(*expected_result) + ", got " + describe_value(result.value) + ". ";
  }
  std::string actual_errors;
  bool other_kinds = false;
  for (const EvalError& error : result.errors) {
    actual_errors += "[" + describe_error(*parsed.program, error) + "] ";
    if (!expected_error || error_kind_name(error.kind) != *expected_error) other_kinds = true;
  }
  if (expected_error) {
    if (result.errors.empty()) failure += "expected a " + *expected_error + " error, got none. ";
    if (other_kinds) failure += "expected only " + *expected_error + " errors, got " + actual_errors;
  } else if (!result.errors.empty()) {
    failure += "expected no error, got " + actual_errors;
  }
  return failure;
}

class TckFile : public ::testing::TestWithParam<std::string> {};

TEST_P(TckFile, AllCasesPass) {
  const fs::path file = tck_dir() / (GetParam() + ".yaml");
  const YAML::Node suite = YAML::LoadFile(file.string());
  ASSERT_TRUE(suite["tests"].IsSequence()) << file;
  int passed = 0;
  int total = 0;
  for (const YAML::Node& test : suite["tests"]) {
    ++total;
    const std::string failure = run_case(test);
    if (failure.empty()) {
      ++passed;
      continue;
    }
    ADD_FAILURE() << file.filename().string() << ": case \"" << test["name"].as<std::string>() << "\"\n"
                  << "  expression: " << test["expression"].as<std::string>() << "\n"
                  << "  " << failure;
  }
  g_cases += total;
  g_passed += passed;
  std::cout << "[ TCK      ] " << GetParam() << ": " << passed << "/" << total << " cases pass\n";
}

INSTANTIATE_TEST_SUITE_P(Tck, TckFile, ::testing::ValuesIn(tck_files()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(TckFile);

// Prints the grand total once all files ran.
class TckTotal : public ::testing::Environment {
 public:
  void TearDown() override {
    if (g_cases > 0) std::cout << "[ TCK      ] total: " << g_passed << "/" << g_cases << " cases pass\n";
  }
};
const auto* const kTckTotal = ::testing::AddGlobalTestEnvironment(new TckTotal);

}  // namespace
}  // namespace sluice::cesql
