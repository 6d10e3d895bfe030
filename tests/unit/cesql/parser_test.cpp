#include "stages/filter/cesql/parser.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sluice::cesql {
namespace {

// Renders the tree as an S-expression, to check grouping.
std::string render(const Program& program, std::uint32_t index) {
  const Node& node = program.node(index);
  const auto children = [&](std::size_t from) {
    std::string out;
    for (std::size_t i = from; i < node.children.size(); ++i) out += " " + render(program, node.children[i]);
    return out;
  };
  switch (node.kind) {
    case NodeKind::literal:
      return node.literal.type == Type::string ? "'" + std::string(node.text) + "'" : std::string(node.text);
    case NodeKind::attribute: return std::string(node.name);
    case NodeKind::exists: return "(EXISTS " + std::string(node.name) + ")";
    case NodeKind::logical_not: return "(NOT" + children(0) + ")";
    case NodeKind::negate: return "(-" + children(0) + ")";
    case NodeKind::binary:
    case NodeKind::logic: return "(" + std::string(binary_op_symbol(node.op)) + children(0) + ")";
    case NodeKind::like:
      return std::string(node.negated ? "(NOT LIKE" : "(LIKE") + children(0) + " '" + std::string(node.text) + "')";
    case NodeKind::in: return std::string(node.negated ? "(NOT IN" : "(IN") + children(0) + ")";
    case NodeKind::call: return "(" + std::string(node.name) + children(0) + ")";
    case NodeKind::missing_function: return "(?" + std::string(node.name) + children(0) + ")";
  }
  return "?";
}

std::string tree(std::string_view expression) {
  const ParseResult result = parse(expression);
  if (!result.ok()) return result.error.to_string();
  return render(*result.program, result.program->root);
}

std::string error(std::string_view expression) {
  const ParseResult result = parse(expression);
  return result.ok() ? "parsed: " + render(*result.program, result.program->root) : result.error.to_string();
}

TEST(CesqlParser, Atoms) {
  EXPECT_EQ(tree("42"), "42");
  EXPECT_EQ(tree("'abc'"), "'abc'");
  EXPECT_EQ(tree("tRuE"), "true");
  EXPECT_EQ(tree("subject"), "subject");
  EXPECT_EQ(tree("SOURCE"), "source");  // attribute names are lower case in CloudEvents
  EXPECT_EQ(tree("1abc"), "1abc");
  EXPECT_EQ(tree("EXISTS myext"), "(EXISTS myext)");
}

TEST(CesqlParser, SignsFoldIntoIntegerLiterals) {
  EXPECT_EQ(tree("-2147483648"), "-2147483648");
  EXPECT_EQ(tree("+5"), "5");
  EXPECT_EQ(tree("--10"), "(- -10)");
  EXPECT_EQ(tree("-'10'"), "(- '10')");
  EXPECT_EQ(tree("4-1"), "(- 4 1)");
  EXPECT_EQ(tree("4 -1"), "(- 4 1)");
  EXPECT_EQ(tree("4 + -1"), "(+ 4 -1)");
}

TEST(CesqlParser, IntegerLiteralRange) {
  EXPECT_EQ(tree("2147483647"), "2147483647");
  EXPECT_EQ(tree("0002147483647"), "2147483647");
  EXPECT_EQ(error("2147483648"),
            "CESQL parse error at column 1: integer literal 2147483648 is outside the 32-bit range "
            "-2147483648..2147483647");
  EXPECT_EQ(error("x = -2147483649").substr(0, 31), "CESQL parse error at column 5: ");
  EXPECT_FALSE(parse("99999999999999999999999999").ok());
}

TEST(CesqlParser, ArithmeticPrecedenceAndLeftAssociativity) {
  EXPECT_EQ(tree("4 * 2 + 4 / 2"), "(+ (* 4 2) (/ 4 2))");
  EXPECT_EQ(tree("1 - 2 - 3"), "(- (- 1 2) 3)");
  EXPECT_EQ(tree("1 + 2 = 3"), "(= (+ 1 2) 3)");
  EXPECT_EQ(tree("4 * (2 + 4) / 2"), "(/ (* 4 (+ 2 4)) 2)");
}

TEST(CesqlParser, LogicOperatorsShareOneLevelAndGroupLeftToRight) {
  // Spec 3.6: AND, OR and XOR have equal precedence, evaluated left to right.
  EXPECT_EQ(tree("a AND b OR c"), "(OR (AND a b) c)");
  EXPECT_EQ(tree("a OR b AND c"), "(AND (OR a b) c)");
  EXPECT_EQ(tree("a OR (b AND c)"), "(OR a (AND b c))");
  // Chains of one operator become one node.
  EXPECT_EQ(tree("a AND b AND c AND d"), "(AND a b c d)");
  EXPECT_EQ(tree("(a AND b) AND c"), "(AND (AND a b) c)");
  EXPECT_EQ(tree("a = 1 AND b < 2"), "(AND (= a 1) (< b 2))");
}

TEST(CesqlParser, UnaryOperatorsTakeOnlyAPrimary) {
  EXPECT_EQ(tree("NOT a = b"), "(= (NOT a) b)");
  EXPECT_EQ(tree("NOT (a = b)"), "(NOT (= a b))");
  EXPECT_EQ(tree("-a * b"), "(* (- a) b)");
  EXPECT_EQ(tree("NOT EXISTS time"), "(NOT (EXISTS time))");
  EXPECT_EQ(tree("NOT NOT TRUE"), "(NOT (NOT true))");
  EXPECT_EQ(tree("NOT LOWER(x)"), "(NOT (LOWER x))");
}

TEST(CesqlParser, LikeAndInBindTighterThanBinaryOperators) {
  EXPECT_EQ(tree("a + b LIKE 'x%'"), "(+ a (LIKE b 'x%'))");
  EXPECT_EQ(tree("type LIKE 'a.%' AND x = 1"), "(AND (LIKE type 'a.%') (= x 1))");
  EXPECT_EQ(tree("x NOT LIKE 'a\\_'"), "(NOT LIKE x 'a\\_')");
  EXPECT_EQ(tree("a = b IN (1, 2)"), "(= a (IN b 1 2))");
  EXPECT_EQ(tree("x NOT IN (1, 'a', y, 1 + 2)"), "(NOT IN x 1 'a' y (+ 1 2))");
  EXPECT_EQ(tree("x LIKE 'a' IN (TRUE)"), "(IN (LIKE x 'a') true)");
  EXPECT_EQ(tree("NOT x LIKE 'a'"), "(LIKE (NOT x) 'a')");
}

TEST(CesqlParser, FunctionCalls) {
  EXPECT_EQ(tree("concat_ws(',', a, 'b')"), "(concat_ws ',' a 'b')");
  EXPECT_EQ(tree("CONCAT()"), "(CONCAT)");
  EXPECT_EQ(tree("Int (hop) < INT(ttl)"), "(< (Int hop) (INT ttl))");
  EXPECT_EQ(tree("SUBSTRING('abc', 1)"), "(SUBSTRING 'abc' 1)");
  EXPECT_EQ(tree("SUBSTRING('abc', 1, 2)"), "(SUBSTRING 'abc' 1 2)");
}

TEST(CesqlParser, UndispatchableCallsParseButAreRecordedAsProblems) {
  // Spec 3.5: the call yields false and a MissingFunctionError when evaluated.
  const ParseResult result = parse("CONCAT_WS() OR FOO(1) OR LEFT('a')");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(render(*result.program, result.program->root), "(OR (?CONCAT_WS) (?FOO 1) (?LEFT 'a'))");
  ASSERT_EQ(result.program->problems.size(), 3U);
  EXPECT_EQ(result.program->problems[0].message, "function CONCAT_WS cannot be called with 0 arguments");
  EXPECT_EQ(result.program->problems[1].message, "unknown function FOO");
  EXPECT_EQ(result.program->problems[1].column, 16U);
}

TEST(CesqlParser, DataPathsBecomeJsonPointers) {
  const ParseResult result = parse("DATA('items.0.na~me/x')");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.program->root_node().text, "/items/0/na~0me~1x");
  EXPECT_TRUE(result.program->problems.empty());
  EXPECT_EQ(parse("DATA('a..b')").program->problems.size(), 1U);
  EXPECT_EQ(parse("DATA('a.')").program->problems.size(), 1U);
  EXPECT_EQ(parse("DATA('')").program->root_node().text, "");
}

