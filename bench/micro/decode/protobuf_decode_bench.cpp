// The gRPC source's decode cost per event: a CloudEventBatch decoded straight from its wire bytes
// (ContentMode::cloudevents_protobuf) next to the same 100 events (~420 bytes each, vCenter-like)
// as a JSON batch, and next to what parsing the batch into generated protobuf objects alone costs
// (the first step of the path this one replaced). One batch object is reused across iterations.
//
//   build/h1/bench/micro/decode/protobuf_decode_bench --benchmark_min_time=1
#include "cloudevents.pb.h"
#include "stages/decode/cloud_event_decoder.hpp"

#include <benchmark/benchmark.h>
#include <google/protobuf/arena.h>

#include <cstdio>
#include <memory>
#include <string>

namespace sluice {
namespace {

namespace pb = io::cloudevents::v1;

struct NoToken final : AckToken {
  void complete(BatchOutcome) noexcept override {}
};

constexpr int kEvents = 100;

std::string data_json(int i) {
  char text[320];
  std::snprintf(text, sizeof(text),
                R"({"Key":%d,"ChainId":9895,"CreatedTime":"2024-05-01T11:59:59.1Z",)"
                R"("UserName":"VSPHERE.LOCAL\\Administrator","Vm":{"Name":"test-%02d","Vm":{"Type":"VirtualMachine",)"
                R"("Value":"vm-56"}},"x":"key-%d"})",
                9900 + i, i % 100, i);
  return text;
}

std::string event_id(int i) {
  char text[64];
  std::snprintf(text, sizeof(text), "b25e2717-a470-45a0-8231-%012d", i);
  return text;
}

std::string event_type(int i) {
  return std::string("com.vmware.vsphere.") + (i % 2 ? "VmPoweredOnEvent" : "VmPoweredOffEvent") + ".v0";
}

pb::CloudEventBatch protobuf_batch() {
  pb::CloudEventBatch batch;
  for (int i = 0; i < kEvents; ++i) {
    pb::CloudEvent& event = *batch.add_events();
    event.set_id(event_id(i));
    event.set_source("https://vcenter.local/sdk");
    event.set_spec_version("1.0");
    event.set_type(event_type(i));
    auto& attributes = *event.mutable_attributes();
    attributes["subject"].set_ce_string("VmPoweredOnEvent");
    attributes["time"].set_ce_string("2024-05-01T12:00:00.000Z");
    attributes["datacontenttype"].set_ce_string("application/json");
    attributes["partitionkey"].set_ce_string("vm-" + std::to_string(i));
    event.set_text_data(data_json(i));
  }
  return batch;
}

std::string json_batch() {
  std::string body = "[";
  for (int i = 0; i < kEvents; ++i) {
    if (i > 0) body += ',';
    body += R"({"specversion":"1.0","id":")" + event_id(i) + R"(","source":"https://vcenter.local/sdk","type":")" +
            event_type(i) +
            R"(","subject":"VmPoweredOnEvent","time":"2024-05-01T12:00:00.000Z","datacontenttype":"application/json",)"
            R"("partitionkey":"vm-)" +
            std::to_string(i) + R"(","data":)" + data_json(i) + "}";
  }
  return body + "]";
}

class Batch {
 public:
  Batch(ContentMode mode, const std::string& body)
      : batch_(new IngressBatch("bench", mode, PaddedBuffer::copy_of(body), std::make_unique<NoToken>(),
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
  state.SetItemsProcessed(state.iterations() * kEvents);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * batch->body().size()));
}

void BM_DecodeProtobufBatch100(benchmark::State& state) {
  run_decode(state, ContentMode::cloudevents_protobuf, protobuf_batch().SerializeAsString());
}

void BM_DecodeJsonBatch100(benchmark::State& state) { run_decode(state, ContentMode::batch, json_batch()); }

// Only the protobuf parse into generated objects on an arena, no validation or rendering.
void BM_ParseGeneratedProtobuf100(benchmark::State& state) {
  const std::string bytes = protobuf_batch().SerializeAsString();
  for (auto _ : state) {
    google::protobuf::ArenaOptions options;
    options.start_block_size = 16 << 10;
    google::protobuf::Arena arena(options);
    auto* batch = google::protobuf::Arena::CreateMessage<pb::CloudEventBatch>(&arena);
    if (!batch->ParseFromString(bytes)) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(batch);
  }
  state.SetItemsProcessed(state.iterations() * kEvents);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}

BENCHMARK(BM_DecodeProtobufBatch100);
BENCHMARK(BM_DecodeJsonBatch100);
BENCHMARK(BM_ParseGeneratedProtobuf100);

}  // namespace
}  // namespace sluice
