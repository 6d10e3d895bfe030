#pragma once
// Internal to the decoder: a serialized io.cloudevents.v1.CloudEventBatch (the CloudEvents
// protobuf format, protobuf-format.md; the gRPC source's ContentMode::cloudevents_protobuf) read
// straight from the wire bytes into Events, without protobuf's generated classes: one pass, no
// allocation per event beyond the Event itself.
//
// Attribute values, binary_data, text_data and proto_data's bytes are views into the padded body;
// only values whose bytes change go to the batch's arena (ce_integer as decimal text, ce_bytes as
// base64, ce_timestamp as RFC 3339, text_data quoted as a JSON string). The CloudEvents rules and
// the client-facing "event N: reason" texts are the JSON path's (attribute_rules, event_checks).
// Mapping (the gRPC source's README, "Decoding"):
//   id, source, spec_version, type       -> the required attributes; empty means absent
//   attributes[name]                      -> datacontenttype, dataschema, subject, time or an
//                                            extension: ce_boolean -> boolean, ce_integer ->
//                                            integer, ce_string/ce_uri/ce_uri_ref -> string,
//                                            ce_bytes -> base64 string, ce_timestamp -> RFC 3339
//                                            string; no value set means absent
//   binary_data                           -> DataKind::binary
//   text_data                             -> DataKind::json (a view) when datacontenttype is JSON
//                                            and the text is valid JSON; DataKind::binary under
//                                            another datacontenttype; otherwise a JSON string
//   proto_data (Any)                      -> DataKind::binary of its value; datacontenttype
//                                            application/protobuf and dataschema <type URL>, each
//                                            when the producer did not set it
// Malformed wire data (a bad or truncated varint, a length past the end, a known field with the
// wrong wire type, groups) is an `invalid` outcome that names the byte offset, as is invalid UTF-8
// in a string field; nothing is read outside the body. Unknown fields are skipped (proto3); a
// repeated singular field keeps its last value, as protobuf does. The first event at fault is
// reported; a limit (max_events_per_batch) is checked before any event is read.
//
// Thread-safety: none; called by the decoder of one worker.

#include "stages/decode/cloud_event_decoder.hpp"
#include "stages/decode/decode_cursor.hpp"

#include <sluice/core/ack.hpp>
#include <sluice/core/batch.hpp>

#include <optional>

namespace sluice::decode {

// Fills batch.events from batch.body() (the cursor's current body). `parser` checks text_data
// that claims to be JSON. Sets `limit_exceeded` when the batch holds more than
// options.max_events_per_batch events. Returns nullopt when every event is valid.
std::optional<BatchOutcome> read_protobuf_batch(IngressBatch& batch, const DecodeOptions& options, od::parser& parser,
                                                Cursor& cursor, bool& limit_exceeded);

}  // namespace sluice::decode
