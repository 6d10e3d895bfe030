#pragma once
// The parsed form of a CESQL expression: a flat array of nodes addressed by index.
//
// Lifetime and thread-safety: a Program is built once by parse() and never changes afterwards;
// it is shared read-only by every worker that evaluates it. Nodes view strings that the Program
// itself owns, so a Program is neither copyable nor movable (hold it by unique_ptr).

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "stages/filter/cesql/like_pattern.hpp"
#include "stages/filter/cesql/value.hpp"

namespace sluice::cesql {

enum class NodeKind : std::uint8_t {
  literal,           // `literal`
  attribute,         // `attribute`, `name`
  exists,            // EXISTS `attribute` / `name`
  logical_not,       // NOT children[0]
  negate,            // -children[0]
  binary,            // children[0] `op` children[1]: arithmetic and comparison
  logic,             // children[0] `op` children[1] `op` ...: a left-to-right chain of one of AND/OR/XOR
  like,              // children[0] [NOT] LIKE patterns[`pattern`]
  in,                // children[0] [NOT] IN (children[1..])
  call,              // `function`(children...)
  missing_function,  // a call that matches no function: `name`, arity = children.size()
};

enum class BinaryOp : std::uint8_t {
  multiply,
  divide,
  modulo,
  add,
  subtract,
  equal,
  not_equal,
  less,
  less_equal,
  greater,
  greater_equal,
  logical_and,
  logical_or,
  logical_xor,
};

std::string_view binary_op_symbol(BinaryOp op) noexcept;

// The context attributes of CloudEvents 1.0 that Event has fields for; anything else is an
// extension looked up by name.
enum class Attribute : std::uint8_t {
  id,
  source,
  specversion,
  type,
  datacontenttype,
  dataschema,
  subject,
  time,
  extension,
};

enum class Function : std::uint8_t {
  length,
  concat,
  concat_ws,
  lower,
  upper,
  trim,
  left,
  right,
  substring,
  abs,
  to_int,
  to_bool,
  to_string,
  is_bool,
  is_int,
  data,  // sluice: DATA('path.to.field') reads the event's JSON data
};

// What the parser can tell about a node's result type before any event is seen.
enum class StaticType : std::uint8_t { boolean, integer, string, any };

struct Node {
  NodeKind kind = NodeKind::literal;
  BinaryOp op = BinaryOp::equal;
  Function function = Function::length;
  Attribute attribute = Attribute::extension;
  StaticType static_type = StaticType::any;
  bool negated = false;        // NOT LIKE, NOT IN
  bool parenthesized = false;  // written inside ( ), for the precedence warnings
  bool literal_set = false;    // in: every element is a literal
  std::uint32_t column = 0;    // 1-based, where the node's text starts
  std::uint32_t pattern = 0;   // index into Program::patterns (like)
  Value literal;               // literal
  std::string_view name;       // attribute (lower case), function as written
  // literal: its String form, so casting a literal never needs scratch space.
  // like: the pattern as written (decoded string literal).
  // call of DATA with a literal path: the path as a JSON pointer.
  std::string_view text;
  std::vector<std::uint32_t> children;
};

// Something wrong or suspicious that the parser found without evaluating: a call to an unknown
// function (an evaluation error by the spec, but certain to happen), a malformed DATA path, or a
// precedence trap.
struct Diagnostic {
  std::uint32_t column = 0;
  std::string message;
};

struct Program {
  Program() = default;
  Program(const Program&) = delete;
  Program& operator=(const Program&) = delete;

  // Keeps `s` alive for the Program's lifetime and returns a view of it.
  std::string_view intern(std::string s) { return strings.emplace_back(std::move(s)); }

  const Node& node(std::uint32_t index) const noexcept { return nodes[index]; }
  const Node& root_node() const noexcept { return nodes[root]; }

  std::string source;  // the expression as written
  std::vector<Node> nodes;
  std::uint32_t root = 0;
  std::vector<LikePattern> patterns;
  std::vector<Diagnostic> problems;  // certain evaluation errors; a filter refuses to start with them
  std::vector<Diagnostic> warnings;  // legal but probably not what was meant
  std::deque<std::string> strings;   // deque: interned strings never move
};

}  // namespace sluice::cesql
