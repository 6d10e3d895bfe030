#include "stages/filter/pattern/pattern_compiler.hpp"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <utility>

#include "stages/filter/pattern/case_fold.hpp"

namespace sluice::pattern {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

constexpr std::string_view kOr = "$or";

// Operator names that event-ruler refuses as field names inside a $or alternative, and whose
// presence at the top of a $or element means "$or" is an ordinary field name (legacy rules such
// as {"$or": [{"numeric": [">", 0]}, {"cidr": "10.0.0.0/8"}]}).
constexpr std::array<std::string_view, 25> kReservedNames = {
    "exactly", "equals-ignore-case", "prefix", "suffix", "anything-but", "exists", "wildcard", "numeric", "cidr",
    "html", "=", "<", "<=", ">", ">=", "regex", "not-wildcard", "not-equals-ignore-case", "date-after",
    "date-on-or-after", "date-before", "date-on-or-before", "in-date-range", "ip-address-in-range",
    "ip-address-not-in-range"};

bool is_reserved(std::string_view name) {
  return std::find(kReservedNames.begin(), kReservedNames.end(), name) != kReservedNames.end();
}

bool is_number(element_type type) {
  return type == element_type::INT64 || type == element_type::UINT64 || type == element_type::DOUBLE;
}

// Typed views of an element whose type was checked first. They return by value: binding a range
// or reference to value_unsafe() of a temporary simdjson_result would dangle.
simdjson::dom::array as_array(element value) { return simdjson::dom::array(value.get_array().value_unsafe()); }
simdjson::dom::object as_object(element value) { return simdjson::dom::object(value.get_object().value_unsafe()); }
std::string_view as_string(element value) { return std::string_view(value.get_string().value_unsafe()); }
double as_double(element value) { return double(value.get_double().value_unsafe()); }
bool as_bool(element value) { return bool(value.get_bool().value_unsafe()); }

[[noreturn]] void fail(const std::string& problem, const std::string& where) {
  throw std::invalid_argument("pattern: " + problem + " at " + (where.empty() ? "top level" : where));
}

std::string child(const std::string& where, std::string_view key) {
  return where.empty() ? std::string(key) : where + "." + std::string(key);
}

std::string item(const std::string& where, std::size_t index) {
  return where + "[" + std::to_string(index) + "]";
}

std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

enum class OrShape { relationship, ordinary_field, too_few, not_objects };

// event-ruler reads "$or" as OR only for an array of at least two objects none of which starts
// with an operator name; anything else keeps "$or" as an ordinary field name for old rules. The
// two shapes that are clearly a botched OR get their own error instead of a confusing one later.
OrShape classify_or(element value) {
  if (value.type() != element_type::ARRAY) return OrShape::ordinary_field;
  std::size_t objects = 0;
  std::size_t total = 0;
  for (element member : as_array(value)) {
    ++total;
    if (member.type() != element_type::OBJECT) continue;
    ++objects;
    for (auto field : as_object(member)) {
      if (is_reserved(field.key)) return OrShape::ordinary_field;
    }
  }
  if (objects == 0) return OrShape::ordinary_field;
  if (objects != total) return OrShape::not_objects;
  return total >= 2 ? OrShape::relationship : OrShape::too_few;
}

class Compiler {
 public:
  std::vector<Conjunction> compile_object(simdjson::dom::object object, std::vector<std::string>& path,
                                          const std::string& where, bool inside_or) {
    if (object.size() == 0) fail("empty object; give at least one field", where);
    std::vector<Conjunction> result(1);
    // A key may repeat when its values differ in kind ({"p": [1], "p": {"q": ["x"]}} tests the
    // leaf p and the leaf p.q, as event-ruler allows), but two value lists for one key would make
    // event-ruler silently keep the last: that is a mistake worth reporting.
    std::vector<std::string_view> keys_with_values;
    for (auto [key, value] : object) {
      const std::string key_where = child(where, key);
      if (value.type() == element_type::ARRAY && key != kOr) {
        if (std::find(keys_with_values.begin(), keys_with_values.end(), key) != keys_with_values.end()) {
          fail("duplicate field " + quoted(key), key_where);
        }
        keys_with_values.push_back(key);
      }
      if (key == kOr) {
        switch (classify_or(value)) {
          case OrShape::relationship: {
            std::vector<Conjunction> alternatives;
            std::size_t index = 0;
            for (element member : as_array(value)) {
              std::vector<Conjunction> sub =
                  compile_object(as_object(member), path, item(key_where, index++), true);
              if (alternatives.size() + sub.size() > kMaxAlternatives) too_many(key_where);
              for (auto& conjunction : sub) alternatives.push_back(std::move(conjunction));
            }
            result = cross(result, alternatives, key_where);
            continue;
          }
          case OrShape::too_few:
            fail("\"$or\" needs at least two alternatives", key_where);
          case OrShape::not_objects:
            fail("every \"$or\" alternative must be an object", key_where);
          case OrShape::ordinary_field:
            break;
        }
      } else if (inside_or && is_reserved(key)) {
        fail("operator name " + quoted(key) + " cannot be a field name inside \"$or\"", key_where);
      }
      path.emplace_back(key);
      switch (value.type()) {
        case element_type::OBJECT:
          result = cross(result, compile_object(as_object(value), path, key_where, inside_or),
                         key_where);
          break;
        case element_type::ARRAY: {
          const FieldCondition condition = compile_values(as_array(value), path, key_where);
          for (auto& conjunction : result) conjunction.push_back(condition);
          break;
        }
        default:
          fail(quoted(key) + " must be an object or an array of values", key_where);
      }
      path.pop_back();
    }
    return result;
  }

