#pragma once
// Parses an EventBridge-style pattern (JSON text) into a disjunction of conjunctions of field
// conditions. `$or` is expanded here, so the matcher sees only flat AND-lists.

#include <string>
#include <string_view>
#include <vector>

#include "stages/filter/pattern/value_matcher.hpp"

namespace sluice::pattern {

// A condition on the leaf values found at one path of the event (arrays on the way are
// transparent). Holds when some value matches some matcher, or, when `absent`, when there is no
// leaf value at the path ({"exists": false}).
struct FieldCondition {
  std::vector<std::string> path;
  bool absent = false;
  std::vector<ValueMatcher> matchers;  // empty iff absent
};

// All conditions must hold, with the values they use taken from one element of any array of
// objects they share (array consistency). One path may carry two conditions (a field outside and
// inside a $or branch); then both must hold.
using Conjunction = std::vector<FieldCondition>;

// Limits that keep one pattern's cost bounded; exceeding one is a compile error.
inline constexpr std::size_t kMaxAlternatives = 1024;     // after $or expansion
inline constexpr std::size_t kMaxConditionsPerAlternative = 64;

// Throws std::invalid_argument("pattern: <problem> at <location>") on an invalid pattern, where
// location is like `detail.state[0].anything-but` or `top level`.
std::vector<Conjunction> compile_pattern(std::string_view json);

}  // namespace sluice::pattern
