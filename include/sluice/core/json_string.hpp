#pragma once
// JSON string literals for the JSON sluice writes itself (answers, /stats, converted config).

#include <string>
#include <string_view>

namespace sluice {

// Appends `text` as a quoted JSON string: quotes, backslashes and control characters escaped,
// other bytes copied as they are (callers pass UTF-8). Event payloads use the sinks' encoder,
// which also repairs invalid UTF-8.
void append_json_string(std::string& out, std::string_view text);

}  // namespace sluice