TEST(CesqlParser, ErrorsNameTheColumn) {
  EXPECT_EQ(error("ABC("), "CESQL parse error at column 5: expected an expression but found end of expression");
  EXPECT_EQ(error("x LIKE 123"),
            "CESQL parse error at column 8: the pattern of LIKE must be a string literal, found integer 123");
  EXPECT_EQ(error("x LIKE y"), "CESQL parse error at column 8: the pattern of LIKE must be a string literal, found 'y'");
  EXPECT_EQ(error("a b"), "CESQL parse error at column 3: unexpected 'b' after a complete expression");
  EXPECT_EQ(error("(1 + 2"), "CESQL parse error at column 7: expected ')' but found end of expression");
  EXPECT_EQ(error("x IN ()"), "CESQL parse error at column 7: the list after IN must not be empty");
  EXPECT_EQ(error("x IN 1"), "CESQL parse error at column 6: expected '(' and a list of values after IN, found integer 1");
  EXPECT_EQ(error("x NOT = 1"), "CESQL parse error at column 3: expected LIKE or IN after NOT, found '='");
  EXPECT_EQ(error("EXISTS 'a'"), "CESQL parse error at column 8: EXISTS needs an attribute name, found string literal");
  EXPECT_EQ(error("my_ext = 1").substr(0, 64), "CESQL parse error at column 1: 'my_ext' is not an attribute name");
  EXPECT_EQ(error("f1(2)"), "CESQL parse error at column 1: 'f1' is not a function name: function names use letters and '_' only");
  EXPECT_EQ(error("+ x"), "CESQL parse error at column 1: unexpected '+': CESQL has no unary plus");
  EXPECT_EQ(error(""), "CESQL parse error at column 1: expected an expression but found end of expression");
  EXPECT_EQ(error("1 = 'x"), "CESQL parse error at column 5: unterminated string literal");
  EXPECT_EQ(error("a AND"), "CESQL parse error at column 6: expected an expression but found end of expression");
  EXPECT_EQ(error("f(1,)"), "CESQL parse error at column 5: expected an expression but found ')'");
}

