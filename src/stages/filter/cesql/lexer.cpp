#include "stages/filter/cesql/lexer.hpp"

#include <array>
#include <utility>

#include "stages/filter/cesql/utf8.hpp"

namespace sluice::cesql {
namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_letter(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool equals_ignore_case(std::string_view a, std::string_view upper) noexcept {
  if (a.size() != upper.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const char c = (a[i] >= 'a' && a[i] <= 'z') ? static_cast<char>(a[i] - 'a' + 'A') : a[i];
    if (c != upper[i]) return false;
  }
  return true;
}

constexpr std::array<std::pair<std::string_view, TokenKind>, 9> kKeywords{{
    {"AND", TokenKind::kw_and},
    {"OR", TokenKind::kw_or},
    {"XOR", TokenKind::kw_xor},
    {"NOT", TokenKind::kw_not},
    {"LIKE", TokenKind::kw_like},
    {"IN", TokenKind::kw_in},
    {"EXISTS", TokenKind::kw_exists},
    {"TRUE", TokenKind::kw_true},
    {"FALSE", TokenKind::kw_false},
}};

std::string describe_char(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x20 && byte < 0x7F) return std::string("'") + c + "'";
  static constexpr char kHex[] = "0123456789ABCDEF";
  return std::string("byte 0x") + kHex[byte >> 4U] + kHex[byte & 0xFU];
}

}  // namespace

std::string_view token_kind_name(TokenKind kind) noexcept {
  switch (kind) {
    case TokenKind::end: return "end of expression";
    case TokenKind::error: return "invalid token";
    case TokenKind::lparen: return "'('";
    case TokenKind::rparen: return "')'";
    case TokenKind::comma: return "','";
    case TokenKind::plus: return "'+'";
    case TokenKind::minus: return "'-'";
    case TokenKind::star: return "'*'";
    case TokenKind::slash: return "'/'";
    case TokenKind::percent: return "'%'";
    case TokenKind::equal: return "'='";
    case TokenKind::not_equal: return "'!='";
    case TokenKind::less: return "'<'";
    case TokenKind::less_equal: return "'<='";
    case TokenKind::greater: return "'>'";
    case TokenKind::greater_equal: return "'>='";
    case TokenKind::kw_and: return "AND";
    case TokenKind::kw_or: return "OR";
    case TokenKind::kw_xor: return "XOR";
    case TokenKind::kw_not: return "NOT";
    case TokenKind::kw_like: return "LIKE";
    case TokenKind::kw_in: return "IN";
    case TokenKind::kw_exists: return "EXISTS";
    case TokenKind::kw_true: return "TRUE";
    case TokenKind::kw_false: return "FALSE";
    case TokenKind::integer: return "integer literal";
    case TokenKind::string: return "string literal";
    case TokenKind::word: return "name";
  }
  return "token";
}

std::uint32_t Lexer::column_of(std::size_t offset) noexcept {
  // Tokens are made in order, so the column only ever moves forward.
  for (; column_offset_ < offset; ++column_offset_) {
    if (!utf8::is_continuation(source_[column_offset_])) ++column_;
  }
  return column_;
}

Token Lexer::make(TokenKind kind, std::size_t start) const {
  Token token;
  token.kind = kind;
  token.offset = static_cast<std::uint32_t>(start);
  token.length = static_cast<std::uint32_t>(pos_ - start);
  return token;
}

