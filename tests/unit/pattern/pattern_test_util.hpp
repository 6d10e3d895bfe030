#pragma once
// Helpers for pattern tests: compile patterns and match plain JSON strings (the safe, copying
// Padding::absent path, since std::string gives no padding guarantee).

#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "stages/filter/filter_context.hpp"
#include "stages/filter/pattern/pattern_set.hpp"

namespace sluice::pattern::testing {

// Matches events against one pattern (rule id 0).
class OnePattern {
 public:
  explicit OnePattern(std::string_view pattern) { set_.add(0, pattern); }
  bool matches(std::string_view event) {
    if (!set_.match_json(event, Padding::absent, context_, matched_)) {
      throw std::runtime_error("malformed event JSON: " + std::string(event));
    }
    return !matched_.empty();
  }

 private:
  PatternSet set_;
  FilterContext context_;
  std::vector<std::uint32_t> matched_;
};

inline bool matches(std::string_view pattern, std::string_view event) { return OnePattern(pattern).matches(event); }

// The compile error of `pattern`, or "" when it is valid.
inline std::string compile_error(std::string_view pattern) {
  try {
    validate_pattern(pattern);
    return {};
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
}

}  // namespace sluice::pattern::testing
