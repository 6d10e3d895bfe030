#include "stages/filter/cesql/evaluator.hpp"

#include <charconv>
#include <limits>

#include "stages/filter/cesql/evaluator_internal.hpp"

namespace sluice::cesql {
namespace {

constexpr std::int32_t kIntMin = std::numeric_limits<std::int32_t>::min();
constexpr std::int32_t kIntMax = std::numeric_limits<std::int32_t>::max();

bool is_comparison(BinaryOp op) noexcept { return op >= BinaryOp::equal && op <= BinaryOp::greater_equal; }

std::string_view bool_text(bool value) noexcept { return value ? "true" : "false"; }

}  // namespace

bool parse_integer(std::string_view text, std::int32_t& out) noexcept {
  // from_chars takes '-' but not '+'; the spec allows both.
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
    if (!text.empty() && text.front() == '-') return false;
  }
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size() && !text.empty();
}

bool parse_boolean(std::string_view text, bool& out) noexcept {
  const auto equals_lower = [&](std::string_view word) {
    if (text.size() != word.size()) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
      const char c = (text[i] >= 'A' && text[i] <= 'Z') ? static_cast<char>(text[i] - 'A' + 'a') : text[i];
      if (c != word[i]) return false;
    }
    return true;
  };
  if (equals_lower("true")) return out = true, true;
  if (equals_lower("false")) return out = false, true;
  return false;
}

std::int32_t Evaluator::to_integer(const Value& value, std::uint32_t from) noexcept {
  switch (value.type) {
    case Type::integer: return value.integer;
    case Type::boolean: return value.boolean ? 1 : 0;
    case Type::string: {
      std::int32_t result = 0;
      if (parse_integer(value.string, result)) return result;
      raise(ErrorKind::cast, ErrorDetail::string_to_integer, from);
      return 0;
    }
  }
  return 0;
}

bool Evaluator::to_boolean(const Value& value, std::uint32_t from) noexcept {
  switch (value.type) {
    case Type::boolean: return value.boolean;
    case Type::integer: raise(ErrorKind::cast, ErrorDetail::integer_to_boolean, from); return false;
    case Type::string: {
      bool result = false;
      if (parse_boolean(value.string, result)) return result;
      raise(ErrorKind::cast, ErrorDetail::string_to_boolean, from);
      return false;
    }
  }
  return false;
}

bool Evaluator::explicit_boolean(const Value& value, std::uint32_t from) noexcept {
  if (value.type == Type::integer) return value.integer != 0;
  return to_boolean(value, from);
}

std::string_view Evaluator::text_of(const Value& value, std::uint32_t from, IntegerText& buffer) const noexcept {
  switch (value.type) {
    case Type::string: return value.string;
    case Type::boolean: return bool_text(value.boolean);
    case Type::integer: {
      const Node& source = node(from);
      if (source.kind == NodeKind::literal) return source.text;
      const auto result = std::to_chars(buffer, buffer + sizeof(IntegerText), value.integer);
      return {buffer, static_cast<std::size_t>(result.ptr - buffer)};
    }
  }
  return {};
}

std::string_view Evaluator::to_string(const Value& value, std::uint32_t from) {
  if (value.type != Type::integer || node(from).kind == NodeKind::literal) {
    IntegerText unused;
    return text_of(value, from, unused);
  }
  IntegerText buffer;
  std::string& out = new_string();
  out.assign(text_of(value, from, buffer));
  return out;
}

Value Evaluator::read_data(std::string_view pointer, std::uint32_t index) {
  Value value;
  if (data_.read(pointer, scratch_, value)) return value;
  raise(ErrorKind::missing_attribute, ErrorDetail::missing_data_field, index);
  return Value::of_bool(false);  // the return type is unknown, so Boolean (spec 3.2)
}

