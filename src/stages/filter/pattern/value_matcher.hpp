#pragma once
// One value test of a pattern: an exact value or one operator object such as {"prefix": "web-"}.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stages/filter/pattern/cidr.hpp"
#include "stages/filter/pattern/field_value.hpp"
#include "stages/filter/pattern/numeric.hpp"
#include "stages/filter/pattern/wildcard.hpp"

namespace sluice::pattern {

enum class MatchKind : std::uint8_t {
  exact_string,        // "text" (also equal IP addresses when the text is an IP literal)
  exact_number,        // 35 == 35.0 == 3.5e1
  exact_true,
  exact_false,
  exact_null,
  prefix,
  suffix,
  equals_ignore_case,  // text_ is folded
  prefix_ignore_case,  // text_ is folded
  suffix_ignore_case,  // text_ is folded
  wildcard,
  numeric_range,
  cidr,
  exists,              // {"exists": true}: any leaf value
  anything_but_strings,
  anything_but_numbers,
  anything_but_prefix,
  anything_but_suffix,
  anything_but_ignore_case,  // strings_ are folded
  anything_but_wildcard,
};

class ValueMatcher {
 public:
  static ValueMatcher exact_string(std::string text);
  static ValueMatcher exact_number(double number);
  static ValueMatcher literal(MatchKind kind);  // exact_true, exact_false, exact_null, exists
  static ValueMatcher affix(MatchKind kind, std::string text);  // prefix, suffix and their _ignore_case
  static ValueMatcher equals_ignore_case(std::string text);
  static ValueMatcher wildcard(Wildcard wildcard);
  static ValueMatcher numeric(NumericRange range);
  static ValueMatcher cidr(IpRange range);
  static ValueMatcher anything_but(MatchKind kind, std::vector<std::string> strings);
  static ValueMatcher anything_but_numbers(std::vector<double> numbers);
  static ValueMatcher anything_but_wildcards(std::vector<Wildcard> wildcards);

  MatchKind kind() const { return kind_; }
  // For the index: exact/affix text (folded for the ignore-case kinds), the exact number, and the
  // address when an exact string is an IP literal.
  const std::string& text() const { return text_; }
  double number() const { return number_; }
  const std::optional<IpAddress>& ip() const { return ip_; }
  const IpRange& cidr_range() const { return cidr_; }

  // Whether matches() needs the case-folded text of string values.
  bool needs_folded() const {
    return kind_ == MatchKind::equals_ignore_case || kind_ == MatchKind::prefix_ignore_case ||
           kind_ == MatchKind::suffix_ignore_case || kind_ == MatchKind::anything_but_ignore_case;
  }

  bool matches(const ValueRef& value) const;

 private:
  explicit ValueMatcher(MatchKind kind) : kind_(kind) {}

  MatchKind kind_;
  std::string text_;
  double number_ = 0;
  std::optional<IpAddress> ip_;
  NumericRange range_;
  IpRange cidr_;
  std::optional<Wildcard> wildcard_;
  std::vector<std::string> strings_;
  std::vector<double> numbers_;
  std::vector<Wildcard> wildcards_;
};

}  // namespace sluice::pattern
