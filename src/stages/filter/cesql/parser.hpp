#pragma once
// Parser for CESQL v1 (CESQLParser.g4), precedence climbing over the spec's order (3.6):
//
//   1. function calls, literals, attributes, EXISTS, ( )      tightest
//   2. NOT x, -x                  (their operand is a level-1 expression)
//   3. x [NOT] LIKE 'pattern'
//   4. x [NOT] IN (a, b, ...)
//   5. * / %
//   6. + -
//   7. = != <> < <= > >=
//   8. AND OR XOR                 one level, grouped left to right (spec 3.6)
//
// So `NOT a = b` is `(NOT a) = b` and `a AND b OR c` is `(a AND b) OR c`, as the spec says; the
// parser leaves a warning in Program::warnings when an expression relies on either.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "stages/filter/cesql/ast.hpp"

namespace sluice::cesql {

// Deeper nesting than this is refused, which bounds the recursion of parser and evaluator.
inline constexpr std::uint32_t kMaxNestingDepth = 500;

struct ParseError {
  std::uint32_t column = 0;  // 1-based, in characters
  std::string message;

  // "CESQL parse error at column N: message"
  std::string to_string() const;
};

struct ParseResult {
  std::unique_ptr<const Program> program;  // null on error
  ParseError error;

  bool ok() const noexcept { return program != nullptr; }
};

// Parses one expression. Never throws on bad input (only std::bad_alloc).
ParseResult parse(std::string_view expression);

}  // namespace sluice::cesql
