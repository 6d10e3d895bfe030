#include "sources/nats/payload_mode.hpp"

#include "sources/http/binary_attributes.hpp"

#include <sluice/core/padded_buffer.hpp>

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cctype>

namespace sluice {
namespace {

namespace od = simdjson::ondemand;

constexpr std::string_view kAttributePrefix = "ce-";

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) noexcept {
  return text.size() >= prefix.size() && header_name_is(text.substr(0, prefix.size()), prefix);
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

const HeaderField* find_header(std::span<const HeaderField> headers, std::string_view name) noexcept {
  for (const HeaderField& header : headers) {
    if (header_name_is(header.name, name)) return &header;
  }
  return nullptr;
}

char first_significant(std::string_view payload) noexcept {
  for (const char c : payload) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return c;
  }
  return '\0';
}

bool has_specversion(od::object object) noexcept {
  for (auto member : object) {
    od::field field;
    std::string_view key;
    if (std::move(member).get(field) != simdjson::SUCCESS || field.unescaped_key().get(key) != simdjson::SUCCESS)
      return false;
    if (key == "specversion") return true;
  }
  return false;
}

// Whether the payload (an object, or an array whose first element is an object) carries the
// CloudEvents "specversion" member. Reads only as far as needed; malformed JSON is "no".
bool looks_like_cloud_event(std::string_view payload, bool array) noexcept {
  // One parser per thread: cnats delivery threads and fetch threads each keep their own.
  thread_local od::parser parser;
  od::document doc;
  if (parser.iterate(payload.data(), payload.size(), payload.size() + kInputPadding).get(doc) != simdjson::SUCCESS) {
    return false;
  }
  od::object object;
  if (!array) return doc.get_object().get(object) == simdjson::SUCCESS && has_specversion(object);
  od::array items;
  if (doc.get_array().get(items) != simdjson::SUCCESS) return false;
  for (auto item : items) {
    return item.get_object().get(object) == simdjson::SUCCESS && has_specversion(object);
  }
  return false;
}

ContentMode json_shape(std::string_view payload) noexcept {
  return first_significant(payload) == '[' ? ContentMode::batch : ContentMode::structured;
}

PayloadDecision binary(std::span<const HeaderField> headers) {
  PayloadDecision decision;
  decision.mode = ContentMode::binary;
  decision.error = map_binary_headers(headers, decision.attributes);
  return decision;
}

PayloadDecision of_mode(ContentMode mode) {
  PayloadDecision decision;
  decision.mode = mode;
  return decision;
}

}  // namespace

bool header_name_is(std::string_view name, std::string_view expected) noexcept {
  if (name.size() != expected.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(name[i])) != expected[i]) return false;
  }
  return true;
}

std::optional<std::string> map_binary_headers(std::span<const HeaderField> headers,
                                              std::vector<std::pair<std::string, std::string>>& attributes) {
  attributes.clear();
  std::string value;
  for (const HeaderField& header : headers) {
    if (!starts_with_ignoring_case(header.name, kAttributePrefix)) continue;
    std::string name = lower(header.name.substr(kAttributePrefix.size()));
    if (name.empty()) return fmt::format("header '{}' names no attribute", header.name);
    if (!decode_header_value(header.value, value)) {
      return fmt::format("header '{}' is not a valid percent-encoded UTF-8 value", header.name);
    }
    const bool repeated = std::any_of(attributes.begin(), attributes.end(),
                                      [&](const auto& attribute) { return attribute.first == name; });
    if (repeated) return fmt::format("attribute '{}' appears in more than one ce- header", name);
    attributes.emplace_back(std::move(name), value);
  }
  // The NATS binding carries datacontenttype as ce-datacontenttype; publishers following the HTTP
  // habit send Content-Type instead, which is accepted when the former is absent.
  const bool has_content_type = std::any_of(attributes.begin(), attributes.end(),
                                            [](const auto& attribute) { return attribute.first == "datacontenttype"; });
  if (!has_content_type) {
    if (const HeaderField* content_type = find_header(headers, "content-type")) {
      if (!content_type->value.empty()) attributes.emplace_back("datacontenttype", std::string(content_type->value));
    }
  }
  return std::nullopt;
}

PayloadDecision decide_payload(PayloadMode configured, bool can_wrap, std::span<const HeaderField> headers,
                               std::string_view payload) {
  switch (configured) {
    case PayloadMode::structured:
      return of_mode(json_shape(payload));
    case PayloadMode::binary:
      return binary(headers);
    case PayloadMode::wrap:
      return of_mode(ContentMode::plain_json);
    case PayloadMode::auto_detect:
      break;
  }
  if (find_header(headers, "ce-specversion") != nullptr) return binary(headers);
  if (const HeaderField* content_type = find_header(headers, "content-type")) {
    // Binding §3: Content-Type application/cloudevents[...] marks structured mode.
    if (starts_with_ignoring_case(content_type->value, "application/cloudevents-batch")) {
      return of_mode(ContentMode::batch);
    }
    if (starts_with_ignoring_case(content_type->value, "application/cloudevents")) {
      return of_mode(ContentMode::structured);
    }
  }
  const char first = first_significant(payload);
  if ((first == '{' || first == '[') && looks_like_cloud_event(payload, first == '[')) {
    return of_mode(first == '[' ? ContentMode::batch : ContentMode::structured);
  }
  // Not a CloudEvent: wrapped when the subscription says how; otherwise decoded as structured so
  // that the decoder names what is missing.
  return of_mode(can_wrap ? ContentMode::plain_json : json_shape(payload));
}

}  // namespace sluice
