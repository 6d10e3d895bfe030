#include "stages/filter/cesql/functions.hpp"

#include <algorithm>
#include <array>
#include <limits>

#include "stages/filter/cesql/evaluator_internal.hpp"
#include "stages/filter/cesql/utf8.hpp"

namespace sluice::cesql {
namespace {

// Overloads of one name must differ in arity (spec 3.5); SUBSTRING is the only one here.
constexpr std::array<FunctionSignature, 17> kFunctions{{
    {"LENGTH", Function::length, 1, 1, StaticType::integer},
    {"CONCAT", Function::concat, 0, kVariadic, StaticType::string},
    {"CONCAT_WS", Function::concat_ws, 1, kVariadic, StaticType::string},
    {"LOWER", Function::lower, 1, 1, StaticType::string},
    {"UPPER", Function::upper, 1, 1, StaticType::string},
    {"TRIM", Function::trim, 1, 1, StaticType::string},
    {"LEFT", Function::left, 2, 2, StaticType::string},
    {"RIGHT", Function::right, 2, 2, StaticType::string},
    {"SUBSTRING", Function::substring, 2, 2, StaticType::string},
    {"SUBSTRING", Function::substring, 3, 3, StaticType::string},
    {"ABS", Function::abs, 1, 1, StaticType::integer},
    {"INT", Function::to_int, 1, 1, StaticType::integer},
    {"BOOL", Function::to_bool, 1, 1, StaticType::boolean},
    {"STRING", Function::to_string, 1, 1, StaticType::string},
    {"IS_BOOL", Function::is_bool, 1, 1, StaticType::boolean},
    {"IS_INT", Function::is_int, 1, 1, StaticType::boolean},
    {"DATA", Function::data, 1, 1, StaticType::any},
}};

constexpr std::int32_t kIntMax = std::numeric_limits<std::int32_t>::max();

Value zero_result(Function function) noexcept {
  switch (function) {
    case Function::length:
    case Function::abs:
    case Function::to_int: return Value::of_int(0);
    case Function::to_bool:
    case Function::is_bool:
    case Function::is_int: return Value::of_bool(false);
    case Function::data: return Value::of_bool(false);  // the return type is unknown, so Boolean (spec 3.2)
    default: return Value::of_string({});
  }
}

// CONCAT(x1, ...) and CONCAT_WS(delimiter, x1, ...).
Value concat(Evaluator& ev, const Node& node, bool with_separator) {
  std::string& out = ev.new_string();
  std::string_view separator;
  std::size_t first = 0;
  if (with_separator) {
    const Value value = ev.eval(node.children[0]);
    if (value.failed) return Value::of_string({});
    separator = ev.to_string(value, node.children[0]);
    first = 1;
  }
  for (std::size_t i = first; i < node.children.size(); ++i) {
    const Value value = ev.eval(node.children[i]);
    if (value.failed) return Value::of_string({});
    if (i > first) out.append(separator);
    IntegerText buffer;
    out.append(ev.text_of(value, node.children[i], buffer));
  }
  return Value::of_string(out);
}

Value substring(Evaluator& ev, const Node& node, std::uint32_t index, const Value* args) {
  const std::string_view text = ev.to_string(args[0], node.children[0]);
  const std::int64_t length = static_cast<std::int64_t>(utf8::length(text));
  const std::int64_t position = ev.to_integer(args[1], node.children[1]);
  const bool has_count = node.children.size() == 3;
  const std::int64_t count = has_count ? ev.to_integer(args[2], node.children[2]) : 0;
  if (position > length || position < -length) {
    ev.raise(ErrorKind::function_evaluation, ErrorDetail::index_out_of_range, index);
    return Value::of_string({});
  }
  if (count < 0) {
    ev.raise(ErrorKind::function_evaluation, ErrorDetail::negative_length, index);
    return Value::of_string({});
  }
  if (position == 0) return Value::of_string({});
  // Positions count from 1; a negative one counts back from the end.
  const std::int64_t start = position > 0 ? position - 1 : length + position;
  std::string_view rest = text.substr(utf8::offset_of(text, static_cast<std::size_t>(start)));
  if (has_count) rest = rest.substr(0, utf8::offset_of(rest, static_cast<std::size_t>(count)));
  return Value::of_string(rest);
}

Value left_or_right(Evaluator& ev, const Node& node, std::uint32_t index, const Value* args, bool left) {
  const std::string_view text = ev.to_string(args[0], node.children[0]);
  const std::int32_t count = ev.to_integer(args[1], node.children[1]);
  if (count < 0) {
    ev.raise(ErrorKind::function_evaluation, ErrorDetail::negative_length, index);
    return Value::of_string(text);
  }
  const auto wanted = static_cast<std::size_t>(count);
  if (left) return Value::of_string(text.substr(0, utf8::offset_of(text, wanted)));
  const std::size_t length = utf8::length(text);
  if (wanted >= length) return Value::of_string(text);
  return Value::of_string(text.substr(utf8::offset_of(text, length - wanted)));
}

Value change_case(Evaluator& ev, const Node& node, const Value& arg, bool lower) {
  const std::string_view text = ev.to_string(arg, node.children[0]);
  std::string& out = ev.new_string();
  const bool changed = lower ? utf8::to_lower(text, out) : utf8::to_upper(text, out);
  return Value::of_string(changed ? std::string_view(out) : text);
}

Value data(Evaluator& ev, const Node& node, std::uint32_t index, const Value& arg) {
  const Node& path_node = ev.node(node.children[0]);
  if (path_node.kind == NodeKind::literal && path_node.literal.type == Type::string) {
    return ev.read_data(node.text, index);  // converted to a JSON pointer when parsed
  }
  // A computed path: convert it here, the same way the parser does.
  const std::string_view path = ev.to_string(arg, node.children[0]);
  std::string& pointer = ev.new_string();
  if (!path.empty()) pointer.push_back('/');
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
  return ev.read_data(pointer, index);
}

}  // namespace

const FunctionSignature* find_function(std::string_view name, std::size_t arity) noexcept {
  for (const FunctionSignature& signature : kFunctions) {
    if (signature.name == name && arity >= signature.min_args &&
        (signature.max_args == kVariadic || arity <= signature.max_args)) {
      return &signature;
    }
  }
  return nullptr;
}

const FunctionSignature* find_function_name(std::string_view name) noexcept {
  for (const FunctionSignature& signature : kFunctions) {
    if (signature.name == name) return &signature;
  }
  return nullptr;
}

Value call_function(Evaluator& ev, const Node& node, std::uint32_t index) {
  if (node.function == Function::concat) return concat(ev, node, false);
  if (node.function == Function::concat_ws) return concat(ev, node, true);

  // Every other function takes one to three arguments: evaluate them first. A failed argument
  // makes the call yield the zero value of its return type.
  std::array<Value, 3> args{};
  const std::size_t count = std::min(node.children.size(), args.size());
  for (std::size_t i = 0; i < count; ++i) {
    args[i] = ev.eval(node.children[i]);
    if (args[i].failed) return zero_result(node.function);
  }

  const Value& x = args[0];
  const std::uint32_t x_index = node.children[0];
  switch (node.function) {
    case Function::length: {
      IntegerText buffer;
      const std::size_t length = utf8::length(ev.text_of(x, x_index, buffer));
      return Value::of_int(static_cast<std::int32_t>(std::min<std::size_t>(length, kIntMax)));
    }
    case Function::lower: return change_case(ev, node, x, true);
    case Function::upper: return change_case(ev, node, x, false);
    case Function::trim: return Value::of_string(utf8::trim(ev.to_string(x, x_index)));
    case Function::left: return left_or_right(ev, node, index, args.data(), true);
    case Function::right: return left_or_right(ev, node, index, args.data(), false);
    case Function::substring: return substring(ev, node, index, args.data());
    case Function::abs: {
      const std::int32_t value = ev.to_integer(x, x_index);
      if (value == std::numeric_limits<std::int32_t>::min()) {
        ev.raise(ErrorKind::math, ErrorDetail::integer_overflow, index);  // spec 3.5.2
        return Value::of_int(kIntMax);
      }
      return Value::of_int(value < 0 ? -value : value);
    }
    case Function::to_int: return Value::of_int(ev.to_integer(x, x_index));
    case Function::to_bool: return Value::of_bool(ev.explicit_boolean(x, x_index));
    case Function::to_string: return Value::of_string(ev.to_string(x, x_index));
    case Function::is_bool: {
      bool unused = false;
      return Value::of_bool(x.type == Type::boolean || (x.type == Type::string && parse_boolean(x.string, unused)));
    }
    case Function::is_int: {
      std::int32_t unused = 0;
      return Value::of_bool(x.type == Type::integer || (x.type == Type::string && parse_integer(x.string, unused)));
    }
    case Function::data: return data(ev, node, index, x);
    case Function::concat:
    case Function::concat_ws: break;  // handled above
  }
  return zero_result(node.function);
}

}  // namespace sluice::cesql