Value Evaluator::attribute(const Node& node, std::uint32_t index) noexcept {
  std::string_view text;
  switch (node.attribute) {
    // Required attributes are always there: the event has been validated (spec 3.4.4).
    case Attribute::id: return Value::of_string(event_.id);
    case Attribute::source: return Value::of_string(event_.source);
    case Attribute::specversion: return Value::of_string(event_.specversion);
    case Attribute::type: return Value::of_string(event_.type);
    // Optional attributes are empty when absent; CloudEvents forbids empty values for them.
    case Attribute::datacontenttype: text = event_.datacontenttype; break;
    case Attribute::dataschema: text = event_.dataschema; break;
    case Attribute::subject: text = event_.subject; break;
    case Attribute::time: text = event_.time; break;
    case Attribute::extension:
      for (const Extension& extension : event_.extensions) {
        if (extension.name != node.name) continue;
        // Integer and Boolean extensions keep their CESQL type; a value that does not fit one
        // is a String (spec 3.2).
        if (extension.type == Extension::Type::integer) {
          std::int32_t number = 0;
          if (parse_integer(extension.value, number)) return Value::of_int(number);
        } else if (extension.type == Extension::Type::boolean) {
          if (extension.value == "true") return Value::of_bool(true);
          if (extension.value == "false") return Value::of_bool(false);
        }
        return Value::of_string(extension.value);
      }
      break;
  }
  if (!text.empty()) return Value::of_string(text);
  raise(ErrorKind::missing_attribute, ErrorDetail::missing_attribute, index);
  return Value::of_bool(false);  // the return type is unknown, so Boolean (spec 3.2)
}

bool Evaluator::exists(const Node& node) const noexcept {
  switch (node.attribute) {
    case Attribute::id:
    case Attribute::source:
    case Attribute::specversion:
    case Attribute::type: return true;
    case Attribute::datacontenttype: return !event_.datacontenttype.empty();
    case Attribute::dataschema: return !event_.dataschema.empty();
    case Attribute::subject: return !event_.subject.empty();
    case Attribute::time: return !event_.time.empty();
    case Attribute::extension:
      for (const Extension& extension : event_.extensions) {
        if (extension.name == node.name) return true;
      }
      return false;
  }
  return false;
}

// `=` and friends are defined for all three types, so the left operand is cast to the type of
// the right one (spec 3.7, ambiguous binary operators); IN casts the other way round.
bool Evaluator::equal_as(const Value& target, const Value& value, std::uint32_t from) noexcept {
  switch (target.type) {
    case Type::integer: return to_integer(value, from) == target.integer;
    case Type::boolean: return to_boolean(value, from) == target.boolean;
    case Type::string: {
      IntegerText buffer;
      return text_of(value, from, buffer) == target.string;
    }
  }
  return false;
}

Value Evaluator::binary(const Node& node, std::uint32_t index) {
  const std::uint32_t left_index = node.children[0];
  const std::uint32_t right_index = node.children[1];
  const Value zero = is_comparison(node.op) ? Value::of_bool(false) : Value::of_int(0);
  const Value left = eval(left_index);
  if (left.failed) return zero;
  const Value right = eval(right_index);
  if (right.failed) return zero;
  switch (node.op) {
    case BinaryOp::equal: return Value::of_bool(equal_as(right, left, left_index));
    case BinaryOp::not_equal: return Value::of_bool(!equal_as(right, left, left_index));
    default: break;
  }

  const std::int64_t x = to_integer(left, left_index);
  const std::int64_t y = to_integer(right, right_index);
  std::int64_t result = 0;
  switch (node.op) {
    case BinaryOp::less: return Value::of_bool(x < y);
    case BinaryOp::less_equal: return Value::of_bool(x <= y);
    case BinaryOp::greater: return Value::of_bool(x > y);
    case BinaryOp::greater_equal: return Value::of_bool(x >= y);
    case BinaryOp::add: result = x + y; break;
    case BinaryOp::subtract: result = x - y; break;
    case BinaryOp::multiply: result = x * y; break;
    case BinaryOp::divide:
    case BinaryOp::modulo:
      if (y == 0) {
        raise(ErrorKind::math, ErrorDetail::division_by_zero, index);
        return Value::of_int(0);
      }
      // In 64 bits, -2147483648 / -1 cannot trap; the overflow is caught below.
      result = node.op == BinaryOp::divide ? x / y : x % y;
      break;
    default: return Value::of_bool(false);  // logic operators are NodeKind::logic
  }
  // The spec leaves integer overflow open; sluice raises a MathError and saturates, as the spec
  // prescribes for ABS(-2147483648).
  if (result > kIntMax || result < kIntMin) {
    raise(ErrorKind::math, ErrorDetail::integer_overflow, index);
    return Value::of_int(result > kIntMax ? kIntMax : kIntMin);
  }
  return Value::of_int(static_cast<std::int32_t>(result));
}

