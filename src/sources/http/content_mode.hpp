#pragma once
// Which CloudEvents content mode a request uses, from its headers (HTTP binding §3). Pure
// functions; thread-safe.

#include <sluice/core/batch.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace sluice {

// The media type of a Content-Type value, lower-cased, without parameters or whitespace.
std::string media_type_of(std::string_view content_type);

// The content mode, or nullopt for 415 Unsupported Media Type. In order (the binding's rule that
// a CloudEvents media type means structured/batch mode comes first):
//   application/cloudevents-batch+json        -> batch
//   application/cloudevents+json              -> structured
//   a ce-specversion header                   -> binary (any Content-Type, or none)
//   application/x-ndjson, application/ndjson  -> ndjson
//   application/json                          -> plain_json if wrap_plain_json, else 415
// A `charset` parameter other than UTF-8 is refused (415) for the JSON-read modes; binary data is
// opaque, so its Content-Type is only passed on (as datacontenttype).
std::optional<ContentMode> detect_content_mode(std::string_view content_type, bool has_ce_specversion,
                                               bool wrap_plain_json);

}  // namespace sluice
