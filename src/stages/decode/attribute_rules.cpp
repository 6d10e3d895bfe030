#include "stages/decode/attribute_rules.hpp"

#include "stages/decode/json_text.hpp"

#include <sluice/core/event.hpp>

#include <charconv>
#include <cstring>
#include <cstdint>
#include <limits>

namespace sluice::attribute_rules {
namespace {

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

bool digits(std::string_view text, std::size_t at, std::size_t count, int& value) noexcept {
  if (at + count > text.size()) return false;
  value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (!is_digit(text[i])) return false;
    value = value * 10 + (text[i] - '0');
  }
  return true;
}

int days_in_month(int year, int month) noexcept {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2) {
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return leap ? 29 : 28;
  }
  return kDays[month - 1];
}

char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool ends_with_ignore_case(std::string_view text, std::string_view suffix) noexcept {
  if (text.size() < suffix.size()) return false;
  text = text.substr(text.size() - suffix.size());
  for (std::size_t i = 0; i < suffix.size(); ++i) {
    if (lower(text[i]) != suffix[i]) return false;
  }
  return true;
}

}  // namespace

Member classify(std::string_view name) noexcept {
  // Switch on length first: most members are core attributes and this avoids string compares.
  switch (name.size()) {
    case 2:
      if (name == "id") return Member::id;
      break;
    case 4:
      if (name == "type") return Member::type;
      if (name == "time") return Member::time;
      if (name == "data") return Member::data;
      break;
    case 6:
      if (name == "source") return Member::source;
      break;
    case 7:
      if (name == "subject") return Member::subject;
      break;
    case 10:
      if (name == "dataschema") return Member::dataschema;
      break;
    case 11:
      if (name == "specversion") return Member::specversion;
      if (name == "data_base64") return Member::data_base64;
      break;
    case 15:
      if (name == "datacontenttype") return Member::datacontenttype;
      break;
    default: break;
  }
  return Member::extension;
}

std::string_view member_name(Member member) noexcept {
  switch (member) {
    case Member::id: return "id";
    case Member::source: return "source";
    case Member::specversion: return "specversion";
    case Member::type: return "type";
    case Member::datacontenttype: return "datacontenttype";
    case Member::dataschema: return "dataschema";
    case Member::subject: return "subject";
    case Member::time: return "time";
    case Member::data: return "data";
    case Member::data_base64: return "data_base64";
    case Member::extension: return "extension";
  }
  return "?";
}

bool is_valid_name(std::string_view name) noexcept {
  if (name.empty()) return false;
  for (const char c : name) {
    if (!((c >= 'a' && c <= 'z') || is_digit(c))) return false;
  }
  return true;
}

bool is_valid_utf8(std::string_view text) noexcept {
  return json_text::find_invalid_utf8(text) == std::string_view::npos;
}

// True when none of the 8 bytes in `word` is a control character or non-ASCII: the common case,
// checked a word at a time (attribute values are mostly plain ASCII).
bool plain_ascii_word(std::uint64_t word) noexcept {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull;
  constexpr std::uint64_t kHigh = 0x8080808080808080ull;
  if ((word & kHigh) != 0) return false;
  const std::uint64_t below_space = (word - 0x20 * kOnes) & ~word & kHigh;
  const std::uint64_t del = word ^ (0x7F * kOnes);
  const std::uint64_t is_del = (del - kOnes) & ~del & kHigh;
  return (below_space | is_del) == 0;
}

