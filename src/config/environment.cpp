// ${VAR} and ${VAR:-default} expansion of the configuration text, before YAML parsing, so a
// variable can stand anywhere (a port inside "host:${PORT}", a whole list) and lines stay put.

#include "config/config_node.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

namespace sluice {

std::string expand_environment(std::string_view text, std::string_view file_name) {
  std::string out;
  out.reserve(text.size());
  std::size_t position = 0;
  while (position < text.size()) {
    const std::size_t start = text.find("${", position);
    if (start == std::string_view::npos) {
      out.append(text.substr(position));
      break;
    }
    // "$${" is an escaped literal "${".
    if (start > 0 && text[start - 1] == '$') {
      out.append(text.substr(position, start - 1 - position));
      out.append("${");
      position = start + 2;
      continue;
    }
    out.append(text.substr(position, start - position));
    const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(start), '\n');
    const std::size_t end = text.find('}', start);
    if (end == std::string_view::npos || text.substr(start, end - start).find('\n') != std::string_view::npos) {
      throw ConfigError(fmt::format("{}:{}: unterminated ${{...}} reference", file_name, line));
    }
    std::string_view reference = text.substr(start + 2, end - start - 2);
    std::string_view name = reference;
    std::optional<std::string_view> fallback;
    if (auto separator = reference.find(":-"); separator != std::string_view::npos) {
      name = reference.substr(0, separator);
      fallback = reference.substr(separator + 2);
    }
    const bool valid_name = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
    if (!valid_name) {
      throw ConfigError(fmt::format("{}:{}: '${{{}}}' is not a valid environment variable reference",
                                    file_name, line, reference));
    }
    const char* value = std::getenv(std::string(name).c_str());
    if (value != nullptr && (*value != '\0' || !fallback)) {
      out.append(value);
    } else if (fallback) {
      out.append(*fallback);
    } else {
      throw ConfigError(fmt::format(
          "{}:{}: environment variable {} is not set (use ${{{}:-default}} to give a default)",
          file_name, line, name, name));
    }
    position = end + 1;
  }
  return out;
}

}  // namespace sluice
