// The gRPC source's decode cost per event: a CloudEventBatch decoded straight from its wire bytes
// (ContentMode::cloudevents_protobuf) next to the same 100 events (~420 bytes each, vCenter-like)
// as a JSON batch, and next to what parsing the batch into generated protobuf objects alone costs
// (the first step of the path this one replaced). One batch object is reused across iterations.
//
//   build/h1/bench/micro/decode/protobuf_decode_bench --benchmark_min_time=1
#include "stages/decode/cloud_event_decoder.hpp"
#include "vcenter_events.hpp"

#include <benchmark/benchmark.h>
#include <google/protobuf/arena.h>

#include <memory>
#include <string>

namespace sluice {
namespace {

using bench::kVcenterEvents;
using bench::vcenter_data_json;
using bench::vcenter_event_id;
using bench::vcenter_event_type;

std::string json_batch() {
  std::string body = "[";
  for (int i = 0; i < kVcenterEvents; ++i) {
    if (i > 0) body += ',';
    body += R"({"specversion":"1.0","id":")" + vcenter_event_id(i) + R"(","source":"https://vcenter.local/sdk","type":")" +
            vcenter_event_type(i) +
            R"(","subject":"VmPoweredOnEvent","time":"2024-05-01T12:00:00.000Z","datacontenttype":"application/json",)"
            R"("partitionkey":"vm-)" +
            std::to_string(i) + R"(","data":)" + vcenter_data_json(i) + "}";
  }
  return body + "]";
}

class Batch {
 public:
  Batch(ContentMode mode, const std::string& body)
      : batch_(new IngressBatch("bench", mode, PaddedBuffer::copy_of(body), std::make_unique<bench::IgnoredAnswer>(),
                                AdmissionLease{})) {}
  ~Batch() { batch_->finish_without_delivery(BatchOutcome{}); }
  IngressBatch& operator*() { return *batch_; }
  IngressBatch* operator->() { return batch_; }

 private:
  IngressBatch* batch_;
};

void run_decode(benchmark::State& state, ContentMode mode, const std::string& body) {
  Batch batch(mode, body);
  CloudEventDecoder decoder;
  for (auto _ : state) {
    if (auto outcome = decoder.decode(*batch)) state.SkipWithError(outcome->reason.c_str());
    benchmark::DoNotOptimize(batch->events.data());
  }
  state.SetItemsProcessed(state.iterations() * kVcenterEvents);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * batch->body().size()));
}

void BM_DecodeProtobufBatch100(benchmark::State& state) {
  run_decode(state, ContentMode::cloudevents_protobuf, bench::vcenter_protobuf_batch().SerializeAsString());
}

void BM_DecodeJsonBatch100(benchmark::State& state) { run_decode(state, ContentMode::batch, json_batch()); }

// Only the protobuf parse into generated objects on an arena, no validation or rendering.
void BM_ParseGeneratedProtobuf100(benchmark::State& state) {
  const std::string bytes = bench::vcenter_protobuf_batch().SerializeAsString();
  for (auto _ : state) {
    google::protobuf::ArenaOptions options;
    options.start_block_size = 16 << 10;
    google::protobuf::Arena arena(options);
    auto* batch = google::protobuf::Arena::CreateMessage<io::cloudevents::v1::CloudEventBatch>(&arena);
    if (!batch->ParseFromString(bytes)) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(batch);
  }
  state.SetItemsProcessed(state.iterations() * kVcenterEvents);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}

BENCHMARK(BM_DecodeProtobufBatch100);
BENCHMARK(BM_DecodeJsonBatch100);
BENCHMARK(BM_ParseGeneratedProtobuf100);

}  // namespace
}  // namespace sluice