// A chain `c0 op c1 op c2 ...` of one logic operator, evaluated exactly like the left-grouped
// binary operations it stands for, with AND and OR short-circuiting (spec 3.6).
Value Evaluator::logic(const Node& node, std::uint32_t index) {
  Value acc = eval(node.children[0]);
  std::uint32_t acc_index = node.children[0];
  for (std::size_t i = 1; i < node.children.size(); ++i) {
    // A failed operand makes this operation, and so every later one in the chain, false.
    if (acc.failed) return Value::of_bool(false);
    const bool left = to_boolean(acc, acc_index);
    acc_index = index;
    if (node.op == BinaryOp::logical_and && !left) {
      acc = Value::of_bool(false);
      continue;
    }
    if (node.op == BinaryOp::logical_or && left) {
      acc = Value::of_bool(true);
      continue;
    }
    const std::uint32_t right_index = node.children[i];
    const Value right_value = eval(right_index);
    if (right_value.failed) return Value::of_bool(false);
    const bool right = to_boolean(right_value, right_index);
    acc = Value::of_bool(node.op == BinaryOp::logical_xor ? left != right : right);
  }
  return acc;
}

Value Evaluator::in(const Node& node) {
  const std::uint32_t left_index = node.children[0];
  const Value left = eval(left_index);
  if (left.failed) return Value::of_bool(false);
  bool found = false;
  if (left.type == Type::string && node.literal_set) {
    // The common `type IN ('a', 'b')`: literals cast to String without error, and their String
    // form is precomputed, so compare directly.
    for (std::size_t i = 1; i < node.children.size() && !found; ++i) {
      found = program_.nodes[node.children[i]].text == left.string;
    }
    return Value::of_bool(found != node.negated);
  }
  for (std::size_t i = 1; i < node.children.size() && !found; ++i) {
    const Value element = eval(node.children[i]);
    if (element.failed) return Value::of_bool(false);
    found = equal_as(left, element, node.children[i]);
  }
  return Value::of_bool(found != node.negated);
}

Value Evaluator::eval(std::uint32_t index) {
  // Whatever raised an error while this node was evaluated marks its value as failed.
  const std::size_t errors_before = errors_.size();
  Value value = compute(index);
  if (errors_.size() != errors_before) value.failed = true;
  return value;
}

Value Evaluator::compute(std::uint32_t index) {
  const Node& n = node(index);
  switch (n.kind) {
    case NodeKind::literal: return n.literal;
    case NodeKind::attribute: return attribute(n, index);
    case NodeKind::exists: return Value::of_bool(exists(n));
    case NodeKind::logical_not: {
      const Value operand = eval(n.children[0]);
      if (operand.failed) return Value::of_bool(false);
      return Value::of_bool(!to_boolean(operand, n.children[0]));
    }
    case NodeKind::negate: {
      const Value operand = eval(n.children[0]);
      if (operand.failed) return Value::of_int(0);
      const std::int32_t value = to_integer(operand, n.children[0]);
      if (value == kIntMin) {
        raise(ErrorKind::math, ErrorDetail::integer_overflow, index);
        return Value::of_int(kIntMax);
      }
      return Value::of_int(-value);
    }
    case NodeKind::binary: return binary(n, index);
    case NodeKind::logic: return logic(n, index);
    case NodeKind::like: {
      const Value operand = eval(n.children[0]);
      if (operand.failed) return Value::of_bool(false);
      IntegerText buffer;
      const bool matched = program_.patterns[n.pattern].match(text_of(operand, n.children[0], buffer));
      return Value::of_bool(matched != n.negated);
    }
    case NodeKind::in: return in(n);
    case NodeKind::call: return call_function(*this, n, index);
    case NodeKind::missing_function:
      // Spec 3.5: an undispatchable call is false plus a MissingFunctionError.
      raise(ErrorKind::missing_function, ErrorDetail::missing_function, index);
      return Value::of_bool(false);
  }
  return Value::of_bool(false);
}

