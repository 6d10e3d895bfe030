#pragma once
// CloudEvents JSON event format (formats/json-format.md) for structured-mode output.
//
// Sinks render into storage they own (never into the batch's arena: the arena is not thread-safe
// and two sinks may render events of the same batch at once). Thread-safe: reads the event only.

#include <sluice/core/event.hpp>

#include <string>
#include <string_view>

namespace sluice::encoding {

// The content type of structured-mode messages (Kafka binding §3.3.1, AMQP binding §3.2.1).
inline constexpr std::string_view kStructuredContentType = "application/cloudevents+json; charset=UTF-8";

// Appends a fresh rendering of `event` as one JSON object on one line (event.structured_json is
// ignored). Attribute order: specversion, id, source, type, datacontenttype, dataschema, subject,
// time, extensions in event order, then data. Data is written as:
//   DataKind::json    the JSON text as it is (it was validated when decoded);
//   DataKind::binary  "data": <the bytes> when datacontenttype is JSON and the bytes are valid
//                     JSON; "data": "<string>" when datacontenttype is text (text/*, *xml) and the
//                     bytes are UTF-8; otherwise "data_base64" (JSON format §3.1.1).
void append_structured_json(std::string& out, const Event& event);

// The event as CloudEvents JSON: its original object text when it arrived structured (no
// re-encoding), otherwise a rendering into `scratch`, which must outlive the returned view.
std::string_view structured_json(const Event& event, std::string& scratch);

}  // namespace sluice::encoding
