#include "stages/filter/cesql/evaluator.hpp"

#include <gtest/gtest.h>

#include "run_expression.hpp"

namespace sluice::cesql {
namespace {

using testing::OwnedEvent;
using testing::run;

TEST(CesqlEvaluator, Arithmetic) {
  EXPECT_EQ(run("7 / 2"), "Integer 3");
  EXPECT_EQ(run("-7 / 2"), "Integer -3");  // rounds towards zero
  EXPECT_EQ(run("-7 % 3"), "Integer -1");  // sign of the dividend
  EXPECT_EQ(run("7 % -3"), "Integer 1");
  EXPECT_EQ(run("5 % 0"), "Integer 0 [math]");
  EXPECT_EQ(run("-2147483648 % -1"), "Integer 0");
}

TEST(CesqlEvaluator, IntegerOverflowSaturatesWithAMathError) {
  EXPECT_EQ(run("2147483647 + 1"), "Integer 2147483647 [math]");
  EXPECT_EQ(run("-2147483648 - 1"), "Integer -2147483648 [math]");
  EXPECT_EQ(run("65536 * 65536"), "Integer 2147483647 [math]");
  EXPECT_EQ(run("-2147483648 / -1"), "Integer 2147483647 [math]");
  EXPECT_EQ(run("-(-2147483648)"), "Integer 2147483647 [math]");
  EXPECT_EQ(run("ABS(-2147483648)"), "Integer 2147483647 [math]");
  EXPECT_EQ(run("ABS(-2147483647)"), "Integer 2147483647");
}

TEST(CesqlEvaluator, ImplicitCastsForArithmeticAndComparison) {
  EXPECT_EQ(run("'5' + TRUE"), "Integer 6");
  EXPECT_EQ(run("'+5' + 1"), "Integer 6");
  EXPECT_EQ(run("'abc' + 1"), "Integer 1 [cast]");
  EXPECT_EQ(run("' 5' + 1"), "Integer 1 [cast]");  // no blanks in integers
  EXPECT_EQ(run("'2147483648' + 0"), "Integer 0 [cast]");
  EXPECT_EQ(run("'10' < '9'"), "Boolean false");  // < is Integer only
  EXPECT_EQ(run("'abc' < 'abd'"), "Boolean false [cast, cast]");
}

TEST(CesqlEvaluator, EqualityCastsTheLeftOperandToTheRightOperandsType) {
  EXPECT_EQ(run("'5' = 5"), "Boolean true");
  EXPECT_EQ(run("5 = '5'"), "Boolean true");
  EXPECT_EQ(run("5 = '05'"), "Boolean false");  // compared as Strings
  EXPECT_EQ(run("'05' = 5"), "Boolean true");   // compared as Integers
  EXPECT_EQ(run("TRUE = 'true'"), "Boolean true");
  EXPECT_EQ(run("'TRUE' = TRUE"), "Boolean true");
  EXPECT_EQ(run("TRUE = 1"), "Boolean true");
  EXPECT_EQ(run("'x' != 1"), "Boolean true [cast]");
}

TEST(CesqlEvaluator, IntegersAreNotImplicitlyBooleans) {
  // The TCK's `NOT 10` (true plus a CastError); BOOL() is the explicit way.
  EXPECT_EQ(run("NOT 10"), "Boolean true [cast]");
  EXPECT_EQ(run("NOT BOOL(10)"), "Boolean false");
  EXPECT_EQ(run("1 AND TRUE"), "Boolean false [cast]");
  EXPECT_EQ(run("1 = TRUE"), "Boolean false [cast]");
  EXPECT_EQ(run("TRUE IN (1, 2)"), "Boolean false [cast, cast]");
}

TEST(CesqlEvaluator, ErrorsMakeEveryEnclosingOperatorYieldItsZeroValue) {
  EXPECT_EQ(run("missing"), "Boolean false [missingAttribute]");
  EXPECT_EQ(run("missing = 2"), "Boolean false [missingAttribute]");
  EXPECT_EQ(run("missing != 2"), "Boolean false [missingAttribute]");
  EXPECT_EQ(run("NOT missing"), "Boolean false [missingAttribute]");
  EXPECT_EQ(run("NOT (missing = 2)"), "Boolean false [missingAttribute]");
  EXPECT_EQ(run("NOT (1 / 0 = 1)"), "Boolean false [math]");
  EXPECT_EQ(run("(1 / 0) + 5"), "Integer 0 [math]");
  EXPECT_EQ(run("NOT NOT 10"), "Boolean false [cast]");
  EXPECT_EQ(run("1 / missing"), "Integer 0 [missingAttribute]");
  EXPECT_EQ(run("missing LIKE '%'"), "Boolean false [missingAttribute]");
  EXPECT_EQ(run("missing NOT LIKE 'a'"), "Boolean false [missingAttribute]");
  EXPECT_EQ(run("missing IN (1)"), "Boolean false [missingAttribute]");
  EXPECT_EQ(run("1 NOT IN (2, missing)"), "Boolean false [missingAttribute]");
  EXPECT_EQ(run("LENGTH(missing)"), "Integer 0 [missingAttribute]");
  EXPECT_EQ(run("CONCAT('a', missing, 'b')"), "String '' [missingAttribute]");
  EXPECT_EQ(run("missing OR TRUE"), "Boolean false [missingAttribute]");
  EXPECT_EQ(run("TRUE AND missing"), "Boolean false [missingAttribute]");
  EXPECT_EQ(run("missing OR FALSE OR TRUE"), "Boolean false [missingAttribute]");
  EXPECT_EQ(run("LENGTH(1 / 0)"), "Integer 0 [math]");
  EXPECT_EQ(run("UPPER(CONCAT('a', missing))"), "String '' [missingAttribute]");
  EXPECT_EQ(run("EXISTS missing"), "Boolean false");
  EXPECT_EQ(run("EXISTS missing AND missing = 1"), "Boolean false");
}

TEST(CesqlEvaluator, AndOrShortCircuit) {
  EXPECT_EQ(run("FALSE AND 1 / 0 = 0"), "Boolean false");
  EXPECT_EQ(run("TRUE OR 1 / 0 = 0"), "Boolean true");
  EXPECT_EQ(run("TRUE AND TRUE AND FALSE AND 1 / 0 = 0"), "Boolean false");
  EXPECT_EQ(run("FALSE OR 1 / 0 = 0"), "Boolean false [math]");
  EXPECT_EQ(run("TRUE XOR 1 / 0 = 0"), "Boolean false [math]");
}

TEST(CesqlEvaluator, MixedLogicGroupsLeftToRight) {
  EXPECT_EQ(run("TRUE OR FALSE AND FALSE"), "Boolean false");  // (TRUE OR FALSE) AND FALSE
  EXPECT_EQ(run("FALSE AND FALSE OR TRUE"), "Boolean true");
  EXPECT_EQ(run("TRUE XOR TRUE XOR TRUE"), "Boolean true");
}

TEST(CesqlEvaluator, InComparesInTheLeftOperandsType) {
  EXPECT_EQ(run("'1' IN (1, 2)"), "Boolean true");
  EXPECT_EQ(run("1 IN ('x', '01')"), "Boolean true [cast]");
  EXPECT_EQ(run("1 IN ('1', 'x')"), "Boolean true");  // stops comparing at the match
  EXPECT_EQ(run("'b' NOT IN ('a', 'c')"), "Boolean true");
  EXPECT_EQ(run("type IN ('x', type)"), "Boolean true");
}

TEST(CesqlEvaluator, ContextAttributesAndExtensions) {
  OwnedEvent event;
  event.set("subject", "vm-1").set("time", "2024-01-01T00:00:00Z").set("region", "eu");
  event.set_int("sequence", "42").set_bool("urgent", true).set_int("huge", "9999999999");
  EXPECT_EQ(run("id", event), "String 'test-id'");
  EXPECT_EQ(run("subject", event), "String 'vm-1'");
  EXPECT_EQ(run("dataschema", event), "Boolean false [missingAttribute]");
  EXPECT_EQ(run("sequence", event), "Integer 42");
  EXPECT_EQ(run("sequence + 1", event), "Integer 43");
  EXPECT_EQ(run("urgent", event), "Boolean true");
  EXPECT_EQ(run("huge", event), "String '9999999999'");  // not a CESQL Integer, so a String
  EXPECT_EQ(run("EXISTS subject AND EXISTS region AND NOT EXISTS dataschema", event), "Boolean true");
  EXPECT_EQ(run("REGION = 'eu'", event), "Boolean true");
}

TEST(CesqlEvaluator, RequiredAttributesAlwaysExist) {
  OwnedEvent event;
  event.set("id", "");  // cannot happen after validation; EXISTS must still say true
  EXPECT_EQ(run("EXISTS id AND EXISTS source AND EXISTS specversion AND EXISTS type", event), "Boolean true");
  EXPECT_EQ(run("id", event), "String ''");
}

TEST(CesqlEvaluator, Like) {
  EXPECT_EQ(run("'h\xC3\xA9llo' LIKE 'h_llo'"), "Boolean true");  // _ is one character, not one byte
  EXPECT_EQ(run("'C:\\dir' LIKE 'C:\\d%'"), "Boolean true");     // \d is a backslash and a d
  EXPECT_EQ(run("123 LIKE '1%3'"), "Boolean true");
  EXPECT_EQ(run("-5 LIKE '-_'"), "Boolean true");
  EXPECT_EQ(run("FALSE NOT LIKE 'f%'"), "Boolean false");
}

TEST(CesqlEvaluator, StringFunctionsCountCharacters) {
  EXPECT_EQ(run("LENGTH('h\xC3\xA9llo')"), "Integer 5");
  EXPECT_EQ(run("LENGTH(-123)"), "Integer 4");
  EXPECT_EQ(run("LEFT('h\xC3\xA9llo', 2)"), "String 'h\xC3\xA9'");
  EXPECT_EQ(run("RIGHT('h\xC3\xA9llo', 4)"), "String '\xC3\xA9llo'");
  EXPECT_EQ(run("RIGHT('abc', 0)"), "String ''");
  EXPECT_EQ(run("LEFT('abc', 'x')"), "String '' [cast]");
  EXPECT_EQ(run("SUBSTRING('h\xC3\xA9llo', 2, 2)"), "String '\xC3\xA9l'");
  EXPECT_EQ(run("SUBSTRING('abcdef', 6)"), "String 'f'");
  EXPECT_EQ(run("SUBSTRING('abcdef', -6)"), "String 'abcdef'");
  EXPECT_EQ(run("SUBSTRING('abcdef', 7)"), "String '' [functionEvaluation]");
  EXPECT_EQ(run("SUBSTRING('abcdef', 2, 0)"), "String ''");
  EXPECT_EQ(run("SUBSTRING('abcdef', 2, -1)"), "String '' [functionEvaluation]");
  EXPECT_EQ(run("SUBSTRING('', 0)"), "String ''");
  EXPECT_EQ(run("SUBSTRING('', 1)"), "String '' [functionEvaluation]");
  EXPECT_EQ(run("SUBSTRING('abc', 2, 2147483647)"), "String 'bc'");
}

TEST(CesqlEvaluator, CaseMappingAndTrim) {
  EXPECT_EQ(run("UPPER('stra\xC3\x9F" "e \xC3\xA9t\xC3\xA9')"), "String 'STRA\xC3\x9F" "E \xC3\x89T\xC3\x89'");
  EXPECT_EQ(run("LOWER('\xCE\xA3\xCE\x9F\xCE\xA6\xCE\x99\xCE\x91')"), "String '\xCF\x83\xCE\xBF\xCF\x86\xCE\xB9\xCE\xB1'");
  EXPECT_EQ(run("UPPER('\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82')"),
            "String '\xD0\x9F\xD0\xA0\xD0\x98\xD0\x92\xD0\x95\xD0\xA2'");
  EXPECT_EQ(run("LOWER(TRUE)"), "String 'true'");
  EXPECT_EQ(run("UPPER(12)"), "String '12'");
  EXPECT_EQ(run("TRIM('\t\n a b \xC2\xA0\xE3\x80\x80')"), "String 'a b'");  // Unicode white space too
  EXPECT_EQ(run("TRIM('   ')"), "String ''");
}

TEST(CesqlEvaluator, Concat) {
  EXPECT_EQ(run("CONCAT('a', 1, TRUE)"), "String 'a1true'");
  EXPECT_EQ(run("CONCAT_WS('-', 'a', 2, 'c')"), "String 'a-2-c'");
  EXPECT_EQ(run("CONCAT_WS(1, 'a', 'b')"), "String 'a1b'");
  EXPECT_EQ(run("CONCAT(CONCAT('a', 'b'), LOWER('C'), UPPER('d'))"), "String 'abcD'");
  EXPECT_EQ(run("CONCAT('a', 'b') = 'ab'"), "Boolean true");
}

TEST(CesqlEvaluator, CastingFunctions) {
  EXPECT_EQ(run("INT('+7')"), "Integer 7");
  EXPECT_EQ(run("INT('7.5')"), "Integer 0 [cast]");
  EXPECT_EQ(run("BOOL('tRuE')"), "Boolean true");
  EXPECT_EQ(run("BOOL('yes')"), "Boolean false [cast]");
  EXPECT_EQ(run("STRING(-2147483648)"), "String '-2147483648'");
  EXPECT_EQ(run("STRING(1 + 1)"), "String '2'");
  EXPECT_EQ(run("IS_BOOL('False') AND IS_BOOL(TRUE) AND NOT IS_BOOL(1) AND NOT IS_BOOL('x')"), "Boolean true");
  EXPECT_EQ(run("IS_INT('-12') AND IS_INT(3) AND NOT IS_INT(TRUE) AND NOT IS_INT('1e3')"), "Boolean true");
}

TEST(CesqlEvaluator, MissingFunctionIsFalseWithAnError) {
  EXPECT_EQ(run("NOPE(1)"), "Boolean false [missingFunction]");
  EXPECT_EQ(run("LENGTH('a', 'b') OR TRUE"), "Boolean false [missingFunction]");
}

TEST(CesqlEvaluator, ErrorListKeepsCountingPastItsCapacity) {
  // An operator's own errors do not stop it: IN casts every element it compares.
  std::string expression = "1 IN ('a'";
  for (int i = 0; i < 19; ++i) expression += ", 'a'";
  expression += ")";
  const ParseResult parsed = parse(expression);
  ASSERT_TRUE(parsed.ok());
  FilterContext context;
  EvalScratch scratch;
  const EvalResult result = evaluate(*parsed.program, testing::default_event(), context, scratch);
  EXPECT_EQ(result.errors.size(), 20U);
  EXPECT_EQ(std::distance(result.errors.begin(), result.errors.end()), 8);
  EXPECT_TRUE(result.errors.has(ErrorKind::cast));
  EXPECT_FALSE(result.errors.has(ErrorKind::math));
  EXPECT_EQ(describe_error(*parsed.program, *result.errors.begin()),
            "CastError at column 7: the String is not a base-10 32-bit integer");
}

TEST(CesqlEvaluator, ErrorDescriptions) {
  const ParseResult parsed = parse("region = 'eu' AND INT('x') = 1");
  FilterContext context;
  EvalScratch scratch;
  const EvalResult result = evaluate(*parsed.program, testing::default_event(), context, scratch);
  ASSERT_EQ(result.errors.size(), 1U);  // AND stops at the missing attribute
  EXPECT_EQ(describe_error(*parsed.program, *result.errors.begin()),
            "MissingAttributeError at column 1: the event has no attribute 'region'");
}

TEST(CesqlEvaluator, ScratchIsReusedAcrossEvaluations) {
  const ParseResult parsed = parse("CONCAT(LOWER(type), '-', UPPER(id))");
  FilterContext context;
  EvalScratch scratch;
  OwnedEvent first;
  first.set("type", "A").set("id", "b");
  OwnedEvent second;
  second.set("type", "C").set("id", "d");
  EXPECT_EQ(evaluate(*parsed.program, first, context, scratch).value.string, "a-B");
  EXPECT_EQ(evaluate(*parsed.program, second, context, scratch).value.string, "c-D");
}

}  // namespace
}  // namespace sluice::cesql
