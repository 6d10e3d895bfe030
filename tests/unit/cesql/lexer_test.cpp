#include "stages/filter/cesql/lexer.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace sluice::cesql {
namespace {

std::vector<Token> lex_all(std::string_view source) {
  Lexer lexer(source);
  std::vector<Token> tokens;
  for (;;) {
    tokens.push_back(lexer.next());
    if (tokens.back().kind == TokenKind::end || tokens.back().kind == TokenKind::error) return tokens;
  }
}

std::vector<TokenKind> kinds(std::string_view source) {
  std::vector<TokenKind> out;
  for (const Token& token : lex_all(source)) out.push_back(token.kind);
  return out;
}

TEST(CesqlLexer, OperatorsIncludingTwoCharacterOnes) {
  using K = TokenKind;
  EXPECT_EQ(kinds("( ) , + - * / % = != <> < <= > >="),
            (std::vector<K>{K::lparen, K::rparen, K::comma, K::plus, K::minus, K::star, K::slash, K::percent,
                            K::equal, K::not_equal, K::not_equal, K::less, K::less_equal, K::greater,
                            K::greater_equal, K::end}));
  EXPECT_EQ(kinds("a<>b"), (std::vector<K>{K::word, K::not_equal, K::word, K::end}));
}

TEST(CesqlLexer, KeywordsAreCaseInsensitive) {
  using K = TokenKind;
  EXPECT_EQ(kinds("and Or XOR nOt like In exists TRUE false"),
            (std::vector<K>{K::kw_and, K::kw_or, K::kw_xor, K::kw_not, K::kw_like, K::kw_in, K::kw_exists,
                            K::kw_true, K::kw_false, K::end}));
}

TEST(CesqlLexer, KeywordLookalikesAreWords) {
  const auto tokens = lex_all("andy in1 not_x");
  ASSERT_EQ(tokens.size(), 4U);
  EXPECT_EQ(tokens[0].kind, TokenKind::word);
  EXPECT_EQ(tokens[1].kind, TokenKind::word);
  EXPECT_TRUE(tokens[1].has_digit);
  EXPECT_EQ(tokens[2].kind, TokenKind::word);
  EXPECT_TRUE(tokens[2].has_underscore);
}

TEST(CesqlLexer, DigitsAloneAreIntegersDigitsWithLettersAreWords) {
  const auto tokens = lex_all("123 123abc");
  EXPECT_EQ(tokens[0].kind, TokenKind::integer);
  EXPECT_EQ(tokens[0].text, "123");
  EXPECT_EQ(tokens[1].kind, TokenKind::word);
  EXPECT_EQ(tokens[1].text, "123abc");
}

TEST(CesqlLexer, SignIsAlwaysASeparateToken) {
  using K = TokenKind;
  EXPECT_EQ(kinds("-5"), (std::vector<K>{K::minus, K::integer, K::end}));
  EXPECT_EQ(kinds("4-1"), (std::vector<K>{K::integer, K::minus, K::integer, K::end}));
}

TEST(CesqlLexer, StringEscapes) {
  // Only the delimiting quote is unescaped; other backslash pairs stay for LIKE.
  EXPECT_EQ(lex_all(R"('a"b\'c')")[0].text, R"(a"b'c)");
  EXPECT_EQ(lex_all(R"("a'b\"c")")[0].text, R"(a'b"c)");
  EXPECT_EQ(lex_all(R"('a\%b\_c\d')")[0].text, R"(a\%b\_c\d)");
  EXPECT_EQ(lex_all(R"('a\\')")[0].text, R"(a\\)");
  // The grammar's doubled quote.
  EXPECT_EQ(lex_all("'it''s'")[0].text, "it's");
  EXPECT_EQ(lex_all(R"("say ""hi""")")[0].text, R"(say "hi")");
  EXPECT_EQ(lex_all("''")[0].text, "");
}

TEST(CesqlLexer, UnterminatedString) {
  const auto tokens = lex_all("x = 'abc");
  EXPECT_EQ(tokens.back().kind, TokenKind::error);
  EXPECT_EQ(tokens.back().column, 5U);
  EXPECT_EQ(tokens.back().text, "unterminated string literal");
  EXPECT_EQ(lex_all(R"('abc\')").back().kind, TokenKind::error);
  EXPECT_EQ(lex_all("'abc\\").back().kind, TokenKind::error);
}

TEST(CesqlLexer, InvalidUtf8InStringIsAnError) {
  const auto tokens = lex_all("'a\xC3'");
  EXPECT_EQ(tokens.back().kind, TokenKind::error);
  EXPECT_EQ(lex_all("'h\xC3\xA9llo'")[0].kind, TokenKind::string);
}

TEST(CesqlLexer, UnexpectedCharacters) {
  EXPECT_EQ(lex_all("a ! b")[1].kind, TokenKind::error);
  EXPECT_EQ(lex_all("a & b")[1].text, "unexpected '&'");
  EXPECT_EQ(lex_all("_a")[0].kind, TokenKind::error);
  EXPECT_EQ(lex_all("\x01")[0].text, "unexpected byte 0x01");
  EXPECT_EQ(lex_all("a\fb")[1].kind, TokenKind::error);  // only space, tab, CR and LF are blanks
}

TEST(CesqlLexer, ColumnsCountCharacters) {
  const auto tokens = lex_all("'h\xC3\xA9' =\n\tx");
  EXPECT_EQ(tokens[0].column, 1U);
  EXPECT_EQ(tokens[1].column, 6U);
  EXPECT_EQ(tokens[2].column, 9U);
}

}  // namespace
}  // namespace sluice::cesql
