#include "stages/filter/pattern/numeric.hpp"

#include <bit>
#include <charconv>
#include <system_error>

namespace sluice::pattern {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Length of the JSON number at the start of `text`, or 0 when it is not one. std::from_chars is
// more lenient than JSON (leading zeros, "1."), so the grammar is checked here first.
std::size_t json_number_length(std::string_view text) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  if (i < n && text[i] == '-') ++i;
  if (i >= n) return 0;
  if (text[i] == '0') {
    ++i;
  } else if (is_digit(text[i])) {
    while (i < n && is_digit(text[i])) ++i;
  } else {
    return 0;
  }
  if (i < n && text[i] == '.') {
    ++i;
    if (i >= n || !is_digit(text[i])) return 0;
    while (i < n && is_digit(text[i])) ++i;
  }
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < n && (text[i] == '+' || text[i] == '-')) ++i;
    if (i >= n || !is_digit(text[i])) return 0;
    while (i < n && is_digit(text[i])) ++i;
  }
  return i;
}

// Roughly log10 of a grammatical JSON number: positive when it is at least 1.
long decimal_magnitude(std::string_view token) {
  std::size_t i = token.front() == '-' ? 1 : 0;
  long magnitude = 0;
  if (token[i] == '0') {
    ++i;
    if (i < token.size() && token[i] == '.') {
      ++i;
      while (i < token.size() && token[i] == '0') {
        --magnitude;
        ++i;
      }
    }
  } else {
    while (i < token.size() && is_digit(token[i])) {
      ++magnitude;
      ++i;
    }
  }
  const std::size_t e = token.find_first_of("eE");
  if (e != std::string_view::npos) {
    const char* first = token.data() + e + 1 + (token[e + 1] == '+' ? 1 : 0);
    long exponent = 0;
    if (std::from_chars(first, token.data() + token.size(), exponent).ec != std::errc{}) {
      exponent = *first == '-' ? -1000000 : 1000000;  // absurd exponents saturate
    }
    magnitude += exponent;
  }
  return magnitude;
}

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

NumberParse parse_json_number(std::string_view token, double& value) {
  while (!token.empty() && is_json_space(token.back())) token.remove_suffix(1);
  // Fast path for the common small integer (counters, keys, ids): exact in a double below 2^53.
  {
    const bool negative = !token.empty() && token.front() == '-';
    const std::string_view digits = token.substr(negative ? 1 : 0);
    if (!digits.empty() && digits.size() <= 15 && (digits.size() == 1 || digits.front() != '0')) {
      std::uint64_t integer = 0;
      bool all_digits = true;
      for (const char c : digits) {
        if (!is_digit(c)) {
          all_digits = false;
          break;
        }
        integer = integer * 10 + static_cast<std::uint64_t>(c - '0');
      }
      if (all_digits) {
        value = negative ? -static_cast<double>(integer) : static_cast<double>(integer);
        return NumberParse::ok;
      }
    }
  }
  const std::size_t length = json_number_length(token);
  if (length == 0 || length != token.size()) return NumberParse::invalid;
  const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (error == std::errc::result_out_of_range) {
    // Underflow (1e-400) is a good zero; only overflow leaves the number without a double value.
    if (decimal_magnitude(token) <= 0) {
      value = token.front() == '-' ? -0.0 : 0.0;
      return NumberParse::ok;
    }
    return NumberParse::out_of_range;
  }
  if (error != std::errc{} || end != token.data() + token.size()) return NumberParse::invalid;
  return NumberParse::ok;
}

std::uint64_t number_key(double value) {
  if (value == 0.0) value = 0.0;  // folds -0 into +0
  return std::bit_cast<std::uint64_t>(value);
}

}  // namespace sluice::pattern
