#include "sinks/kafka/properties_file.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>

namespace sluice::kafka {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\f'; }

// True when the line ends in an odd number of backslashes (an escaped backslash does not continue).
bool continues(std::string_view line) {
  std::size_t count = 0;
  while (count < line.size() && line[line.size() - 1 - count] == '\\') ++count;
  return count % 2 == 1;
}

void append_utf8(std::string& out, std::uint32_t code_point) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

// Unescapes one key or value of a logical line.
std::string unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\' || i + 1 == text.size()) {
      out += text[i];
      continue;
    }
    const char escape = text[++i];
    switch (escape) {
      case 't': out += '\t'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 'f': out += '\f'; break;
      case 'u': {
        std::uint32_t value = 0;
        std::size_t digits = 0;
        while (digits < 4 && i + 1 < text.size()) {
          const char c = text[i + 1];
          int digit = -1;
          if (c >= '0' && c <= '9') digit = c - '0';
          else if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
          else if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
          if (digit < 0) break;
          value = (value << 4) | static_cast<std::uint32_t>(digit);
          ++digits;
          ++i;
        }
        append_utf8(out, value);
        break;
      }
      default: out += escape;  // \\, \=, \:, \#, \! and "\ " stand for the character itself
    }
  }
  return out;
}

PropertyLine split_entry(std::string_view logical, std::size_t line_number) {
  std::size_t i = 0;
  // The key ends at the first unescaped '=', ':' or blank.
  while (i < logical.size()) {
    const char c = logical[i];
    if (c == '\\') {
      i += 2;
      continue;
    }
    if (c == '=' || c == ':' || is_blank(c)) break;
    ++i;
  }
  const std::size_t key_end = std::min(i, logical.size());
  while (i < logical.size() && is_blank(logical[i])) ++i;
  if (i < logical.size() && (logical[i] == '=' || logical[i] == ':')) ++i;
  while (i < logical.size() && is_blank(logical[i])) ++i;
  return PropertyLine{unescape(logical.substr(0, key_end)), unescape(logical.substr(i)), line_number};
}

}  // namespace

std::vector<PropertyLine> parse_java_properties(std::string_view text) {
  std::vector<PropertyLine> entries;
  std::string logical;
  std::size_t logical_start = 0;
  bool joining = false;
  std::size_t line_number = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::size_t first = 0;
    while (first < line.size() && is_blank(line[first])) ++first;
    line.remove_prefix(first);
    if (!joining) {
      if (line.empty() || line.front() == '#' || line.front() == '!') {
        if (end == text.size()) break;
        continue;
      }
      logical.clear();
      logical_start = line_number;
    }
    if (continues(line)) {
      logical.append(line.substr(0, line.size() - 1));
      joining = true;
    } else {
      logical.append(line);
      joining = false;
      entries.push_back(split_entry(logical, logical_start));
    }
    if (end == text.size()) break;
  }
  if (joining && !logical.empty()) entries.push_back(split_entry(logical, logical_start));
  return entries;
}

std::vector<PropertyLine> read_java_properties(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("cannot read '{}': {}", path, std::strerror(errno)));
  std::stringstream contents;
  contents << in.rdbuf();
  return parse_java_properties(contents.str());
}

}  // namespace sluice::kafka