TEST(CesqlParser, DeepNestingIsRefusedNotACrash) {
  std::string deep(10000, '(');
  deep += "1";
  deep += std::string(10000, ')');
  EXPECT_NE(error(deep).find("nests deeper than"), std::string::npos);

  std::string nots;
  for (int i = 0; i < 10000; ++i) nots += "NOT ";
  EXPECT_NE(error(nots + "TRUE").find("nests deeper than"), std::string::npos);

  std::string sum = "1";
  for (int i = 0; i < 10000; ++i) sum += "+1";
  EXPECT_NE(error(sum).find("nests deeper than"), std::string::npos);

  // Long chains of one logic operator stay flat, so they are fine.
  std::string ors = "type = 'a'";
  for (int i = 0; i < 5000; ++i) ors += " OR type = 'a'";
  EXPECT_TRUE(parse(ors).ok());
}

TEST(CesqlParser, WarnsAboutPrecedenceTraps) {
  EXPECT_EQ(parse("a AND b OR c").program->warnings.size(), 1U);
  EXPECT_EQ(parse("(a AND b) OR c").program->warnings.size(), 0U);
  EXPECT_EQ(parse("a AND b AND c").program->warnings.size(), 0U);
  const ParseResult not_equal = parse("NOT type = 'x'");
  ASSERT_EQ(not_equal.program->warnings.size(), 1U);
  EXPECT_EQ(not_equal.program->warnings[0].message,
            "NOT binds tighter than =: `NOT a = b` means `(NOT a) = b`; write `NOT (a = b)` if that is what you meant");
  EXPECT_EQ(parse("NOT (type = 'x')").program->warnings.size(), 0U);
  EXPECT_EQ(parse("(NOT a) = b").program->warnings.size(), 0U);
}

TEST(CesqlParser, StaticTypes) {
  EXPECT_EQ(parse("1 + 1").program->root_node().static_type, StaticType::integer);
  EXPECT_EQ(parse("LOWER(x)").program->root_node().static_type, StaticType::string);
  EXPECT_EQ(parse("type").program->root_node().static_type, StaticType::string);
  EXPECT_EQ(parse("myext").program->root_node().static_type, StaticType::any);
  EXPECT_EQ(parse("DATA('x')").program->root_node().static_type, StaticType::any);
  EXPECT_EQ(parse("x IN (1)").program->root_node().static_type, StaticType::boolean);
}

}  // namespace
}  // namespace sluice::cesql
