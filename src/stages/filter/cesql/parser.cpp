#include "stages/filter/cesql/parser.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <optional>
#include <utility>

#include "stages/filter/cesql/functions.hpp"
#include "stages/filter/cesql/lexer.hpp"

namespace sluice::cesql {
namespace {

// Binding strength of the operators that follow an operand; larger binds tighter.
enum Precedence : std::uint32_t {
  kLogic = 1,
  kComparison = 2,
  kAdditive = 3,
  kMultiplicative = 4,
  kIn = 5,
  kLike = 6,
  kUnaryOperand = 7,  // NOT and - take only a primary (which may itself be NOT or -)
};

constexpr std::array<std::pair<std::string_view, Attribute>, 8> kAttributes{{
    {"id", Attribute::id},
    {"source", Attribute::source},
    {"specversion", Attribute::specversion},
    {"type", Attribute::type},
    {"datacontenttype", Attribute::datacontenttype},
    {"dataschema", Attribute::dataschema},
    {"subject", Attribute::subject},
    {"time", Attribute::time},
}};

// Thrown inside the parser only; parse() turns it into a ParseError.
struct Failure {
  ParseError error;
};

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string upper_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string describe(const Token& token) {
  switch (token.kind) {
    case TokenKind::integer: return "integer " + token.text;
    case TokenKind::word: return "'" + token.text + "'";
    case TokenKind::string: return "string literal";
    default: return std::string(token_kind_name(token.kind));
  }
}

// DATA('a.b.0') reads JSON pointer /a/b/0: dots separate members, and a member that is all
// digits also indexes arrays (simdjson's at_pointer decides by the value it meets).
std::string data_path_to_pointer(std::string_view path) {
  std::string pointer;
  if (path.empty()) return pointer;
  pointer.push_back('/');
  for (const char c : path) {
    if (c == '.') {
      pointer.push_back('/');
    } else if (c == '~') {
      pointer += "~0";
    } else if (c == '/') {
      pointer += "~1";
    } else {
      pointer.push_back(c);
    }
  }
  return pointer;
}

bool is_comparison(BinaryOp op) noexcept { return op >= BinaryOp::equal && op <= BinaryOp::greater_equal; }

class Parser {
 public:
  Parser(std::string_view source, Program& program) : lexer_(source), program_(program) {
    current_ = lexer_.next();
    check_lexical(current_);
  }

  void parse_program() {
    program_.root = parse_expression(kLogic);
    if (current_.kind != TokenKind::end) {
      fail(current_.column, "unexpected " + describe(current_) + " after a complete expression");
    }
  }

 private:
  [[noreturn]] static void fail(std::uint32_t column, std::string message) {
    throw Failure{ParseError{column, std::move(message)}};
  }

  void check_lexical(const Token& token) {
    if (token.kind == TokenKind::error) fail(token.column, token.text);
  }

  void advance() {
    if (has_peek_) {
      current_ = std::move(peek_);
      has_peek_ = false;
    } else {
      current_ = lexer_.next();
    }
    check_lexical(current_);
  }

  const Token& peek() {
    if (!has_peek_) {
      peek_ = lexer_.next();
      check_lexical(peek_);
      has_peek_ = true;
    }
    return peek_;
  }

  void expect(TokenKind kind, std::string_view what) {
    if (current_.kind != kind) {
      fail(current_.column, "expected " + std::string(what) + " but found " + describe(current_));
    }
    advance();
  }

  std::uint32_t add(Node node) {
    std::uint32_t depth = 1;
    for (const std::uint32_t child : node.children) depth = std::max(depth, depths_[child] + 1);
    if (depth > kMaxNestingDepth) {
      fail(node.column, "expression nests deeper than " + std::to_string(kMaxNestingDepth) + " levels");
    }
    program_.nodes.push_back(std::move(node));
    depths_.push_back(depth);
    return static_cast<std::uint32_t>(program_.nodes.size() - 1);
  }

  Node& at(std::uint32_t index) { return program_.nodes[index]; }

  void warn_if_not_operand(std::uint32_t operand, std::string_view op) {
    const Node& n = at(operand);
    if (n.kind == NodeKind::logical_not && !n.parenthesized) {
      program_.warnings.push_back(Diagnostic{
          n.column, "NOT binds tighter than " + std::string(op) + ": `NOT a " + std::string(op) +
                        " b` means `(NOT a) " + std::string(op) + " b`; write `NOT (a " + std::string(op) +
                        " b)` if that is what you meant"});
    }
  }

