#pragma once
// The event's data as message bytes for binary content mode (Kafka binding §3.2, AMQP binding
// §3.1), where the attributes travel as headers and the data is the message body as-is.
// Thread-safe: reads the event only.

#include <sluice/core/event.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace sluice::encoding {

// The body bytes, or nullopt when the event has no data (a Kafka tombstone, binding §3.2.2).
//   DataKind::binary  the bytes as they are;
//   DataKind::json    the JSON text when datacontenttype is JSON or absent (JSON format §3.1.2:
//                     absent means application/json); when datacontenttype is something else and
//                     the data is a JSON string, the string's contents ("hello" for text/plain),
//                     decoded into `scratch`, since that string *is* the data per JSON format
//                     §3.1.1; any other JSON value stays JSON text.
// `scratch` must outlive the returned view.
std::optional<std::string_view> binary_data(const Event& event, std::string& scratch);

// The content type of binary-mode output: datacontenttype, or "application/json" for JSON data
// without one (JSON format §3.1.2 asks re-serialisers to make the implied type explicit), or
// empty for none.
std::string_view binary_content_type(const Event& event) noexcept;

}  // namespace sluice::encoding
