#include "stages/filter/cesql/cesql_filter.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>

#include "stages/filter/filter_context.hpp"
#include "test_event.hpp"

namespace sluice::cesql {
namespace {

using testing::OwnedEvent;

std::string compile_error(std::string_view expression) {
  try {
    CesqlFilter::compile(expression);
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "compiled";
}

TEST(CesqlFilter, CompileErrorsAreOneClearLine) {
  EXPECT_EQ(compile_error("type = "), "CESQL parse error at column 8: expected an expression but found end of expression");
  EXPECT_EQ(compile_error("type = 'a' AND FOO(type)"), "CESQL error at column 16: unknown function FOO");
  EXPECT_EQ(compile_error("LEFT(type) = 'a'"), "CESQL error at column 1: function LEFT cannot be called with 1 argument");
  EXPECT_EQ(compile_error("DATA('a..b') = 1"), "CESQL error at column 6: DATA path 'a..b' has an empty segment");
  EXPECT_EQ(compile_error("1 + 1"),
            "CESQL error: the expression yields an Integer, a filter needs a Boolean (a comparison, LIKE, IN, EXISTS, ...)");
  EXPECT_EQ(compile_error("LOWER(type)").substr(0, 44), "CESQL error: the expression yields a String,");
  EXPECT_EQ(compile_error("type"), "CESQL error: the expression yields a String, a filter needs a Boolean (a comparison, LIKE, IN, EXISTS, ...)");
  EXPECT_EQ(compile_error("myflag"), "compiled");  // a Boolean extension is fine
}

TEST(CesqlFilter, MatchesOnlyBooleanTrueWithoutErrors) {
  FilterContext context;
  OwnedEvent event;
  event.set("type", "org.apache.cloudstack.vm.start").set_bool("urgent", true).set("name", "x");
  event.json_data(R"({"status":"Completed"})");

  EXPECT_TRUE(CesqlFilter::compile("type LIKE 'org.apache.cloudstack.%' AND DATA('status') = 'Completed'")
                  ->matches(event, context));
  EXPECT_FALSE(CesqlFilter::compile("type LIKE 'org.apache.cloudstack.%' AND DATA('status') = 'Failed'")
                   ->matches(event, context));
  EXPECT_TRUE(CesqlFilter::compile("urgent")->matches(event, context));
  EXPECT_FALSE(CesqlFilter::compile("name")->matches(event, context));  // a String, not a Boolean
  // An error anywhere means no match, even when the value is true (spec 1.2).
  EXPECT_TRUE(CesqlFilter::compile("TRUE OR missing = 1")->matches(event, context));  // never looked at
  EXPECT_FALSE(CesqlFilter::compile("missing = 1 OR TRUE")->matches(event, context));
  EXPECT_FALSE(CesqlFilter::compile("1 / 0 = 0 OR TRUE")->matches(event, context));
  EXPECT_FALSE(CesqlFilter::compile("DATA('nope') != 'x'")->matches(event, context));
  EXPECT_TRUE(CesqlFilter::compile("NOT EXISTS region OR region = 'eu'")->matches(event, context));
}

TEST(CesqlFilter, EvaluateGivesTheWholeOutcome) {
  FilterContext context;
  EvalScratch scratch;
  const auto filter = CesqlFilter::compile("region = 'eu'");
  const EvalResult result = filter->evaluate(OwnedEvent{}, context, scratch);
  EXPECT_FALSE(result.value.is_true());
  ASSERT_EQ(result.errors.size(), 1U);
  EXPECT_EQ(describe_error(filter->program(), *result.errors.begin()),
            "MissingAttributeError at column 1: the event has no attribute 'region'");
}

TEST(CesqlFilter, WarningsAreReadyToLog) {
  const auto filter = CesqlFilter::compile("type = 'a' OR type = 'b' AND source = 'c'");
  ASSERT_EQ(filter->warnings().size(), 1U);
  EXPECT_EQ(filter->warnings()[0].substr(0, 27), "CESQL warning at column 1: ");
  EXPECT_TRUE(CesqlFilter::compile("type = 'a' OR (type = 'b' AND source = 'c')")->warnings().empty());
}

TEST(CesqlFilter, ConcurrentMatchesWithOwnContexts) {
  const auto filter =
      CesqlFilter::compile("CONCAT(LOWER(type), '/', DATA('n')) IN ('a/1', 'b/2') AND DATA('n') > 0");
  const auto worker = [&](const char* type, const char* data, bool expected) {
    FilterContext context;
    OwnedEvent event;
    event.set("type", type).json_data(data);
    for (int i = 0; i < 2000; ++i) {
      if (filter->matches(event, context) != expected) {
        ADD_FAILURE() << type << " " << data;
        return;
      }
    }
  };
  std::thread a(worker, "A", R"({"n":1})", true);
  std::thread b(worker, "B", R"({"n":2})", true);
  std::thread c(worker, "C", R"({"n":3})", false);
  a.join();
  b.join();
  c.join();
}

}  // namespace
}  // namespace sluice::cesql
