#include "sources/http/content_mode.hpp"

#include <algorithm>
#include <cctype>

namespace sluice {
namespace {

std::string_view trim(std::string_view text) noexcept {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// True unless a charset parameter names something other than UTF-8 (JSON is UTF-8, RFC 8259).
bool charset_is_utf8(std::string_view content_type) {
  std::size_t semicolon = content_type.find(';');
  while (semicolon != std::string_view::npos) {
    std::string_view rest = content_type.substr(semicolon + 1);
    const std::size_t next = rest.find(';');
    const std::string_view parameter = trim(rest.substr(0, next));
    const std::size_t equals = parameter.find('=');
    if (equals != std::string_view::npos && lower(trim(parameter.substr(0, equals))) == "charset") {
      std::string value = lower(trim(parameter.substr(equals + 1)));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
      if (value != "utf-8" && value != "utf8") return false;
    }
    semicolon = next == std::string_view::npos ? next : semicolon + 1 + next;
  }
  return true;
}

}  // namespace

std::string media_type_of(std::string_view content_type) {
  return lower(trim(content_type.substr(0, content_type.find(';'))));
}

std::optional<ContentMode> detect_content_mode(std::string_view content_type, bool has_ce_specversion,
                                               bool wrap_plain_json) {
  const std::string media = media_type_of(content_type);
  const auto json_mode = [&](ContentMode mode) -> std::optional<ContentMode> {
    if (!charset_is_utf8(content_type)) return std::nullopt;
    return mode;
  };
  if (media == "application/cloudevents-batch+json") return json_mode(ContentMode::batch);
  if (media == "application/cloudevents+json") return json_mode(ContentMode::structured);
  if (has_ce_specversion) return ContentMode::binary;
  if (media == "application/x-ndjson" || media == "application/ndjson") return json_mode(ContentMode::ndjson);
  if (media == "application/json" && wrap_plain_json) return json_mode(ContentMode::plain_json);
  return std::nullopt;
}

}  // namespace sluice