 private:
  [[noreturn]] static void too_many(const std::string& where) {
    fail("pattern expands to more than " + std::to_string(kMaxAlternatives) + " \"$or\" alternatives", where);
  }

  static std::vector<Conjunction> cross(const std::vector<Conjunction>& left, const std::vector<Conjunction>& right,
                                        const std::string& where) {
    if (left.size() * right.size() > kMaxAlternatives) too_many(where);
    std::vector<Conjunction> out;
    out.reserve(left.size() * right.size());
    for (const auto& a : left) {
      for (const auto& b : right) {
        Conjunction combined = a;
        combined.insert(combined.end(), b.begin(), b.end());
        out.push_back(std::move(combined));
      }
    }
    return out;
  }

  static FieldCondition compile_values(simdjson::dom::array values, const std::vector<std::string>& path,
                                       const std::string& where) {
    if (values.size() == 0) fail("empty value list; give at least one value", where);
    FieldCondition condition;
    condition.path = path;
    bool has_exists = false;
    std::size_t index = 0;
    for (element value : values) {
      const std::string value_where = item(where, index++);
      switch (value.type()) {
        case element_type::STRING:
          condition.matchers.push_back(ValueMatcher::exact_string(std::string(as_string(value))));
          break;
        case element_type::INT64:
        case element_type::UINT64:
        case element_type::DOUBLE:
          condition.matchers.push_back(ValueMatcher::exact_number(as_double(value)));
          break;
        case element_type::BOOL:
          condition.matchers.push_back(
              ValueMatcher::literal(as_bool(value) ? MatchKind::exact_true : MatchKind::exact_false));
          break;
        case element_type::NULL_VALUE:
          condition.matchers.push_back(ValueMatcher::literal(MatchKind::exact_null));
          break;
        case element_type::OBJECT:
          compile_operator(as_object(value), value_where, condition, has_exists);
          break;
        case element_type::ARRAY:
          fail("a value list cannot contain an array", value_where);
      }
    }
    if (has_exists && values.size() > 1) fail("\"exists\" cannot be combined with other values", where);
    return condition;
  }