  // Precedence climbing: operators weaker than `min_precedence` are left to the caller.
  std::uint32_t parse_expression(std::uint32_t min_precedence) {
    if (++nesting_ > kMaxNestingDepth) {
      fail(current_.column, "expression nests deeper than " + std::to_string(kMaxNestingDepth) + " levels");
    }
    std::uint32_t lhs = parse_prefix();
    for (;;) {
      const TokenKind kind = current_.kind;
      bool negated = false;
      if (kind == TokenKind::kw_not) {
        const TokenKind after = peek().kind;
        if (after != TokenKind::kw_like && after != TokenKind::kw_in) {
          if (min_precedence > kIn) break;  // let the caller report it in context
          fail(current_.column, "expected LIKE or IN after NOT, found " + describe(peek_));
        }
        negated = true;
      }
      const TokenKind op_kind = negated ? peek().kind : kind;
      if (op_kind == TokenKind::kw_like) {
        if (kLike < min_precedence) break;
        lhs = parse_like(lhs, negated);
      } else if (op_kind == TokenKind::kw_in) {
        if (kIn < min_precedence) break;
        lhs = parse_in(lhs, negated);
      } else if (const auto binary = binary_operator(kind)) {
        const auto [op, precedence] = *binary;
        if (precedence < min_precedence) break;
        lhs = parse_binary(lhs, op, precedence);
      } else {
        break;
      }
    }
    --nesting_;
    return lhs;
  }

  static std::optional<std::pair<BinaryOp, std::uint32_t>> binary_operator(TokenKind kind) {
    switch (kind) {
      case TokenKind::star: return std::pair{BinaryOp::multiply, kMultiplicative};
      case TokenKind::slash: return std::pair{BinaryOp::divide, kMultiplicative};
      case TokenKind::percent: return std::pair{BinaryOp::modulo, kMultiplicative};
      case TokenKind::plus: return std::pair{BinaryOp::add, kAdditive};
      case TokenKind::minus: return std::pair{BinaryOp::subtract, kAdditive};
      case TokenKind::equal: return std::pair{BinaryOp::equal, kComparison};
      case TokenKind::not_equal: return std::pair{BinaryOp::not_equal, kComparison};
      case TokenKind::less: return std::pair{BinaryOp::less, kComparison};
      case TokenKind::less_equal: return std::pair{BinaryOp::less_equal, kComparison};
      case TokenKind::greater: return std::pair{BinaryOp::greater, kComparison};
      case TokenKind::greater_equal: return std::pair{BinaryOp::greater_equal, kComparison};
      case TokenKind::kw_and: return std::pair{BinaryOp::logical_and, kLogic};
      case TokenKind::kw_or: return std::pair{BinaryOp::logical_or, kLogic};
      case TokenKind::kw_xor: return std::pair{BinaryOp::logical_xor, kLogic};
      default: return std::nullopt;
    }
  }

  std::uint32_t parse_binary(std::uint32_t lhs, BinaryOp op, std::uint32_t precedence) {
    advance();
    const std::uint32_t rhs = parse_expression(precedence + 1);  // left-associative
    if (precedence == kLogic) return add_logic(lhs, op, rhs);
    warn_if_not_operand(lhs, binary_op_symbol(op));
    Node node;
    node.kind = NodeKind::binary;
    node.op = op;
    node.column = at(lhs).column;
    node.static_type = is_comparison(op) ? StaticType::boolean : StaticType::integer;
    node.children = {lhs, rhs};
    return add(std::move(node));
  }

  std::uint32_t add_logic(std::uint32_t lhs, BinaryOp op, std::uint32_t rhs) {
    Node& left = at(lhs);
    if (left.kind == NodeKind::logic && !left.parenthesized) {
      if (left.op == op) {
        // `a AND b AND c` becomes one node with three operands: same meaning, shallower tree.
        left.children.push_back(rhs);
        depths_[lhs] = std::max(depths_[lhs], depths_[rhs] + 1);
        if (depths_[lhs] > kMaxNestingDepth) fail(left.column, "expression nests too deeply");
        return lhs;
      }
      program_.warnings.push_back(Diagnostic{
          left.column, "AND, OR and XOR have equal precedence and group left to right, so `a " +
                           std::string(binary_op_symbol(left.op)) + " b " + std::string(binary_op_symbol(op)) +
                           " c` means `(a " + std::string(binary_op_symbol(left.op)) + " b) " +
                           std::string(binary_op_symbol(op)) + " c`; add parentheses to say which you mean"});
    }
    Node node;
    node.kind = NodeKind::logic;
    node.op = op;
    node.column = left.column;
    node.static_type = StaticType::boolean;
    node.children = {lhs, rhs};
    return add(std::move(node));
  }

