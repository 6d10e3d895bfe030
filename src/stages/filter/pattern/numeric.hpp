#pragma once
// Numbers in patterns and events: numeric ranges and canonical equality.
//
// Numbers compare by IEEE-754 double value (event-ruler and quamina both use binary64), so 35,
// 35.0 and 3.5e1 are the same number. A number too large for a double (1e400) has no value and
// matches only as text.

#include <cstdint>
#include <limits>
#include <string_view>

namespace sluice::pattern {

enum class NumberParse : std::uint8_t { ok, out_of_range, invalid };

// Parses a JSON number token (RFC 8259 grammar, trailing whitespace allowed) into `value`.
NumberParse parse_json_number(std::string_view token, double& value);

// A key under which equal numbers hash alike: -0 and 0 are the same number.
std::uint64_t number_key(double value);

// An interval of the real line; unbounded ends are infinite and open.
struct NumericRange {
  double low = -std::numeric_limits<double>::infinity();
  double high = std::numeric_limits<double>::infinity();
  bool low_open = true;
  bool high_open = true;

  bool contains(double value) const {
    if (low_open ? !(value > low) : !(value >= low)) return false;
    return high_open ? value < high : value <= high;
  }
  bool empty() const { return low > high || (low == high && (low_open || high_open)); }
};

}  // namespace sluice::pattern
