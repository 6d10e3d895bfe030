#include "stages/decode/event_checks.hpp"

#include "stages/decode/attribute_rules.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace sluice::decode {

bool unsupported_specversion(std::string_view specversion, Cursor& cursor) {
  return cursor.fail(
      fmt::format("unsupported specversion '{}' (sluice accepts CloudEvents 1.0)", printable(specversion)));
}

bool check_event(const Event& event, std::vector<std::string_view>& extension_names, Cursor& cursor) {
  const std::pair<std::string_view, std::string_view> required[] = {
      {"id", event.id}, {"source", event.source}, {"specversion", event.specversion}, {"type", event.type}};
  for (const auto& [name, value] : required) {
    if (value.empty()) return cursor.fail(fmt::format("missing required attribute '{}'", name));
  }
  if (event.specversion != "1.0") return unsupported_specversion(event.specversion, cursor);
  if (!event.time.empty() && !attribute_rules::is_rfc3339(event.time)) {
    return cursor.fail(fmt::format("attribute 'time' is not an RFC 3339 timestamp: '{}'", printable(event.time)));
  }
  if (extension_names.size() > 1) {
    std::sort(extension_names.begin(), extension_names.end());
    const auto duplicate = std::adjacent_find(extension_names.begin(), extension_names.end());
    if (duplicate != extension_names.end()) return cursor.fail(fmt::format("duplicate attribute '{}'", *duplicate));
  }
  return true;
}

}  // namespace sluice::decode
