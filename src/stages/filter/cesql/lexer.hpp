#pragma once
// Tokenizer for CESQL v1 (CESQLLexer.g4), with keywords matched case-insensitively (spec 2).
//
// Differences from the ANTLR lexer, all of which only turn its parse errors into meaning:
// signs are always separate tokens (the parser folds `-` / `+` directly before digits into the
// literal), so `4-1` is a subtraction rather than two adjacent integers.

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::cesql {

enum class TokenKind : std::uint8_t {
  end,
  error,  // `text` holds the message
  lparen,
  rparen,
  comma,
  plus,
  minus,
  star,
  slash,
  percent,
  equal,
  not_equal,  // != and <>
  less,
  less_equal,
  greater,
  greater_equal,
  kw_and,
  kw_or,
  kw_xor,
  kw_not,
  kw_like,
  kw_in,
  kw_exists,
  kw_true,
  kw_false,
  integer,  // unsigned digits; `text` is the digits
  string,   // `text` is the decoded value
  word,     // identifier or function name; `text` is as written
};

std::string_view token_kind_name(TokenKind kind) noexcept;

struct Token {
  TokenKind kind = TokenKind::end;
  std::uint32_t column = 0;  // 1-based, in characters
  std::uint32_t offset = 0;  // byte offset in the expression
  std::uint32_t length = 0;  // bytes in the expression
  std::string text;
  bool has_digit = false;       // word only
  bool has_underscore = false;  // word only
};

// Produces tokens one by one. A Lexer views `source`, which must outlive it.
class Lexer {
 public:
  explicit Lexer(std::string_view source) noexcept : source_(source) {}

  Token next();

 private:
  Token make(TokenKind kind, std::size_t start) const;
  Token lex_string(std::size_t start);
  Token lex_word(std::size_t start);
  std::uint32_t column_of(std::size_t offset) noexcept;

  std::string_view source_;
  std::size_t pos_ = 0;
  // Incremental column bookkeeping: columns count characters, not bytes.
  std::size_t column_offset_ = 0;
  std::uint32_t column_ = 1;
};

}  // namespace sluice::cesql