  std::uint32_t parse_like(std::uint32_t lhs, bool negated) {
    if (negated) advance();  // NOT
    advance();               // LIKE
    if (current_.kind != TokenKind::string) {
      fail(current_.column, "the pattern of LIKE must be a string literal, found " + describe(current_));
    }
    warn_if_not_operand(lhs, "LIKE");
    program_.patterns.push_back(LikePattern::compile(current_.text));
    const std::string_view pattern_text = program_.intern(std::move(current_.text));
    advance();
    Node node;
    node.kind = NodeKind::like;
    node.text = pattern_text;
    node.negated = negated;
    node.column = at(lhs).column;
    node.static_type = StaticType::boolean;
    node.pattern = static_cast<std::uint32_t>(program_.patterns.size() - 1);
    node.children = {lhs};
    return add(std::move(node));
  }

  std::uint32_t parse_in(std::uint32_t lhs, bool negated) {
    if (negated) advance();  // NOT
    advance();               // IN
    warn_if_not_operand(lhs, "IN");
    Node node;
    node.kind = NodeKind::in;
    node.negated = negated;
    node.column = at(lhs).column;
    node.static_type = StaticType::boolean;
    node.children = {lhs};
    if (current_.kind != TokenKind::lparen) {
      fail(current_.column, "expected '(' and a list of values after IN, found " + describe(current_));
    }
    advance();
    if (current_.kind == TokenKind::rparen) fail(current_.column, "the list after IN must not be empty");
    for (;;) {
      node.children.push_back(parse_expression(kLogic));
      if (current_.kind != TokenKind::comma) break;
      advance();
    }
    expect(TokenKind::rparen, "',' or ')' in the list after IN");
    node.literal_set = std::all_of(node.children.begin() + 1, node.children.end(),
                                   [&](std::uint32_t child) { return at(child).kind == NodeKind::literal; });
    return add(std::move(node));
  }

  std::uint32_t parse_prefix() {
    const std::uint32_t column = current_.column;
    switch (current_.kind) {
      case TokenKind::kw_not: {
        advance();
        Node node;
        node.kind = NodeKind::logical_not;
        node.column = column;
        node.static_type = StaticType::boolean;
        node.children = {parse_expression(kUnaryOperand)};
        return add(std::move(node));
      }
      case TokenKind::minus:
      case TokenKind::plus: {
        const bool minus = current_.kind == TokenKind::minus;
        advance();
        // A sign before digits belongs to the literal (CESQL's integer-literal), which is what
        // lets -2147483648 be written at all.
        if (current_.kind == TokenKind::integer) return parse_integer(column, minus);
        if (!minus) fail(column, "unexpected '+': CESQL has no unary plus");
        Node node;
        node.kind = NodeKind::negate;
        node.column = column;
        node.static_type = StaticType::integer;
        node.children = {parse_expression(kUnaryOperand)};
        return add(std::move(node));
      }
      case TokenKind::integer: return parse_integer(column, false);
      case TokenKind::string: {
        const std::string_view text = program_.intern(std::move(current_.text));
        advance();
        return add_literal(column, Value::of_string(text), text);
      }
      case TokenKind::kw_true:
      case TokenKind::kw_false: {
        const bool value = current_.kind == TokenKind::kw_true;
        advance();
        return add_literal(column, Value::of_bool(value), value ? "true" : "false");
      }
      case TokenKind::lparen: {
        advance();
        const std::uint32_t inner = parse_expression(kLogic);
        expect(TokenKind::rparen, "')'");
        at(inner).parenthesized = true;
        return inner;
      }
      case TokenKind::kw_exists: {
        advance();
        if (current_.kind != TokenKind::word) {
          fail(current_.column, "EXISTS needs an attribute name, found " + describe(current_));
        }
        Node node = attribute_node(current_);
        advance();
        node.kind = NodeKind::exists;
        node.column = column;
        node.static_type = StaticType::boolean;
        return add(std::move(node));
      }
      case TokenKind::word: {
        if (peek().kind == TokenKind::lparen) return parse_call();
        Node node = attribute_node(current_);
        advance();
        return add(std::move(node));
      }
      default: fail(column, "expected an expression but found " + describe(current_));
    }
  }

  std::uint32_t parse_integer(std::uint32_t column, bool negative) {
    // Accumulate in 64 bits; anything longer than 10 digits is out of range anyway.
    const std::string& digits = current_.text;
    const std::string_view significant =
        std::string_view(digits).substr(std::min(digits.find_first_not_of('0'), digits.size()));
    std::int64_t magnitude = 0;
    const bool too_long = significant.size() > 10;
    if (!too_long) std::from_chars(significant.data(), significant.data() + significant.size(), magnitude);
    const std::int64_t value = negative ? -magnitude : magnitude;
    if (too_long || value > std::numeric_limits<std::int32_t>::max() ||
        value < std::numeric_limits<std::int32_t>::min()) {
      fail(column, "integer literal " + std::string(negative ? "-" : "") + digits +
                       " is outside the 32-bit range -2147483648..2147483647");
    }
    advance();
    const auto i = static_cast<std::int32_t>(value);
    return add_literal(column, Value::of_int(i), program_.intern(std::to_string(i)));
  }

