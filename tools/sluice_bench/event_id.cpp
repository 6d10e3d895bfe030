#include "event_id.hpp"

#include <charconv>

namespace sluice::bench {
namespace {

constexpr bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::size_t skip_space(std::string_view s, std::size_t pos) {
  while (pos < s.size() && is_json_space(s[pos])) ++pos;
  return pos;
}

// Position just after the colon of member `"name":`, or npos. Occurrences of the quoted name that
// are values (not followed by a colon) are skipped, so `"source":"id"` does not fool it.
std::size_t find_member_value(std::string_view json, std::string_view name) {
  // Bounded: each iteration advances `from` past the previous match.
  for (std::size_t from = 0; from < json.size();) {
    const std::size_t open = json.find('"', from);
    if (open == std::string_view::npos) return std::string_view::npos;
    const std::size_t name_end = open + 1 + name.size();
    if (name_end < json.size() && json.compare(open + 1, name.size(), name) == 0 && json[name_end] == '"') {
      const std::size_t colon = skip_space(json, name_end + 1);
      if (colon < json.size() && json[colon] == ':') return skip_space(json, colon + 1);
    }
    // Skip the whole string literal starting at `open` so names inside values are never matched.
    std::size_t close = open + 1;
    while (close < json.size() && json[close] != '"') close += json[close] == '\\' ? 2 : 1;
    from = close + 1;
  }
  return std::string_view::npos;
}

}  // namespace

void append_event_id(std::string& out, std::string_view run_id, EventKey key) {
  char digits[48];
  out.append(run_id);
  out.push_back('-');
  auto r = std::to_chars(digits, digits + sizeof digits, key.connection);
  out.append(digits, r.ptr);
  out.push_back('-');
  r = std::to_chars(digits, digits + sizeof digits, key.seq);
  out.append(digits, r.ptr);
}

std::string format_event_id(std::string_view run_id, EventKey key) {
  std::string id;
  append_event_id(id, run_id, key);
  return id;
}

std::optional<EventKey> parse_event_id(std::string_view id, std::string_view run_id) {
  if (id.size() <= run_id.size() + 1 || id.substr(0, run_id.size()) != run_id || id[run_id.size()] != '-') {
    return std::nullopt;
  }
  const char* p = id.data() + run_id.size() + 1;
  const char* end = id.data() + id.size();
  EventKey key;
  auto r = std::from_chars(p, end, key.connection);
  if (r.ec != std::errc{} || r.ptr == end || *r.ptr != '-') return std::nullopt;
  r = std::from_chars(r.ptr + 1, end, key.seq);
  if (r.ec != std::errc{} || r.ptr != end) return std::nullopt;
  return key;
}

std::optional<std::string_view> find_json_string(std::string_view json, std::string_view name) {
  const std::size_t value = find_member_value(json, name);
  if (value >= json.size() || json[value] != '"') return std::nullopt;
  std::size_t close = value + 1;
  while (close < json.size() && json[close] != '"') close += json[close] == '\\' ? 2 : 1;
  if (close >= json.size()) return std::nullopt;
  return json.substr(value + 1, close - value - 1);
}

std::optional<std::uint64_t> find_json_uint(std::string_view json, std::string_view name) {
  const std::size_t value = find_member_value(json, name);
  if (value >= json.size()) return std::nullopt;
  std::uint64_t n = 0;
  const auto r = std::from_chars(json.data() + value, json.data() + json.size(), n);
  if (r.ec != std::errc{}) return std::nullopt;
  return n;
}

}  // namespace sluice::bench
