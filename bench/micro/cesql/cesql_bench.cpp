// Cost of one `where:` evaluation per event (CesqlFilter::matches), as the router pays it: one
// FilterContext per worker, reused across events. Time per iteration is time per event.

#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <string>
#include <vector>

#include <sluice/core/event.hpp>

#include "stages/filter/cesql/cesql_filter.hpp"
#include "stages/filter/filter_context.hpp"

namespace {

using sluice::DataKind;
using sluice::Event;
using sluice::Extension;
using sluice::FilterContext;
using sluice::cesql::CesqlFilter;
using sluice::cesql::CesqlOptions;

// A CloudStack event-bus message of typical size (about 600 bytes), as the data of a CloudEvent.
constexpr std::string_view kCloudStackData = R"({
  "eventDateTime": "2024-05-01 10:15:42 +0000",
  "entityuuid": "0b7c6f1e-4a2b-4c1d-9e8f-3a2b1c0d9e8f",
  "description": "Successfully completed starting Vm. Vm Id: 42",
  "event": "VM.START",
  "status": "Completed",
  "entity": "com.cloud.vm.VirtualMachine",
  "Account": "8d6f2c1a-3b4e-4f5a-8b9c-0d1e2f3a4b5c",
  "User": "5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d",
  "Domain": "ROOT",
  "cmdInfo": {"id": "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a", "response": "json", "sessionkey": "redacted"},
  "jobId": "d1c2b3a4-9f8e-4d7c-6b5a-493827160504",
  "zone": {"name": "zone-eu-1", "id": 3}
})";

// Owns the strings the Event views, with the data in a SIMDJSON_PADDING-padded buffer as the
// router's ingress buffers are.
struct BenchEvent {
  BenchEvent(std::string type, std::string source) : type_(std::move(type)), source_(std::move(source)) {
    padded_.reserve(kCloudStackData.size() + simdjson::SIMDJSON_PADDING);
    padded_.assign(kCloudStackData);
    padded_.append(simdjson::SIMDJSON_PADDING, ' ');
    event.id = "6a1c1f9e-3d1b-4c2e-9a7f-1b2c3d4e5f60";
    event.source = source_;
    event.specversion = "1.0";
    event.type = type_;
    event.subject = "vm-42";
    event.time = "2024-05-01T10:15:42Z";
    event.datacontenttype = "application/json";
    event.extensions.push_back(Extension{"region", "eu-west", Extension::Type::string});
    event.extensions.push_back(Extension{"sequence", "1042", Extension::Type::integer});
    event.data_kind = DataKind::json;
    event.data = std::string_view(padded_).substr(0, kCloudStackData.size());
  }
  std::string type_;
  std::string source_;
  std::string padded_;
  Event event;
};

void run(benchmark::State& state, std::string_view expression, const BenchEvent& input, bool expected,
         bool padded = true) {
  const auto filter = CesqlFilter::compile(expression, CesqlOptions{padded});
  FilterContext context;
  if (filter->matches(input.event, context) != expected) {
    state.SkipWithError("filter result differs from the expectation");
    return;
  }
  for (auto _ : state) {
    bool matched = filter->matches(input.event, context);
    benchmark::DoNotOptimize(matched);
  }
  state.SetItemsProcessed(state.iterations());
}

const BenchEvent& cloudstack() {
  static const BenchEvent event("org.apache.cloudstack.vm.start", "/cloudstack/mgmt-1");
  return event;
}

const BenchEvent& other() {
  static const BenchEvent event("com.vmware.vsphere.VmPoweredOnEvent", "/vcenter/vc-1");
  return event;
}

constexpr std::string_view kLikeAndData =
    "type LIKE 'org.apache.cloudstack.%' AND DATA('status') = 'Completed'";

void BM_Equality(benchmark::State& state) {
  run(state, "type = 'org.apache.cloudstack.vm.start'", cloudstack(), true);
}
void BM_InList(benchmark::State& state) {
  run(state,
      "subject IN ('vm-1', 'vm-2', 'vm-3', 'vm-5', 'vm-8', 'vm-13', 'vm-21', 'vm-34', 'vm-42', 'vm-55')",
      cloudstack(), true);
}
void BM_LikeAndData_Match(benchmark::State& state) { run(state, kLikeAndData, cloudstack(), true); }
void BM_LikeAndData_Match_CopiedData(benchmark::State& state) {
  run(state, kLikeAndData, cloudstack(), true, /*padded=*/false);
}
void BM_LikeAndData_TypeMismatch(benchmark::State& state) { run(state, kLikeAndData, other(), false); }
void BM_ThreeDataLookups(benchmark::State& state) {
  run(state,
      "DATA('status') = 'Completed' AND DATA('event') LIKE 'VM.%' AND DATA('zone.id') IN (1, 2, 3)",
      cloudstack(), true);
}
void BM_ExtensionsAndFunctions(benchmark::State& state) {
  run(state, "EXISTS region AND region LIKE 'eu-%' AND sequence > 1000 AND LOWER(subject) = 'vm-42'",
      cloudstack(), true);
}

void BM_Compile(benchmark::State& state) {
  for (auto _ : state) {
    auto filter = CesqlFilter::compile(kLikeAndData);
    benchmark::DoNotOptimize(filter);
  }
}

BENCHMARK(BM_Equality);
BENCHMARK(BM_InList);
BENCHMARK(BM_LikeAndData_Match);
BENCHMARK(BM_LikeAndData_Match_CopiedData);
BENCHMARK(BM_LikeAndData_TypeMismatch);
BENCHMARK(BM_ThreeDataLookups);
BENCHMARK(BM_ExtensionsAndFunctions);
BENCHMARK(BM_Compile);

}  // namespace
