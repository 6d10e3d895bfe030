// Decode cost per event. One batch object is reused across iterations (decode clears its events
// and nothing here writes to the arena), so only decoding and routing are timed.
//
//   build/h-decode/bench/micro/decode/decode_bench --benchmark_min_time=1
#include "stages/decode/cloud_event_decoder.hpp"
#include "stages/filter/filter_context.hpp"
#include "stages/route/router.hpp"

#include <sluice/core/sink_queue.hpp>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <memory>
#include <string>

namespace sluice {
namespace {

struct NoToken final : AckToken {
  void complete(BatchOutcome) noexcept override {}
};

// A vCenter-like event of about 420 bytes.
std::string event_json(int i) {
  char text[640];
  std::snprintf(text, sizeof(text),
                R"({"specversion":"1.0","id":"b25e2717-a470-45a0-8231-%012d","source":"https://vcenter.local/sdk",)"
                R"("type":"com.vmware.vsphere.%s.v0","subject":"VmPoweredOnEvent","time":"2024-05-01T12:00:00.000Z",)"
                R"("datacontenttype":"application/json","partitionkey":"vm-%d","data":{"Key":%d,"ChainId":9895,)"
                R"("CreatedTime":"2024-05-01T11:59:59.1Z","UserName":"VSPHERE.LOCAL\\Administrator",)"
                R"("Vm":{"Name":"test-%02d","Vm":{"Type":"VirtualMachine","Value":"vm-56"}},"x":"key-%d"}})",
                i, i % 2 ? "VmPoweredOnEvent" : "VmPoweredOffEvent", i, 9900 + i, i % 100, i);
  return text;
}

std::string batch_body(int events, ContentMode mode) {
  std::string body = mode == ContentMode::batch ? "[" : "";
  for (int i = 0; i < events; ++i) {
    if (i > 0) body += mode == ContentMode::batch ? "," : "\n";
    body += event_json(i);
  }
  return body + (mode == ContentMode::batch ? "]" : "\n");
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

void run_decode(benchmark::State& state, ContentMode mode, int events, bool validate_data) {
  Batch batch(mode, events == 1 && mode == ContentMode::structured ? event_json(1) : batch_body(events, mode));
  DecodeOptions options;
  options.validate_data = validate_data;
  CloudEventDecoder decoder(options);
  for (auto _ : state) {
    if (decoder.decode(*batch)) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(batch->events.data());
  }
  state.SetItemsProcessed(state.iterations() * events);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * batch->body().size()));
}

void BM_DecodeBatch100(benchmark::State& state) { run_decode(state, ContentMode::batch, 100, true); }
void BM_DecodeBatch100NoDataValidation(benchmark::State& state) { run_decode(state, ContentMode::batch, 100, false); }
void BM_DecodeStructured(benchmark::State& state) { run_decode(state, ContentMode::structured, 1, true); }
void BM_DecodeNdjson100(benchmark::State& state) { run_decode(state, ContentMode::ndjson, 100, true); }

void BM_DecodeBinary(benchmark::State& state) {
  std::string data = event_json(1);
  data = data.substr(data.find(R"("data":)") + 7);
  data.pop_back();
  Batch batch(ContentMode::binary, data);
  batch->binary_attributes = {{"specversion", "1.0"},
                              {"id", "b25e2717-a470-45a0-8231-000000000001"},
                              {"source", "https://vcenter.local/sdk"},
                              {"type", "com.vmware.vsphere.VmPoweredOnEvent.v0"},
                              {"subject", "VmPoweredOnEvent"},
                              {"datacontenttype", "application/json"}};
  CloudEventDecoder decoder;
  for (auto _ : state) {
    if (decoder.decode(*batch)) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(batch->events.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * batch->body().size()));
}

class TypeSuffix final : public EventFilter {
 public:
  explicit TypeSuffix(std::string suffix) : suffix_(std::move(suffix)) {}
  bool matches(const Event& event, FilterContext&) const override { return event.type.ends_with(suffix_); }

 private:
  std::string suffix_;
};

// Two routes (power-on events to one sink, the rest to another), both keyed by {data.x}.
void BM_DecodeAndRouteBatch100(benchmark::State& state) {
  SinkQueue on("on", 1 << 30);
  SinkQueue rest("rest", 1 << 30);
  std::vector<Route> routes;
  for (int r = 0; r < 2; ++r) {
    Route route;
    route.name = r == 0 ? "power-on" : "rest";
    route.sinks = {r == 0 ? &on : &rest};
    route.topic = Template::compile("{type}");
    route.key = Template::compile("{data.x}");
    if (r == 0) route.filter = std::make_unique<TypeSuffix>("VmPoweredOnEvent.v0");
    routes.push_back(std::move(route));
  }
  const Router router(std::move(routes));
  FilterContext context;
  Batch batch(ContentMode::batch, batch_body(100, ContentMode::batch));
  CloudEventDecoder decoder;
  for (auto _ : state) {
    if (decoder.decode(*batch) || router.route(*batch, context)) state.SkipWithError("decode or route failed");
    benchmark::DoNotOptimize(batch->records.data());
  }
  if (batch->records.size() != 100 || batch->records[3].key != "key-3") state.SkipWithError("unexpected records");
  state.SetItemsProcessed(state.iterations() * 100);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * batch->body().size()));
}

BENCHMARK(BM_DecodeBatch100);
BENCHMARK(BM_DecodeBatch100NoDataValidation);
BENCHMARK(BM_DecodeStructured);
BENCHMARK(BM_DecodeNdjson100);
BENCHMARK(BM_DecodeBinary);
BENCHMARK(BM_DecodeAndRouteBatch100);

}  // namespace
}  // namespace sluice
