#include "stages/route/yaml_json.hpp"
#include <sluice/core/json_string.hpp>

#include "stages/decode/json_text.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdint>
#include <stdexcept>

namespace sluice {
namespace {

// YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution).
bool is_null(std::string_view s) { return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL"; }
bool is_true(std::string_view s) { return s == "true" || s == "True" || s == "TRUE"; }
bool is_false(std::string_view s) { return s == "false" || s == "False" || s == "FALSE"; }

bool all_of(std::string_view s, bool (*accept)(char)) {
  if (s.empty()) return false;
  for (const char c : s) {
    if (!accept(c)) return false;
  }
  return true;
}
bool is_dec(char c) { return c >= '0' && c <= '9'; }
bool is_oct(char c) { return c >= '0' && c <= '7'; }
bool is_hex(char c) { return is_dec(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// [-+]? ( \.[0-9]+ | [0-9]+ ( \.[0-9]* )? ) ( [eE] [-+]? [0-9]+ )?  (integers included)
bool is_yaml_decimal(std::string_view s) {
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) s.remove_prefix(1);
  const auto exponent_at = s.find_first_of("eE");
  if (exponent_at != std::string_view::npos) {
    std::string_view exponent = s.substr(exponent_at + 1);
    if (!exponent.empty() && (exponent.front() == '+' || exponent.front() == '-')) exponent.remove_prefix(1);
    if (!all_of(exponent, is_dec)) return false;
    s = s.substr(0, exponent_at);
  }
  const auto point = s.find('.');
  if (point == std::string_view::npos) return all_of(s, is_dec);
  const std::string_view whole = s.substr(0, point);
  const std::string_view fraction = s.substr(point + 1);
  if (whole.empty()) return all_of(fraction, is_dec);
  return all_of(whole, is_dec) && (fraction.empty() || all_of(fraction, is_dec));
}

bool is_yaml_special_float(std::string_view s) {
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) s.remove_prefix(1);
  return s == ".inf" || s == ".Inf" || s == ".INF" || s == ".nan" || s == ".NaN" || s == ".NAN";
}

// Emits an integer or float in JSON form, or returns false when `s` is not one.
bool append_number(std::string& out, const std::string& s) {
  const bool octal = s.size() > 2 && s.starts_with("0o") && all_of(std::string_view(s).substr(2), is_oct);
  const bool hex = s.size() > 2 && s.starts_with("0x") && all_of(std::string_view(s).substr(2), is_hex);
  if (octal || hex) {
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(s.data() + 2, s.data() + s.size(), value, octal ? 8 : 16);
    if (error != std::errc() || end != s.data() + s.size()) {
      throw std::invalid_argument(fmt::format("'{}' is too large for a number", s));
    }
    out += std::to_string(value);
    return true;
  }
  if (is_yaml_special_float(s)) {
    throw std::invalid_argument(fmt::format("'{}' cannot be written in JSON (quote it to match a string)", s));
  }
  if (!is_yaml_decimal(s)) return false;
  // Rewrite into JSON's stricter grammar: no '+', no leading zeros, digits around the point.
  std::string_view rest = s;
  std::string number;
  if (rest.front() == '+' || rest.front() == '-') {
    if (rest.front() == '-') number.push_back('-');
    rest.remove_prefix(1);
  }
  const auto exponent_at = rest.find_first_of("eE");
  const std::string_view mantissa = rest.substr(0, exponent_at);
  const std::string_view exponent = exponent_at == std::string_view::npos ? std::string_view() : rest.substr(exponent_at);
  const auto point = mantissa.find('.');
  std::string_view whole = mantissa.substr(0, point);
  const std::string_view fraction = point == std::string_view::npos ? std::string_view() : mantissa.substr(point + 1);
  while (whole.size() > 1 && whole.front() == '0') whole.remove_prefix(1);
  number += whole.empty() ? "0" : std::string(whole);
  if (!fraction.empty()) number += "." + std::string(fraction);
  if (!exponent.empty()) {
    number.push_back('e');
    std::string_view digits = exponent.substr(1);
    if (digits.front() == '+' || digits.front() == '-') {
      if (digits.front() == '-') number.push_back('-');
      digits.remove_prefix(1);
    }
    number += digits;
  }
  if (!json_text::is_number(number)) return false;
  out += number;
  return true;
}

void append(std::string& out, const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null: out += "null"; return;
    case YAML::NodeType::Scalar: {
      const std::string& text = node.Scalar();
      const std::string& tag = node.Tag();
      // "!" marks a quoted (non-plain) scalar: always a string.
      if (tag == "!" || tag == "tag:yaml.org,2002:str") {
        append_json_string(out, text);
        return;
      }
      if (tag == "?" || tag.empty()) {
        if (is_null(text)) {
          out += "null";
          return;
        }
        if (is_true(text)) {
          out += "true";
          return;
        }
        if (is_false(text)) {
          out += "false";
          return;
        }
        if (append_number(out, text)) return;
      }
      append_json_string(out, text);
      return;
    }
    case YAML::NodeType::Sequence: {
      out.push_back('[');
      bool first = true;
      for (const auto& item : node) {
        if (!first) out.push_back(',');
        first = false;
        append(out, item);
      }
      out.push_back(']');
      return;
    }
    case YAML::NodeType::Map: {
      out.push_back('{');
      bool first = true;
      for (const auto& entry : node) {
        if (!entry.first.IsScalar()) throw std::invalid_argument("mapping keys must be plain strings");
        if (!first) out.push_back(',');
        first = false;
        append_json_string(out, entry.first.Scalar());
        out.push_back(':');
        append(out, entry.second);
      }
      out.push_back('}');
      return;
    }
  }
}

}  // namespace

std::string yaml_to_json(const YAML::Node& node) {
  std::string out;
  append(out, node);
  return out;
}

}  // namespace sluice
