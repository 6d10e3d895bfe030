#pragma once
// Renders a CloudEvents protobuf batch (protobuf-format.md) as the JSON batch format
// (json-format.md section 4: an array of structured events), so that gRPC batches go through the
// same decoder and the same validation as HTTP ones (ContentMode::batch). Costs one re-encode; in
// return there is one decoder, one set of rules and one error vocabulary for every source.
//
// Mapping (protobuf-format.md section 2 and 3 to json-format.md section 2 and 3):
//   id, source, spec_version, type  -> "id", "source", "specversion", "type"; omitted when empty,
//                                      so the decoder reports the missing attribute with its index
//   attributes[name]                -> "name": ce_boolean -> true/false, ce_integer -> number,
//                                      ce_string/ce_uri/ce_uri_ref -> string, ce_bytes -> base64
//                                      string, ce_timestamp -> RFC 3339 UTC string; a value with no
//                                      type set is treated as absent
//   binary_data                     -> "data_base64"
//   text_data                       -> "data": the text itself as the JSON value when
//                                      datacontenttype is */json or */*+json and the text is valid
//                                      JSON (what CloudEvents SDKs put there), else a JSON string
//                                      (under a non-JSON type the decoder then hands sinks the text
//                                      bytes unchanged)
//   proto_data (Any)                -> "data_base64" of the packed message bytes, with
//                                      datacontenttype "application/protobuf" and dataschema set to
//                                      the Any's type URL when the producer set neither (the format
//                                      spec's MAY and SHOULD)
// The names "data" and "data_base64" in the attributes map are refused: in JSON they would be
// the payload, not an attribute.
//
// Thread-safety: pure functions. The generated protobuf classes are only forward-declared here.

#include <sluice/core/padded_buffer.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace io::cloudevents::v1 {
class CloudEventBatch;
}

namespace sluice {

struct RenderError {
  std::int64_t index = -1;  // the event at fault
  std::string reason;       // client-facing, "event 2: ..." like the decoder's reasons
};

// Renders `batch` into `out` (replaced). `size_hint` (the message's wire size) sizes the first
// allocation. Returns the first event that cannot be represented; `out` is then unspecified.
std::optional<RenderError> render_batch_json(const io::cloudevents::v1::CloudEventBatch& batch,
                                             std::size_t size_hint, PaddedBuffer& out);

// True when the media type, stripped of parameters, is */json or */*+json (case-insensitive),
// the rule the decoder uses (json-format.md 3.1).
bool is_json_media_type(std::string_view content_type) noexcept;

}  // namespace sluice
