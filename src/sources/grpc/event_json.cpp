#include "sources/grpc/event_json.hpp"

#include "cloudevents.pb.h"
#include "sources/grpc/json_validator.hpp"
#include "sources/grpc/json_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace sluice {
namespace {

using io::cloudevents::v1::CloudEvent;
using AttributeValue = io::cloudevents::v1::CloudEvent_CloudEventAttributeValue;
using grpc_json::JsonWriter;

constexpr std::string_view kProtobufContentType = "application/protobuf";

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view text) noexcept {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// The attribute's value as a string, when it is one of the string-like types.
const std::string* string_value(const CloudEvent& event, const std::string& name) {
  const auto found = event.attributes().find(name);
  if (found == event.attributes().end()) return nullptr;
  switch (found->second.attr_case()) {
    case AttributeValue::kCeString: return &found->second.ce_string();
    case AttributeValue::kCeUri: return &found->second.ce_uri();
    case AttributeValue::kCeUriRef: return &found->second.ce_uri_ref();
    default: return nullptr;
  }
}

bool has_attribute(const CloudEvent& event, const std::string& name) {
  const auto found = event.attributes().find(name);
  return found != event.attributes().end() && found->second.attr_case() != AttributeValue::ATTR_NOT_SET;
}

class EventRenderer {
 public:
  explicit EventRenderer(JsonWriter& out) : out_(out) {}

  std::optional<RenderError> render(const CloudEvent& event, std::int64_t index) {
    index_ = index;
    first_ = true;
    out_.raw('{');
    // specversion first: the decoder checks it as soon as it sees it (producers do the same).
    required("specversion", event.spec_version());
    required("id", event.id());
    required("source", event.source());
    required("type", event.type());
    for (const auto& [name, value] : event.attributes()) {
      if (auto error = attribute(name, value)) return error;
    }
    switch (event.data_case()) {
      case CloudEvent::kBinaryData:
        member("data_base64");
        out_.base64(event.binary_data());
        break;
      case CloudEvent::kTextData: text_data(event); break;
      case CloudEvent::kProtoData: proto_data(event); break;
      case CloudEvent::DATA_NOT_SET: break;
    }
    out_.raw('}');
    return std::nullopt;
  }

 private:
  void member(std::string_view name) {
    if (!first_) out_.raw(',');
    first_ = false;
    out_.string(name);
    out_.raw(':');
  }

  void required(std::string_view name, const std::string& value) {
    if (value.empty()) return;  // absent: the decoder names it
    member(name);
    out_.string(value);
  }

  std::optional<RenderError> attribute(const std::string& name, const AttributeValue& value) {
    if (name == "data" || name == "data_base64") {
      return fail(fmt::format("'{}' is not a valid attribute name (it is reserved for the payload)", name));
    }
    switch (value.attr_case()) {
      case AttributeValue::kCeBoolean: member(name); out_.boolean(value.ce_boolean()); break;
      case AttributeValue::kCeInteger: member(name); out_.integer(value.ce_integer()); break;
      case AttributeValue::kCeString: member(name); out_.string(value.ce_string()); break;
      case AttributeValue::kCeBytes: member(name); out_.base64(value.ce_bytes()); break;
      case AttributeValue::kCeUri: member(name); out_.string(value.ce_uri()); break;
      case AttributeValue::kCeUriRef: member(name); out_.string(value.ce_uri_ref()); break;
      case AttributeValue::kCeTimestamp: {
        member(name);
        const auto& timestamp = value.ce_timestamp();
        if (!out_.timestamp(timestamp.seconds(), timestamp.nanos())) {
          return fail(fmt::format("attribute '{}' is a timestamp outside 0001-01-01..9999-12-31 (seconds {}, "
                                  "nanos {})",
                                  name, timestamp.seconds(), timestamp.nanos()));
        }
        break;
      }
      case AttributeValue::ATTR_NOT_SET: break;  // no value: absent, like a JSON null
    }
    return std::nullopt;
  }

  void text_data(const CloudEvent& event) {
    member("data");
    const std::string& text = event.text_data();
    const std::string* content_type = string_value(event, "datacontenttype");
    if (content_type != nullptr && is_json_media_type(*content_type) && grpc_json::is_valid_json(text)) {
      out_.raw(text);
      return;
    }
    out_.string(text);
  }

  void proto_data(const CloudEvent& event) {
    const auto& any = event.proto_data();
    if (!has_attribute(event, "datacontenttype")) {
      member("datacontenttype");
      out_.string(kProtobufContentType);
    }
    if (!has_attribute(event, "dataschema") && !any.type_url().empty()) {
      member("dataschema");
      out_.string(any.type_url());
    }
    member("data_base64");
    out_.base64(any.value());
  }

  std::optional<RenderError> fail(std::string problem) const {
    return RenderError{index_, fmt::format("event {}: {}", index_, problem)};
  }

  JsonWriter& out_;
  std::int64_t index_ = 0;
  bool first_ = true;
};

}  // namespace

bool is_json_media_type(std::string_view content_type) noexcept {
  if (const auto semicolon = content_type.find(';'); semicolon != std::string_view::npos) {
    content_type = content_type.substr(0, semicolon);
  }
  content_type = trim(content_type);
  const auto slash = content_type.find('/');
  if (slash == std::string_view::npos || slash == 0) return false;
  const std::string_view subtype = content_type.substr(slash + 1);
  if (subtype.size() == 4) return iequals(subtype, "json");
  return subtype.size() > 5 && iequals(subtype.substr(subtype.size() - 5), "+json");
}

std::optional<RenderError> render_batch_json(const io::cloudevents::v1::CloudEventBatch& batch,
                                             std::size_t size_hint, PaddedBuffer& out) {
  // Base64 grows binary data by a third; member names and quotes add some per event.
  JsonWriter writer(size_hint + size_hint / 3 + static_cast<std::size_t>(batch.events_size()) * 64 + 16);
  EventRenderer renderer(writer);
  writer.raw('[');
  for (int i = 0; i < batch.events_size(); ++i) {
    if (i > 0) writer.raw(',');
    if (auto error = renderer.render(batch.events(i), i)) return error;
  }
  writer.raw(']');
  out = writer.take();
  return std::nullopt;
}

}  // namespace sluice