  std::uint32_t add_literal(std::uint32_t column, Value value, std::string_view text) {
    Node node;
    node.kind = NodeKind::literal;
    node.column = column;
    node.literal = value;
    node.text = text;
    node.static_type = value.type == Type::boolean   ? StaticType::boolean
                       : value.type == Type::integer ? StaticType::integer
                                                     : StaticType::string;
    return add(std::move(node));
  }

  Node attribute_node(const Token& token) {
    if (token.has_underscore) {
      fail(token.column, "'" + token.text +
                             "' is not an attribute name: CloudEvents attribute names use only a-z and 0-9"
                             " (function calls need parentheses)");
    }
    Node node;
    node.kind = NodeKind::attribute;
    node.column = token.column;
    // Attribute names are lower case by the CloudEvents spec, so `SOURCE` can only mean source.
    node.name = program_.intern(lower_ascii(token.text));
    node.static_type = StaticType::any;
    for (const auto& [name, attribute] : kAttributes) {
      if (node.name == name) {
        node.attribute = attribute;
        node.static_type = StaticType::string;
      }
    }
    return node;
  }

  std::uint32_t parse_call() {
    const Token name = std::move(current_);
    if (name.has_digit || !((name.text[0] >= 'a' && name.text[0] <= 'z') || (name.text[0] >= 'A' && name.text[0] <= 'Z'))) {
      fail(name.column, "'" + name.text + "' is not a function name: function names use letters and '_' only");
    }
    advance();  // name
    advance();  // (
    Node node;
    node.column = name.column;
    node.name = program_.intern(name.text);
    if (current_.kind != TokenKind::rparen) {
      for (;;) {
        node.children.push_back(parse_expression(kLogic));
        if (current_.kind != TokenKind::comma) break;
        advance();
      }
    }
    expect(TokenKind::rparen, "',' or ')' in the arguments of " + name.text);

    const std::string upper = upper_ascii(name.text);
    const FunctionSignature* signature = find_function(upper, node.children.size());
    if (signature == nullptr) {
      node.kind = NodeKind::missing_function;
      node.static_type = StaticType::boolean;
      const FunctionSignature* other = find_function_name(upper);
      std::string message =
          other == nullptr
              ? "unknown function " + name.text
              : "function " + upper + " cannot be called with " + std::to_string(node.children.size()) +
                    " argument" + (node.children.size() == 1 ? "" : "s");
      program_.problems.push_back(Diagnostic{name.column, std::move(message)});
      return add(std::move(node));
    }
    node.kind = NodeKind::call;
    node.function = signature->function;
    node.static_type = signature->result;
    if (signature->function == Function::data) prepare_data_call(node);
    return add(std::move(node));
  }

  void prepare_data_call(Node& node) {
    const Node& argument = at(node.children[0]);
    if (argument.kind != NodeKind::literal || argument.literal.type != Type::string) return;  // resolved per event
    const std::string_view path = argument.literal.string;
    if (!path.empty() && (path.front() == '.' || path.back() == '.' || path.find("..") != std::string_view::npos)) {
      program_.problems.push_back(
          Diagnostic{argument.column, "DATA path '" + std::string(path) + "' has an empty segment"});
    }
    node.text = program_.intern(data_path_to_pointer(path));
  }

  Lexer lexer_;
  Program& program_;
  Token current_;
  Token peek_;
  bool has_peek_ = false;
  std::uint32_t nesting_ = 0;
  std::vector<std::uint32_t> depths_;
};

}  // namespace

std::string ParseError::to_string() const {
  return "CESQL parse error at column " + std::to_string(column) + ": " + message;
}

std::string_view binary_op_symbol(BinaryOp op) noexcept {
  switch (op) {
    case BinaryOp::multiply: return "*";
    case BinaryOp::divide: return "/";
    case BinaryOp::modulo: return "%";
    case BinaryOp::add: return "+";
    case BinaryOp::subtract: return "-";
    case BinaryOp::equal: return "=";
    case BinaryOp::not_equal: return "!=";
    case BinaryOp::less: return "<";
    case BinaryOp::less_equal: return "<=";
    case BinaryOp::greater: return ">";
    case BinaryOp::greater_equal: return ">=";
    case BinaryOp::logical_and: return "AND";
    case BinaryOp::logical_or: return "OR";
    case BinaryOp::logical_xor: return "XOR";
  }
  return "?";
}

ParseResult parse(std::string_view expression) {
  auto program = std::make_unique<Program>();
  program->source = std::string(expression);
  ParseResult result;
  try {
    Parser parser(program->source, *program);
    parser.parse_program();
  } catch (Failure& failure) {
    result.error = std::move(failure.error);
    return result;
  }
  result.program = std::move(program);
  return result;
}

}  // namespace sluice::cesql
