#pragma once
// The events the gRPC benchmarks share: 100 vCenter-like CloudEvents of ~420 bytes (ids, types and
// data shaped like the VEBA payloads in ../shared/conformance), as a protobuf CloudEventBatch.

#include "cloudevents.pb.h"

#include <sluice/core/ack.hpp>

#include <string>

namespace sluice::bench {

constexpr int kVcenterEvents = 100;

std::string vcenter_event_id(int i);
std::string vcenter_event_type(int i);
std::string vcenter_data_json(int i);  // the event's JSON data, ~240 bytes

// What each event of the batch carries as data (and its datacontenttype).
enum class VcenterData {
  json_text,    // text_data, application/json (what sluice-bench and the SDKs send)
  text,         // text_data, text/plain: a log line with characters JSON must escape
  binary,       // binary_data, application/octet-stream
  json_binary,  // binary_data, application/json
};

io::cloudevents::v1::CloudEventBatch vcenter_protobuf_batch(VcenterData data = VcenterData::json_text);

// An AckToken that ignores the answer (benchmarks finish their batches themselves).
struct IgnoredAnswer final : AckToken {
  void complete(BatchOutcome) noexcept override {}
};

}  // namespace sluice::bench
