// libFuzzer driver: the input is a serialized io.cloudevents.v1.CloudEventBatch as a gRPC client
// would send it. The source's wire scan and the decoder's protobuf reader must agree on it, and
// every decoded event must be a valid CloudEvent whose views stay inside the batch.
#include "sources/grpc/wire_scan.hpp"
#include "stages/decode/cloud_event_decoder.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

using namespace sluice;

struct NoToken final : AckToken {
  void complete(BatchOutcome) noexcept override {}
};

void check(bool condition) {
  if (!condition) std::abort();
}

// Reads every byte of `text` so that ASan sees a view that leaves its memory.
std::uint32_t touch(std::string_view text) {
  std::uint32_t sum = 0;
  for (const char c : text) sum += static_cast<unsigned char>(c);
  return sum;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static CloudEventDecoder decoder;
  const std::string_view body(reinterpret_cast<const char*>(data), size);

  std::uint32_t counted = 0;
  const bool scanned = !grpc_wire::count_batch_events(body, counted);
  grpc_wire::PublishRequestLayout layout;
  (void)grpc_wire::read_publish_request(body, layout);  // the same bytes as a stream request

  auto* batch = new IngressBatch("fuzz", ContentMode::cloudevents_protobuf, PaddedBuffer::copy_of(body),
                                 std::make_unique<NoToken>(), AdmissionLease{});
  const auto outcome = decoder.decode(*batch);
  volatile std::uint32_t sink = 0;
  if (outcome) {
    check(outcome->status == BatchOutcome::Status::invalid && !outcome->reason.empty());
    check(batch->events.empty());
    // A batch the source let through is only ever refused for one of its events (or a limit).
    if (scanned) check(outcome->error_index >= 0);
  } else {
    check(scanned && batch->events.size() == counted);
    for (const Event& event : batch->events) {
      check(!event.id.empty() && !event.source.empty() && !event.type.empty() && event.specversion == "1.0");
      check(event.structured_json.empty());
      sink = sink + touch(event.id) + touch(event.source) + touch(event.type) + touch(event.datacontenttype) +
             touch(event.dataschema) + touch(event.subject) + touch(event.time) + touch(event.data);
      for (const Extension& extension : event.extensions) sink = sink + touch(extension.name) + touch(extension.value);
      if (event.data_kind == DataKind::json) check(!event.data.empty());
    }
  }
  (void)sink;
  batch->finish_without_delivery(BatchOutcome{});
  return 0;
}
