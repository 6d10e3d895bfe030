#include "sinks/encoding/binary_data.hpp"

#include "sinks/encoding/json_text.hpp"

namespace sluice::encoding {

std::optional<std::string_view> binary_data(const Event& event, std::string& scratch) {
  switch (event.data_kind) {
    case DataKind::none:
      return std::nullopt;
    case DataKind::binary:
      return event.data;
    case DataKind::json:
      break;
  }
  if (event.datacontenttype.empty() || is_json_media_type(event.datacontenttype)) return event.data;
  std::string_view text = event.data;
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\n' || text.front() == '\r')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  if (text.empty() || text.front() != '"') return event.data;
  scratch.clear();
  if (!decode_json_string(text, scratch)) return event.data;
  return std::string_view(scratch);
}

std::string_view binary_content_type(const Event& event) noexcept {
  if (!event.datacontenttype.empty()) return event.datacontenttype;
  if (event.data_kind == DataKind::json) return "application/json";
  return {};
}

}  // namespace sluice::encoding
