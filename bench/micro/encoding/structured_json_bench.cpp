// What a sink's structured output costs for events that came from the gRPC source: 100
// vCenter-like events (~420 bytes, the decode benchmark's) are decoded once from a CloudEventBatch,
// then each iteration renders all of them with encoding::append_structured_json into one reused
// string, as the Kafka sink does with its pooled payloads. One benchmark per kind of data:
//   JsonTextData     text_data under application/json (what sluice-bench and the SDKs send):
//                    DataKind::json, copied as it is
//   TextData         text_data under text/plain: a JSON string, escaped
//   BinaryData       binary_data under application/octet-stream: data_base64
//   JsonBinaryData   binary_data under application/json: checked, then copied as it is
//
//   build/perfa/bench/micro/encoding/structured_json_bench --benchmark_min_time=1
#include "sinks/encoding/structured_json.hpp"
#include "stages/decode/cloud_event_decoder.hpp"
#include "vcenter_events.hpp"

#include <benchmark/benchmark.h>

#include <memory>
#include <string>

namespace sluice {
namespace {

using bench::VcenterData;

void run_render(benchmark::State& state, VcenterData data) {
  IngressBatch* batch = new IngressBatch("bench", ContentMode::cloudevents_protobuf,
                                         PaddedBuffer::copy_of(bench::vcenter_protobuf_batch(data).SerializeAsString()),
                                         std::make_unique<bench::IgnoredAnswer>(),
                                         AdmissionLease{});
  CloudEventDecoder decoder;
  if (auto outcome = decoder.decode(*batch)) state.SkipWithError(outcome->reason.c_str());
  std::string out;
  std::size_t bytes = 0;
  for (auto _ : state) {
    bytes = 0;
    for (const Event& event : batch->events) {
      out.clear();
      encoding::append_structured_json(out, event);
      benchmark::DoNotOptimize(out.data());
      bytes += out.size();
    }
  }
  state.SetItemsProcessed(state.iterations() * bench::kVcenterEvents);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  batch->finish_without_delivery(BatchOutcome{});
}

void BM_RenderJsonTextData100(benchmark::State& state) { run_render(state, VcenterData::json_text); }
void BM_RenderTextData100(benchmark::State& state) { run_render(state, VcenterData::text); }
void BM_RenderBinaryData100(benchmark::State& state) { run_render(state, VcenterData::binary); }
void BM_RenderJsonBinaryData100(benchmark::State& state) { run_render(state, VcenterData::json_binary); }

BENCHMARK(BM_RenderJsonTextData100);
BENCHMARK(BM_RenderTextData100);
BENCHMARK(BM_RenderBinaryData100);
BENCHMARK(BM_RenderJsonBinaryData100);

}  // namespace
}  // namespace sluice