Token Lexer::next() {
  while (pos_ < source_.size() && is_space(source_[pos_])) ++pos_;
  const std::size_t start = pos_;
  const std::uint32_t column = column_of(start);
  Token token;
  if (pos_ >= source_.size()) {
    token = make(TokenKind::end, start);
  } else {
    const char c = source_[pos_];
    const char n = pos_ + 1 < source_.size() ? source_[pos_ + 1] : '\0';
    const auto single = [&](TokenKind kind, std::size_t width = 1) {
      pos_ += width;
      return make(kind, start);
    };
    switch (c) {
      case '(': token = single(TokenKind::lparen); break;
      case ')': token = single(TokenKind::rparen); break;
      case ',': token = single(TokenKind::comma); break;
      case '+': token = single(TokenKind::plus); break;
      case '-': token = single(TokenKind::minus); break;
      case '*': token = single(TokenKind::star); break;
      case '/': token = single(TokenKind::slash); break;
      case '%': token = single(TokenKind::percent); break;
      case '=': token = single(TokenKind::equal); break;
      case '!':
        if (n == '=') {
          token = single(TokenKind::not_equal, 2);
        } else {
          token = single(TokenKind::error);
          token.text = "unexpected character '!' (did you mean '!=' or NOT?)";
        }
        break;
      case '<':
        if (n == '=') {
          token = single(TokenKind::less_equal, 2);
        } else if (n == '>') {
          token = single(TokenKind::not_equal, 2);
        } else {
          token = single(TokenKind::less);
        }
        break;
      case '>': token = n == '=' ? single(TokenKind::greater_equal, 2) : single(TokenKind::greater); break;
      case '\'':
      case '"': token = lex_string(start); break;
      default:
        if (is_letter(c) || is_digit(c)) {
          token = lex_word(start);
        } else {
          token = single(TokenKind::error);
          token.text = "unexpected " + describe_char(c);
        }
    }
  }
  token.column = column;
  return token;
}

Token Lexer::lex_string(std::size_t start) {
  // CESQLLexer.g4: a backslash takes the next character with it, and a doubled quote stands
  // for one quote. Only the escape of the delimiting quote is decoded here; other backslash
  // pairs stay as written because LIKE gives `\%` and `\_` their meaning.
  const char quote = source_[start];
  std::string value;
  std::size_t pos = start + 1;
  for (;;) {
    if (pos >= source_.size()) {
      pos_ = source_.size();
      Token token = make(TokenKind::error, start);
      token.text = "unterminated string literal";
      return token;
    }
    const char c = source_[pos];
    if (c == '\\' && pos + 1 < source_.size()) {
      if (source_[pos + 1] != quote) value.push_back('\\');
      value.push_back(source_[pos + 1]);
      pos += 2;
    } else if (c == quote) {
      if (pos + 1 < source_.size() && source_[pos + 1] == quote) {
        value.push_back(quote);
        pos += 2;
      } else {
        ++pos;
        break;
      }
    } else {
      value.push_back(c);
      ++pos;
    }
  }
  pos_ = pos;
  if (!utf8::valid(source_.substr(start, pos - start))) {
    Token token = make(TokenKind::error, start);
    token.text = "string literal is not valid UTF-8";
    return token;
  }
  Token token = make(TokenKind::string, start);
  token.text = std::move(value);
  return token;
}

Token Lexer::lex_word(std::size_t start) {
  bool has_letter = false;
  bool has_digit = false;
  bool has_underscore = false;
  std::size_t pos = start;
  for (; pos < source_.size(); ++pos) {
    const char c = source_[pos];
    if (is_letter(c)) {
      has_letter = true;
    } else if (is_digit(c)) {
      has_digit = true;
    } else if (c == '_') {
      has_underscore = true;
    } else {
      break;
    }
  }
  pos_ = pos;
  const std::string_view text = source_.substr(start, pos - start);
  if (!has_letter && !has_underscore) {
    Token token = make(TokenKind::integer, start);
    token.text = std::string(text);
    return token;
  }
  if (!has_digit && !has_underscore) {
    for (const auto& [keyword, kind] : kKeywords) {
      if (equals_ignore_case(text, keyword)) return make(kind, start);
    }
  }
  Token token = make(TokenKind::word, start);
  token.text = std::string(text);
  token.has_digit = has_digit;
  token.has_underscore = has_underscore;
  return token;
}

}  // namespace sluice::cesql