  static void compile_operator(simdjson::dom::object op, const std::string& where, FieldCondition& condition,
                               bool& has_exists) {
    if (op.size() != 1) fail("an operator object must have exactly one key", where);
    const auto [name, argument] = *op.begin();
    const std::string op_where = child(where, name);
    if (name == "prefix" || name == "suffix") {
      const bool is_prefix = name == "prefix";
      if (argument.type() == element_type::STRING) {
        condition.matchers.push_back(ValueMatcher::affix(is_prefix ? MatchKind::prefix : MatchKind::suffix,
                                                         std::string(as_string(argument))));
        return;
      }
      if (argument.type() == element_type::OBJECT) {
        const std::string text = ignore_case_argument(as_object(argument), name, op_where);
        condition.matchers.push_back(
            ValueMatcher::affix(is_prefix ? MatchKind::prefix_ignore_case : MatchKind::suffix_ignore_case, text));
        return;
      }
      fail(quoted(name) + " takes a string or {\"equals-ignore-case\": string}", op_where);
    }
    if (name == "equals-ignore-case") {
      if (argument.type() != element_type::STRING) fail("\"equals-ignore-case\" takes a string", op_where);
      condition.matchers.push_back(ValueMatcher::equals_ignore_case(folded(as_string(argument))));
      return;
    }
    if (name == "wildcard") {
      if (argument.type() != element_type::STRING) fail("\"wildcard\" takes a string", op_where);
      condition.matchers.push_back(ValueMatcher::wildcard(wildcard_or_fail(argument, op_where)));
      return;
    }
    if (name == "anything-but") {
      condition.matchers.push_back(compile_anything_but(argument, op_where));
      return;
    }
    if (name == "numeric") {
      condition.matchers.push_back(ValueMatcher::numeric(compile_numeric(argument, op_where)));
      return;
    }
    if (name == "cidr") {
      if (argument.type() != element_type::STRING) fail("\"cidr\" takes a string like \"10.0.0.0/8\"", op_where);
      std::string problem;
      const std::optional<IpRange> range = parse_cidr(as_string(argument), problem);
      if (!range) fail(problem, op_where);
      condition.matchers.push_back(ValueMatcher::cidr(*range));
      return;
    }
    if (name == "exists") {
      if (argument.type() != element_type::BOOL) fail("\"exists\" takes true or false", op_where);
      has_exists = true;
      if (as_bool(argument)) {
        condition.matchers.push_back(ValueMatcher::literal(MatchKind::exists));
      } else {
        condition.absent = true;
      }
      return;
    }
    fail("unknown operator " + quoted(name), op_where);
  }

  // {"equals-ignore-case": "text"} under prefix/suffix; returns the folded text.
  static std::string ignore_case_argument(simdjson::dom::object object, std::string_view owner,
                                          const std::string& where) {
    if (object.size() != 1) fail(quoted(owner) + " object must have exactly one key", where);
    const auto [key, value] = *object.begin();
    if (key != "equals-ignore-case") {
      fail("unsupported " + quoted(owner) + " option " + quoted(key) + " (only \"equals-ignore-case\")", where);
    }
    if (value.type() != element_type::STRING) fail("\"equals-ignore-case\" takes a string", child(where, key));
    return folded(as_string(value));
  }

  static Wildcard wildcard_or_fail(element value, const std::string& where) {
    std::string problem;
    std::optional<Wildcard> wildcard = Wildcard::compile(as_string(value), problem);
    if (!wildcard) fail(problem, where);
    return std::move(*wildcard);
  }

  static ValueMatcher compile_anything_but(element argument, const std::string& where) {
    switch (argument.type()) {
      case element_type::STRING:
        return ValueMatcher::anything_but(MatchKind::anything_but_strings,
                                          {std::string(as_string(argument))});
      case element_type::INT64:
      case element_type::UINT64:
      case element_type::DOUBLE:
        return ValueMatcher::anything_but_numbers({as_double(argument)});
      case element_type::ARRAY: {
        std::vector<std::string> strings;
        std::vector<double> numbers;
        for (element member : as_array(argument)) {
          if (member.type() == element_type::STRING) {
            strings.emplace_back(as_string(member));
          } else if (is_number(member.type())) {
            numbers.push_back(as_double(member));
          } else {
            fail("\"anything-but\" list may hold only strings or only numbers", where);
          }
        }
        if (strings.empty() && numbers.empty()) fail("\"anything-but\" list is empty", where);
        if (!strings.empty() && !numbers.empty()) {
          fail("\"anything-but\" list must be all strings or all numbers, not both", where);
        }
        if (!numbers.empty()) return ValueMatcher::anything_but_numbers(std::move(numbers));
        return ValueMatcher::anything_but(MatchKind::anything_but_strings, std::move(strings));
      }
      case element_type::OBJECT:
        return compile_anything_but_operator(as_object(argument), where);
      default:
        fail("\"anything-but\" takes a string, a number, a list of them, or a prefix/suffix/"
             "equals-ignore-case/wildcard object",
             where);
    }
  }

