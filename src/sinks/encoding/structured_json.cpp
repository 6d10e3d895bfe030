#include "sinks/encoding/structured_json.hpp"

#include "sinks/encoding/json_text.hpp"

namespace sluice::encoding {
namespace {

void append_member(std::string& out, std::string_view name, std::string_view value) {
  out += ',';
  append_json_string(out, name);
  out += ':';
  append_json_string(out, value);
}

void append_optional(std::string& out, std::string_view name, std::string_view value) {
  if (!value.empty()) append_member(out, name, value);
}

void append_extension(std::string& out, const Extension& extension) {
  out += ',';
  append_json_string(out, extension.name);
  out += ':';
  if (extension.type == Extension::Type::string) {
    append_json_string(out, extension.value);
  } else {
    // Integer and boolean values are their JSON token text already.
    out += extension.value;
  }
}

void append_data(std::string& out, const Event& event) {
  switch (event.data_kind) {
    case DataKind::none:
      return;
    case DataKind::json:
      out += ",\"data\":";
      out += event.data;
      return;
    case DataKind::binary:
      break;
  }
  const std::string_view content_type = event.datacontenttype;
  if (!content_type.empty() && is_json_media_type(content_type) && is_valid_json(event.data)) {
    out += ",\"data\":";
    out += event.data;
    return;
  }
  if (!content_type.empty() && is_text_media_type(content_type) && is_valid_utf8(event.data)) {
    out += ",\"data\":";
    append_json_string(out, event.data);
    return;
  }
  out += ",\"data_base64\":\"";
  append_base64(out, event.data);
  out += '"';
}

}  // namespace

void append_structured_json(std::string& out, const Event& event) {
  out += "{\"specversion\":";
  append_json_string(out, event.specversion.empty() ? std::string_view("1.0") : event.specversion);
  append_member(out, "id", event.id);
  append_member(out, "source", event.source);
  append_member(out, "type", event.type);
  append_optional(out, "datacontenttype", event.datacontenttype);
  append_optional(out, "dataschema", event.dataschema);
  append_optional(out, "subject", event.subject);
  append_optional(out, "time", event.time);
  for (const Extension& extension : event.extensions) append_extension(out, extension);
  append_data(out, event);
  out += '}';
}

std::string_view structured_json(const Event& event, std::string& scratch) {
  if (!event.structured_json.empty()) return event.structured_json;
  scratch.clear();
  append_structured_json(scratch, event);
  return scratch;
}

}  // namespace sluice::encoding
