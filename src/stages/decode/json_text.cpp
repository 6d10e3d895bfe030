#include "stages/decode/json_text.hpp"

#include <cstdint>
#include <cstring>

namespace sluice::json_text {
namespace {

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool read_hex4(std::string_view text, std::size_t at, std::uint32_t& value) noexcept {
  if (at + 4 > text.size()) return false;
  value = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    const int digit = hex_value(text[at + i]);
    if (digit < 0) return false;
    value = (value << 4) | static_cast<std::uint32_t>(digit);
  }
  return true;
}

void append_utf8(std::string& out, std::uint32_t code_point) {
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

}  // namespace

std::string_view trim_right(std::string_view text) noexcept {
  while (!text.empty() && is_whitespace(text.back())) text.remove_suffix(1);
  return text;
}

std::string_view trim(std::string_view text) noexcept {
  while (!text.empty() && is_whitespace(text.front())) text.remove_prefix(1);
  return trim_right(text);
}

std::string_view string_token_content(std::string_view token) noexcept {
  token = trim_right(token);
  if (token.size() < 2) return {};
  return token.substr(1, token.size() - 2);
}

bool has_escape(std::string_view content) noexcept {
  return !content.empty() && std::memchr(content.data(), '\\', content.size()) != nullptr;
}

bool is_number(std::string_view token) noexcept {
  std::size_t i = 0;
  const std::size_t n = token.size();
  if (i < n && token[i] == '-') ++i;
  if (i >= n) return false;
  if (token[i] == '0') {
    ++i;
  } else if (is_digit(token[i])) {
    while (i < n && is_digit(token[i])) ++i;
  } else {
    return false;
  }
  if (i < n && token[i] == '.') {
    ++i;
    if (i >= n || !is_digit(token[i])) return false;
    while (i < n && is_digit(token[i])) ++i;
  }
  if (i < n && (token[i] == 'e' || token[i] == 'E')) {
    ++i;
    if (i < n && (token[i] == '+' || token[i] == '-')) ++i;
    if (i >= n || !is_digit(token[i])) return false;
    while (i < n && is_digit(token[i])) ++i;
  }
  return i == n;
}

bool is_integer(std::string_view token) noexcept {
  return is_number(token) && token.find_first_of(".eE") == std::string_view::npos;
}

std::optional<std::string_view> quoted_content(std::string_view token) noexcept {
  if (token.empty() || token.front() != '"') return std::nullopt;
  for (std::size_t i = 1; i < token.size(); ++i) {
    if (token[i] == '\\') {
      ++i;  // skip the escaped character, which may be a quote
    } else if (token[i] == '"') {
      return token.substr(1, i - 1);
    }
  }
  return std::nullopt;
}

bool unescape(std::string_view content, std::string& out) {
  out.clear();
  out.reserve(content.size());
  for (std::size_t i = 0; i < content.size(); ++i) {
    const char c = content[i];
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (++i >= content.size()) return false;
    switch (content[i]) {
      case '"': out.push_back('"'); break;
      case '\\': out.push_back('\\'); break;
      case '/': out.push_back('/'); break;
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      case 'u': {
        std::uint32_t unit = 0;
        if (!read_hex4(content, i + 1, unit)) return false;
        i += 4;
        if (unit >= 0xDC00 && unit <= 0xDFFF) return false;  // a low surrogate cannot come first
        if (unit >= 0xD800 && unit <= 0xDBFF) {
          std::uint32_t low = 0;
          if (i + 2 >= content.size() || content[i + 1] != '\\' || content[i + 2] != 'u' ||
              !read_hex4(content, i + 3, low) || low < 0xDC00 || low > 0xDFFF) {
            return false;
          }
          i += 6;
          unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
        }
        append_utf8(out, unit);
        break;
      }
      default: return false;
    }
  }
  return true;
}

std::size_t find_invalid_utf8(std::string_view text) noexcept {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char b = bytes[i];
    if (b < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    std::uint32_t min = 0;
    std::uint32_t code_point = 0;
    if (b >= 0xC2 && b <= 0xDF) {
      length = 2, min = 0x80, code_point = b & 0x1F;
    } else if (b >= 0xE0 && b <= 0xEF) {
      length = 3, min = 0x800, code_point = b & 0x0F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      length = 4, min = 0x10000, code_point = b & 0x07;
    } else {
      return i;
    }
    if (i + length > n) return i;
    for (std::size_t k = 1; k < length; ++k) {
      if ((bytes[i + k] & 0xC0) != 0x80) return i;
      code_point = (code_point << 6) | (bytes[i + k] & 0x3F);
    }
    if (code_point < min || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) return i;
    i += length;
  }
  return std::string_view::npos;
}

std::size_t find_unescaped_control(std::string_view text) noexcept {
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (!in_string) {
      if (c == '"') in_string = true;
      continue;
    }
    if (c == '\\') {
      ++i;
    } else if (c == '"') {
      in_string = false;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      return i;
    }
  }
  return std::string_view::npos;
}

std::size_t find_unclosed_string(std::string_view text) noexcept {
  std::size_t open = std::string_view::npos;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (open == std::string_view::npos) {
      if (c == '"') open = i;
    } else if (c == '\\') {
      ++i;
    } else if (c == '"') {
      open = std::string_view::npos;
    }
  }
  return open;
}

std::string_view value_text(std::string_view text) noexcept {
  if (text.empty()) return text;
  const char first = text.front();
  if (first != '{' && first != '[') {
    // A scalar: up to the first byte that cannot continue it (strings end at their closing quote).
    if (first == '"') {
      for (std::size_t i = 1; i < text.size(); ++i) {
        if (text[i] == '\\') {
          ++i;
        } else if (text[i] == '"') {
          return text.substr(0, i + 1);
        }
      }
      return text;
    }
    std::size_t end = 0;
    while (end < text.size() && text[end] != ',' && text[end] != ']' && text[end] != '}' && !is_whitespace(text[end])) {
      ++end;
    }
    return text.substr(0, end);
  }
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if ((c == '}' || c == ']') && --depth == 0) {
      return text.substr(0, i + 1);
    }
  }
  return text;
}

}  // namespace sluice::json_text
