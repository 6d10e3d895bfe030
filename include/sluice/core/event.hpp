#pragma once
// A decoded CloudEvents 1.0 event.
//
// Lifetime: every view points into the owning IngressBatch (its padded input buffer or its arena),
// so an Event is valid exactly as long as its batch. Events are written by one worker while
// decoding and are read-only afterwards, so concurrent readers (sinks) need no locking.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace sluice {

// An extension attribute. `value` is the decoded string for string-typed attributes and the raw
// JSON token text for numbers and booleans (CloudEvents "Integer"/"Boolean" types).
struct Extension {
  enum class Type : std::uint8_t { string, integer, boolean };
  std::string_view name;
  std::string_view value;
  Type type = Type::string;
};

// How `Event::data` is to be read.
enum class DataKind : std::uint8_t {
  none,    // no data member / empty body
  json,    // `data` holds JSON text (object, array, number, true/false/null, or a quoted string)
  binary,  // `data` holds raw bytes (binary-mode body, or data_base64 already decoded)
};

struct Event {
  // Required context attributes.
  std::string_view id;
  std::string_view source;
  std::string_view specversion;
  std::string_view type;
  // Optional context attributes; empty when absent (CloudEvents forbids empty values for them).
  std::string_view datacontenttype;
  std::string_view dataschema;
  std::string_view subject;
  std::string_view time;
  std::vector<Extension> extensions;

  DataKind data_kind = DataKind::none;
  std::string_view data;

  // The event's own JSON object text when it arrived in structured form (structured, batch or
  // NDJSON mode); empty for binary mode. Lets structured output forward it without re-encoding.
  std::string_view structured_json;

  // Looks up a context attribute or extension by its CloudEvents name ("id", "type", "myext").
  // Returns nullopt when absent. Numbers and booleans come back as their JSON token text.
  std::optional<std::string_view> attribute(std::string_view name) const noexcept;
  const Extension* extension(std::string_view name) const noexcept;
};

}  // namespace sluice