  static ValueMatcher compile_anything_but_operator(simdjson::dom::object object, const std::string& where) {
    if (object.size() != 1) fail("\"anything-but\" object must have exactly one key", where);
    const auto [name, argument] = *object.begin();
    const std::string op_where = child(where, name);
    MatchKind kind;
    if (name == "prefix") {
      kind = MatchKind::anything_but_prefix;
    } else if (name == "suffix") {
      kind = MatchKind::anything_but_suffix;
    } else if (name == "equals-ignore-case") {
      kind = MatchKind::anything_but_ignore_case;
    } else if (name == "wildcard") {
      kind = MatchKind::anything_but_wildcard;
    } else {
      fail("unsupported \"anything-but\" operator " + quoted(name) +
               " (use prefix, suffix, equals-ignore-case or wildcard)",
           op_where);
    }
    std::vector<element> members;
    if (argument.type() == element_type::STRING) {
      members.push_back(argument);
    } else if (argument.type() == element_type::ARRAY) {
      for (element member : as_array(argument)) members.push_back(member);
      if (members.empty()) fail(quoted(name) + " list is empty", op_where);
    } else {
      fail(quoted(name) + " takes a string or a list of strings", op_where);
    }
    std::vector<std::string> strings;
    std::vector<Wildcard> wildcards;
    for (element member : members) {
      if (member.type() != element_type::STRING) fail(quoted(name) + " values must be strings", op_where);
      const std::string_view text = as_string(member);
      if (text.empty() && (kind == MatchKind::anything_but_prefix || kind == MatchKind::anything_but_suffix)) {
        fail("empty " + std::string(name) + " would exclude every string", op_where);
      }
      if (kind == MatchKind::anything_but_wildcard) {
        wildcards.push_back(wildcard_or_fail(member, op_where));
      } else if (kind == MatchKind::anything_but_ignore_case) {
        strings.push_back(folded(text));
      } else {
        strings.emplace_back(text);
      }
    }
    if (kind == MatchKind::anything_but_wildcard) return ValueMatcher::anything_but_wildcards(std::move(wildcards));
    return ValueMatcher::anything_but(kind, std::move(strings));
  }

  static NumericRange compile_numeric(element argument, const std::string& where) {
    constexpr const char* kShape = "\"numeric\" takes [op, number] or [\">\"|\">=\", number, \"<\"|\"<=\", number]";
    if (argument.type() != element_type::ARRAY) fail(kShape, where);
    std::vector<element> terms;
    for (element term : as_array(argument)) terms.push_back(term);
    if (terms.size() != 2 && terms.size() != 4) fail(kShape, where);
    const auto op_at = [&](std::size_t i) {
      if (terms[i].type() != element_type::STRING) fail("numeric operator must be a string", item(where, i));
      return as_string(terms[i]);
    };
    const auto number_at = [&](std::size_t i) {
      if (!is_number(terms[i].type())) fail("numeric operand must be a number", item(where, i));
      return as_double(terms[i]);
    };
    NumericRange range;
    const std::string_view first = op_at(0);
    const double first_value = number_at(1);
    if (first == "=") {
      if (terms.size() != 2) fail("\"=\" cannot be combined with another bound", where);
      range = {first_value, first_value, false, false};
    } else if (first == ">" || first == ">=") {
      range.low = first_value;
      range.low_open = first == ">";
      if (terms.size() == 4) {
        const std::string_view second = op_at(2);
        if (second != "<" && second != "<=") fail("the upper bound operator must be \"<\" or \"<=\"", item(where, 2));
        range.high = number_at(3);
        range.high_open = second == "<";
      }
    } else if (first == "<" || first == "<=") {
      if (terms.size() != 2) fail("a two-sided range starts with \">\" or \">=\"", where);
      range.high = first_value;
      range.high_open = first == "<";
    } else {
      fail("unknown numeric operator " + quoted(first), item(where, 0));
    }
    if (range.empty()) fail("numeric range matches no number", where);
    return range;
  }
};

}  // namespace

std::vector<Conjunction> compile_pattern(std::string_view json) {
  simdjson::dom::parser parser;
  const simdjson::padded_string padded(json);
  element root;
  if (const auto error = parser.parse(padded).get(root); error != simdjson::SUCCESS) {
    fail(std::string("invalid JSON (") + simdjson::error_message(error) + ")", "");
  }
  if (root.type() != element_type::OBJECT) fail("a pattern must be a JSON object", "");
  std::vector<std::string> path;
  std::vector<Conjunction> alternatives = Compiler().compile_object(as_object(root), path, "", false);
  for (const auto& conjunction : alternatives) {
    if (conjunction.size() > kMaxConditionsPerAlternative) {
      fail("more than " + std::to_string(kMaxConditionsPerAlternative) + " fields in one pattern", "");
    }
  }
  return alternatives;
}

}  // namespace sluice::pattern