bool is_valid_string(std::string_view text) noexcept {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t start = 0;
  for (; start + 8 <= n; start += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, bytes + start, sizeof(word));
    if (!plain_ascii_word(word)) break;
  }
  for (std::size_t i = start; i < n; ++i) {
    const unsigned char b = bytes[i];
    if (b < 0x80) {
      if (b < 0x20 || b == 0x7F) return false;
      continue;
    }
    if (b == 0xC2) {
      // U+0080-U+009F (C1 controls) are C2 80..C2 9F.
      if (i + 1 < n && bytes[i + 1] < 0xA0) return false;
    } else if (b == 0xEF && i + 2 < n) {
      // U+FDD0-U+FDEF are EF B7 90..EF B7 AF; U+FFFE/U+FFFF are EF BF BE/BF.
      if (bytes[i + 1] == 0xB7 && bytes[i + 2] >= 0x90 && bytes[i + 2] <= 0xAF) return false;
      if (bytes[i + 1] == 0xBF && bytes[i + 2] >= 0xBE) return false;
    } else if (b >= 0xF0 && i + 3 < n) {
      // Planes 1-16: U+xFFFE and U+xFFFF.
      const std::uint32_t code_point = (static_cast<std::uint32_t>(b & 0x07) << 18) |
                                       (static_cast<std::uint32_t>(bytes[i + 1] & 0x3F) << 12) |
                                       (static_cast<std::uint32_t>(bytes[i + 2] & 0x3F) << 6) |
                                       (bytes[i + 3] & 0x3F);
      if ((code_point & 0xFFFE) == 0xFFFE) return false;
    }
  }
  return true;
}

bool is_rfc3339(std::string_view t) noexcept {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(t, 0, 4, year) || t.size() < 20 || t[4] != '-' || !digits(t, 5, 2, month) || t[7] != '-' ||
      !digits(t, 8, 2, day) || (t[10] != 'T' && t[10] != 't') || !digits(t, 11, 2, hour) || t[13] != ':' ||
      !digits(t, 14, 2, minute) || t[16] != ':' || !digits(t, 17, 2, second)) {
    return false;
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 || minute > 59 ||
      second > 60) {
    return false;
  }
  std::size_t i = 19;
  if (t[i] == '.') {
    ++i;
    const std::size_t start = i;
    while (i < t.size() && is_digit(t[i])) ++i;
    if (i == start) return false;
  }
  if (i >= t.size()) return false;
  if (t[i] == 'Z' || t[i] == 'z') return i + 1 == t.size();
  if (t[i] != '+' && t[i] != '-') return false;
  int offset_hour = 0, offset_minute = 0;
  if (!digits(t, i + 1, 2, offset_hour) || i + 3 >= t.size() || t[i + 3] != ':' ||
      !digits(t, i + 4, 2, offset_minute) || i + 6 != t.size()) {
    return false;
  }
  return offset_hour <= 23 && offset_minute <= 59;
}

bool is_json_content_type(std::string_view content_type) noexcept {
  const auto semicolon = content_type.find(';');
  if (semicolon != std::string_view::npos) content_type = content_type.substr(0, semicolon);
  content_type = json_text::trim(content_type);
  const auto slash = content_type.find('/');
  if (slash == std::string_view::npos || slash == 0) return false;
  const std::string_view subtype = content_type.substr(slash + 1);
  if (subtype.size() == 4) return ends_with_ignore_case(subtype, "json");
  return subtype.size() > 5 && ends_with_ignore_case(subtype, "+json");
}

bool is_int32(std::string_view token) noexcept {
  if (!json_text::is_integer(token)) return false;
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (error != std::errc() || end != token.data() + token.size()) return false;  // also overflow
  return value >= std::numeric_limits<std::int32_t>::min() && value <= std::numeric_limits<std::int32_t>::max();
}

void set_context_attribute(Member member, std::string_view text, Event& event) noexcept {
  switch (member) {
    case Member::id: event.id = text; break;
    case Member::source: event.source = text; break;
    case Member::specversion: event.specversion = text; break;
    case Member::type: event.type = text; break;
    case Member::datacontenttype: event.datacontenttype = text; break;
    case Member::dataschema: event.dataschema = text; break;
    case Member::subject: event.subject = text; break;
    case Member::time: event.time = text; break;
    default: break;
  }
}

}  // namespace sluice::attribute_rules
