#include "stages/filter/pattern/value_matcher.hpp"

#include <algorithm>
#include <utility>

namespace sluice::pattern {

ValueMatcher ValueMatcher::exact_string(std::string text) {
  ValueMatcher matcher(MatchKind::exact_string);
  // event-ruler compares IP literals as addresses, so "::1" also matches "0:0:0:0:0:0:0:1".
  matcher.ip_ = parse_ip(text);
  matcher.text_ = std::move(text);
  return matcher;
}

ValueMatcher ValueMatcher::exact_number(double number) {
  ValueMatcher matcher(MatchKind::exact_number);
  matcher.number_ = number;
  return matcher;
}

ValueMatcher ValueMatcher::literal(MatchKind kind) { return ValueMatcher(kind); }

ValueMatcher ValueMatcher::affix(MatchKind kind, std::string text) {
  ValueMatcher matcher(kind);
  matcher.text_ = std::move(text);
  return matcher;
}

ValueMatcher ValueMatcher::equals_ignore_case(std::string text) {
  return affix(MatchKind::equals_ignore_case, std::move(text));
}

ValueMatcher ValueMatcher::wildcard(Wildcard wildcard) {
  ValueMatcher matcher(MatchKind::wildcard);
  matcher.wildcard_ = std::move(wildcard);
  return matcher;
}

ValueMatcher ValueMatcher::numeric(NumericRange range) {
  ValueMatcher matcher(MatchKind::numeric_range);
  matcher.range_ = range;
  return matcher;
}

ValueMatcher ValueMatcher::cidr(IpRange range) {
  ValueMatcher matcher(MatchKind::cidr);
  matcher.cidr_ = range;
  return matcher;
}

ValueMatcher ValueMatcher::anything_but(MatchKind kind, std::vector<std::string> strings) {
  ValueMatcher matcher(kind);
  matcher.strings_ = std::move(strings);
  return matcher;
}

ValueMatcher ValueMatcher::anything_but_numbers(std::vector<double> numbers) {
  ValueMatcher matcher(MatchKind::anything_but_numbers);
  matcher.numbers_ = std::move(numbers);
  return matcher;
}

ValueMatcher ValueMatcher::anything_but_wildcards(std::vector<Wildcard> wildcards) {
  ValueMatcher matcher(MatchKind::anything_but_wildcard);
  matcher.wildcards_ = std::move(wildcards);
  return matcher;
}

bool ValueMatcher::matches(const ValueRef& ref) const {
  const FieldValue& value = ref.value;
  const bool is_string = value.type == ValueType::string;
  const bool is_number = value.type == ValueType::number && value.has_number;
  const auto any_string = [&](auto&& predicate) {
    return std::any_of(strings_.begin(), strings_.end(), predicate);
  };
  switch (kind_) {
    case MatchKind::exact_string:
      if (!is_string) return false;
      if (value.text == text_) return true;
      if (ip_) {
        const IpAddress* address = ref.ip();
        return address != nullptr && *address == *ip_;
      }
      return false;
    case MatchKind::exact_number:
      return is_number && value.number == number_;
    case MatchKind::exact_true:
      return value.type == ValueType::boolean_true;
    case MatchKind::exact_false:
      return value.type == ValueType::boolean_false;
    case MatchKind::exact_null:
      return value.type == ValueType::null;
    case MatchKind::prefix:
      return is_string && value.text.starts_with(text_);
    case MatchKind::suffix:
      return is_string && value.text.ends_with(text_);
    case MatchKind::equals_ignore_case:
      return is_string && ref.folded() == text_;
    case MatchKind::prefix_ignore_case:
      return is_string && ref.folded().starts_with(text_);
    case MatchKind::suffix_ignore_case:
      return is_string && ref.folded().ends_with(text_);
    case MatchKind::wildcard:
      return is_string && wildcard_->matches(value.text);
    case MatchKind::numeric_range:
      return is_number && range_.contains(value.number);
    case MatchKind::cidr: {
      if (!is_string) return false;
      const IpAddress* address = ref.ip();
      return address != nullptr && cidr_.contains(*address);
    }
    case MatchKind::exists:
      return true;
    // anything-but: the value is present; it matches unless it is one of the excluded values.
    // A value of another type is not excluded (anything-but "a" matches 5).
    case MatchKind::anything_but_strings:
      return !(is_string && any_string([&](const std::string& s) { return value.text == s; }));
    case MatchKind::anything_but_numbers:
      return !(is_number &&
               std::any_of(numbers_.begin(), numbers_.end(), [&](double n) { return value.number == n; }));
    case MatchKind::anything_but_prefix:
      return !(is_string && any_string([&](const std::string& s) { return value.text.starts_with(s); }));
    case MatchKind::anything_but_suffix:
      return !(is_string && any_string([&](const std::string& s) { return value.text.ends_with(s); }));
    case MatchKind::anything_but_ignore_case: {
      if (!is_string) return true;
      const std::string_view folded = ref.folded();
      return !any_string([&](const std::string& s) { return folded == s; });
    }
    case MatchKind::anything_but_wildcard:
      return !(is_string && std::any_of(wildcards_.begin(), wildcards_.end(),
                                        [&](const Wildcard& w) { return w.matches(value.text); }));
  }
  return false;
}

}  // namespace sluice::pattern