EvalResult evaluate(const Program& program, const Event& event, FilterContext& context, EvalScratch& scratch,
                    const EvalOptions& options) {
  scratch.reset();
  Evaluator evaluator(program, event, context, scratch, options);
  EvalResult result;
  result.value = evaluator.eval(program.root);
  result.errors = evaluator.errors();
  return result;
}

bool evaluates_to_true(const Program& program, const Event& event, FilterContext& context, EvalScratch& scratch,
                       const EvalOptions& options) {
  scratch.reset();
  Evaluator evaluator(program, event, context, scratch, options);
  const Value value = evaluator.eval(program.root);
  return value.is_true() && evaluator.errors().empty();
}

std::string_view type_name(Type type) noexcept {
  switch (type) {
    case Type::boolean: return "Boolean";
    case Type::integer: return "Integer";
    case Type::string: return "String";
  }
  return "?";
}

std::string_view error_kind_name(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::parse: return "parse";
    case ErrorKind::math: return "math";
    case ErrorKind::cast: return "cast";
    case ErrorKind::missing_function: return "missingFunction";
    case ErrorKind::function_evaluation: return "functionEvaluation";
    case ErrorKind::missing_attribute: return "missingAttribute";
    case ErrorKind::generic: return "generic";
  }
  return "?";
}

std::string describe_error(const Program& program, const EvalError& error) {
  static constexpr std::string_view kKindTitles[] = {
      "ParseError", "MathError", "CastError", "MissingFunctionError", "FunctionEvaluationError",
      "MissingAttributeError", "GenericError"};
  const Node& node = program.nodes[error.node];
  std::string message(kKindTitles[static_cast<std::size_t>(error.kind)]);
  message += " at column " + std::to_string(node.column) + ": ";
  switch (error.detail) {
    case ErrorDetail::division_by_zero: message += "division by zero"; break;
    case ErrorDetail::integer_overflow: message += "the result does not fit a 32-bit integer"; break;
    case ErrorDetail::string_to_integer: message += "the String is not a base-10 32-bit integer"; break;
    case ErrorDetail::string_to_boolean: message += "the String is neither 'true' nor 'false'"; break;
    case ErrorDetail::integer_to_boolean:
      message += "an Integer is not implicitly a Boolean (use BOOL(x) or compare it with a number)";
      break;
    case ErrorDetail::missing_attribute:
      message += "the event has no attribute '" + std::string(node.name) + "'";
      break;
    case ErrorDetail::missing_data_field:
      message += "DATA() found no string, 32-bit integer or boolean at that path";
      break;
    case ErrorDetail::missing_function:
      message += "no function " + std::string(node.name) + " taking " + std::to_string(node.children.size()) +
                 " argument(s)";
      break;
    case ErrorDetail::negative_length: message += "negative length"; break;
    case ErrorDetail::index_out_of_range: message += "position outside the string"; break;
  }
  return message;
}

std::string describe_value(const Value& value) {
  std::string text(type_name(value.type));
  switch (value.type) {
    case Type::boolean: text += value.boolean ? " true" : " false"; break;
    case Type::integer: text += " " + std::to_string(value.integer); break;
    case Type::string: text += " '" + std::string(value.string) + "'"; break;
  }
  return text;
}

}  // namespace sluice::cesql
