// Match cost per event for `match:` routes over vCenter-like CloudEvents (VEBA payload shapes:
// subject = vCenter event class, data = the govmomi event). Routes mix exact subject lists,
// prefixes on data fields, numeric ranges, anything-but and cidr, as in config/examples.
//
//   pattern_bench --benchmark_filter=MatchEvent
// Time per iteration is the cost of one event (match_event with in-place padded data).

#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "stages/filter/filter_context.hpp"
#include "stages/filter/pattern/pattern_filter.hpp"
#include "stages/filter/pattern/pattern_set.hpp"

namespace {

using sluice::DataKind;
using sluice::Event;
using sluice::Extension;
using sluice::FilterContext;
using sluice::pattern::Padding;
using sluice::pattern::PatternSet;

const std::vector<std::string> kEventTypes = {
    "VmPoweredOnEvent", "VmPoweredOffEvent", "VmCreatedEvent", "VmRemovedEvent", "VmMigratedEvent",
    "VmReconfiguredEvent", "VmRenamedEvent", "VmSuspendedEvent", "VmResettingEvent", "VmGuestShutdownEvent",
    "DrsVmPoweredOnEvent", "DrsVmMigratedEvent", "HostConnectedEvent", "HostDisconnectedEvent",
    "EnteredMaintenanceModeEvent", "ExitMaintenanceModeEvent", "AlarmStatusChangedEvent", "UserLoginSessionEvent",
    "UserLogoutSessionEvent", "TaskEvent", "DatastoreFileMovedEvent", "VmBeingClonedEvent", "VmClonedEvent",
    "VmDeployedEvent", "VmInstanceUuidChangedEvent"};

const std::vector<std::string> kVmPrefixes = {"web-", "db-", "app-", "cache-", "k8s-node-", "build-", "test-"};

std::string subject_for(std::size_t i) {
  // Real classes first, then synthetic EventEx-style ids for a catalogue of ~2,000 types.
  if (i < kEventTypes.size()) return kEventTypes[i];
  return "com.vmware.vc.Event" + std::to_string(i);
}

struct BenchEvent {
  std::string data_buffer;  // data JSON followed by 64 bytes of padding, as in a PaddedBuffer
  std::size_t data_size = 0;
  std::string subject;
  std::string type;
  std::string source;
  Event event;
};

std::vector<BenchEvent> make_events(std::size_t count) {
  std::mt19937 random(42);
  std::vector<BenchEvent> events(count);
  for (std::size_t i = 0; i < count; ++i) {
    BenchEvent& e = events[i];
    const std::string& kind = kEventTypes[random() % kEventTypes.size()];
    const std::string vm = kVmPrefixes[random() % kVmPrefixes.size()] + std::to_string(random() % 100);
    const int host = static_cast<int>(random() % 40);
    e.subject = kind;
    e.type = "com.vmware.vsphere." + kind + ".v0";
    e.source = "https://vcenter-" + std::to_string(host % 4) + ".local/sdk";
    const std::string data = R"({"Key":)" + std::to_string(600000 + random() % 10000) + R"(,"ChainId":)" +
                             std::to_string(600000 + random() % 10000) +
                             R"(,"CreatedTime":"2021-02-16T20:27:31.711999Z","UserName":")" +
                             (random() % 3 ? "VSPHERE.LOCAL\\\\Administrator" : "VSPHERE.LOCAL\\\\svc-backup") +
                             R"(","Datacenter":{"Name":"Primp-Datacenter","Datacenter":{"Type":"Datacenter","Value":"datacenter-3"}},)"
                             R"("ComputeResource":{"Name":"Supermicro-Cluster","ComputeResource":{"Type":"ClusterComputeResource","Value":"domain-c8"}},)"
                             R"("Host":{"Name":"10.)" + std::to_string(host) + R"(.30.5","Host":{"Type":"HostSystem","Value":"host-)" +
                             std::to_string(host) + R"("}},"Vm":{"Name":")" + vm +
                             R"(","Vm":{"Type":"VirtualMachine","Value":"vm-)" + std::to_string(random() % 9000) +
                             R"("}},"Ds":null,"Net":null,"Dvs":null,"FullFormattedMessage":")" + vm +
                             R"( on 10.0.0.1 in Primp-Datacenter is powered off","ChangeTag":"","Template":false})";
    e.data_size = data.size();
    e.data_buffer = data + std::string(64, '\0');
    Event& event = e.event;
    event.id = "d70079f9-fddd-4b7f-aa76-1193f28b0611";
    event.source = e.source;
    event.specversion = "1.0";
    event.type = e.type;
    event.subject = e.subject;
    event.time = "2021-02-16T20:27:31.711999Z";
    event.datacontenttype = "application/json";
    event.extensions = {{"partitionkey", "vm-56", Extension::Type::string}};
    event.data_kind = DataKind::json;
    event.data = std::string_view(e.data_buffer.data(), e.data_size);
  }
  return events;
}

std::string json_string(const std::string& text) { return "\"" + text + "\""; }

std::vector<std::string> route_patterns(std::size_t count) {
  std::mt19937 random(7);
  // With many routes the subject catalogue grows too, so each subject is shared by a few routes.
  const std::size_t catalogue = std::max<std::size_t>(kEventTypes.size(), count / 5);
  const auto subject = [&] { return json_string(subject_for(random() % catalogue)); };
  std::vector<std::string> patterns;
  for (std::size_t i = 0; i < count; ++i) {
    std::string pattern;
    switch (count == 1 ? 1 : random() % 10) {
      case 0:
      case 1:
      case 2:
      case 3:  // exact subject lists
        pattern = R"({"subject":[)" + subject() + "," + subject() + "," + subject() + "]}";
        break;
      case 4:
      case 5:  // subject + prefix on a data field
        pattern = R"({"subject":[)" + subject() + R"(],"data":{"Vm":{"Name":[{"prefix":)" +
                  json_string(kVmPrefixes[random() % kVmPrefixes.size()]) + "}]}}}";
        break;
      case 6:  // type prefix + numeric range on data
        pattern = R"({"type":[{"prefix":"com.vmware.vsphere.Vm"}],"subject":[)" + subject() +
                  R"(],"data":{"Key":[{"numeric":[">=",)" + std::to_string(600000 + random() % 5000) +
                  R"(,"<",610000]}]}})";
        break;
      case 7:  // anything-but on the user
        pattern = R"({"subject":[)" + subject() +
                  R"(],"data":{"UserName":[{"anything-but":["VSPHERE.LOCAL\\svc-backup","VSPHERE.LOCAL\\svc-)" +
                  std::to_string(i) + R"("]}]}})";
        break;
      case 8:  // source prefix + cidr on the host
        pattern = R"({"source":[{"prefix":"https://vcenter-)" + std::to_string(random() % 4) +
                  R"("}],"data":{"Host":{"Name":[{"cidr":"10.)" + std::to_string(random() % 40) + R"(.0.0/16"}]}}})";
        break;
      default:  // equals-ignore-case subject + exists
        pattern = R"({"subject":[{"equals-ignore-case":)" + subject() +
                  R"(}],"data":{"Datacenter":{"Name":[{"exists":true}]}}})";
        break;
    }
    patterns.push_back(std::move(pattern));
  }
  return patterns;
}

PatternSet make_routes(std::size_t count) {
  PatternSet set;
  std::uint32_t id = 0;
  for (const std::string& pattern : route_patterns(count)) set.add(id++, pattern);
  return set;
}

void BM_MatchEvent(benchmark::State& state) {
  const auto routes = static_cast<std::size_t>(state.range(0));
  const PatternSet set = make_routes(routes);
  const std::vector<BenchEvent> events = make_events(256);
  FilterContext context;
  std::vector<std::uint32_t> matched;
  set.match_event(events[0].event, Padding::present, context, matched);  // builds the index, untimed
  std::size_t i = 0;
  std::size_t matches = 0;
  for (auto _ : state) {
    const bool ok = set.match_event(events[i++ & 255].event, Padding::present, context, matched);
    benchmark::DoNotOptimize(ok);
    matches += matched.size();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["matches_per_event"] =
      benchmark::Counter(static_cast<double>(matches) / static_cast<double>(state.iterations()));
}
BENCHMARK(BM_MatchEvent)->Arg(1)->Arg(100)->Arg(10000);

// The same events as whole structured JSON documents (match_json), e.g. for a router that
// matches before decoding.
void BM_MatchStructuredJson(benchmark::State& state) {
  const auto routes = static_cast<std::size_t>(state.range(0));
  const PatternSet set = make_routes(routes);
  const std::vector<BenchEvent> events = make_events(256);
  std::vector<std::string> documents;
  std::vector<std::size_t> sizes;
  for (const BenchEvent& e : events) {
    std::string doc = R"({"specversion":"1.0","id":"d70079f9","source":)" + json_string(e.source) + R"(,"type":)" +
                      json_string(e.type) + R"(,"subject":)" + json_string(e.subject) +
                      R"(,"time":"2021-02-16T20:27:31.711999Z","datacontenttype":"application/json","data":)" +
                      std::string(e.event.data) + "}";
    sizes.push_back(doc.size());
    documents.push_back(doc + std::string(64, '\0'));
  }
  FilterContext context;
  std::vector<std::uint32_t> matched;
  std::size_t i = 0;
  for (auto _ : state) {
    const std::size_t k = i++ & 255;
    const bool ok = set.match_json(std::string_view(documents[k].data(), sizes[k]), Padding::present, context, matched);
    benchmark::DoNotOptimize(ok);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_MatchStructuredJson)->Arg(1)->Arg(100)->Arg(10000);

// The same routes as one PatternFilter each, evaluated one after another (what a router that
// holds one EventFilter per route does): every route re-reads the event.
void BM_PerRouteFilters(benchmark::State& state) {
  const auto routes = static_cast<std::size_t>(state.range(0));
  std::vector<std::string> patterns = route_patterns(routes);
  std::vector<std::unique_ptr<sluice::pattern::PatternFilter>> filters;
  for (const std::string& pattern : patterns) {
    filters.push_back(std::make_unique<sluice::pattern::PatternFilter>(pattern, Padding::present));
  }
  const std::vector<BenchEvent> events = make_events(256);
  FilterContext context;
  std::size_t i = 0;
  for (auto _ : state) {
    const Event& event = events[i++ & 255].event;
    std::size_t matches = 0;
    for (const auto& filter : filters) matches += filter->matches(event, context) ? 1 : 0;
    benchmark::DoNotOptimize(matches);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_PerRouteFilters)->Arg(1)->Arg(100);

#ifdef SLUICE_VEBA_DIR
// The realistic variant. The synthetic events above give every event class the same payload and
// put IP literals in Host.Name (for the cidr routes); real VEBA events are binary-mode CloudEvents
// with no subject, the class in `type` (com.vmware.vsphere.<Class>.v0), payloads that differ by
// class (alarms, EventEx, tasks, tagging, HA) and host names that are FQDNs. Here the events are
// the vSphere payloads of the VEBA corpus (ce-headers-manifest.json: the ce-* headers its test
// scripts send with each payload), minified as the router sends them, and the routes are what a
// VEBA trigger or a sluice user writes: type lists first, some with a condition on the payload.
struct VebaCorpus {
  std::vector<BenchEvent> events;
  std::vector<std::string> types;  // ce-type of every vSphere event in the corpus
};

std::string read_file(const std::string& path) {
  simdjson::padded_string text;
  if (simdjson::padded_string::load(path).get(text) != simdjson::SUCCESS) return {};
  return std::string(text.data(), text.size());
}

const VebaCorpus& veba_corpus() {
  static const VebaCorpus corpus = [] {
    VebaCorpus result;
    const std::string root = SLUICE_VEBA_DIR;
    simdjson::dom::parser parser;
    simdjson::dom::element manifest;
    if (parser.parse(read_file(root + "/ce-headers-manifest.json")).get(manifest) != simdjson::SUCCESS) return result;
    simdjson::dom::parser payload_parser;
    for (const simdjson::dom::element entry : manifest.get_array()) {
      std::string_view type;
      std::string_view source;
      std::string_view payload_path;
      if (entry["headers"]["ce-type"].get(type) || entry["headers"]["ce-source"].get(source) ||
          entry["payload"].get(payload_path) || !type.starts_with("com.vmware.vsphere.")) {
        continue;
      }
      const std::string payload = read_file(root + "/" + std::string(payload_path));
      simdjson::dom::element parsed;
      if (payload_parser.parse(payload).get(parsed) != simdjson::SUCCESS) continue;  // two have a placeholder
      BenchEvent& e = result.events.emplace_back();
      e.data_buffer.resize(payload.size() + simdjson::SIMDJSON_PADDING, '\0');
      std::size_t size = 0;
      if (simdjson::minify(payload.data(), payload.size(), e.data_buffer.data(), size) != simdjson::SUCCESS) {
        result.events.pop_back();
        continue;
      }
      e.data_size = size;
      e.type = type;
      e.source = source;
      result.types.emplace_back(type);
    }
    for (BenchEvent& e : result.events) {  // pointers into the strings are stable from here on
      Event& event = e.event;
      event.id = "d70079f9-fddd-4b7f-aa76-1193f28b0611";
      event.source = e.source;
      event.specversion = "1.0";
      event.type = e.type;
      event.time = "2024-01-17T13:02:05.426999Z";
      event.datacontenttype = "application/json";
      event.data_kind = DataKind::json;
      event.data = std::string_view(e.data_buffer.data(), e.data_size);
    }
    return result;
  }();
  return corpus;
}

// vCenter's default alarms, as named in AlarmStatusChangedEvent payloads.
const std::vector<std::string> kAlarmNames = {
    "Datastore usage on disk", "Host connection and power state", "Host CPU usage", "Host memory usage",
    "Virtual machine CPU usage", "Virtual machine memory usage", "Host hardware sensor state",
    "Network connectivity lost", "vSphere HA host status", "Certificate Status"};

std::vector<std::string> veba_route_patterns(std::size_t count, const std::vector<std::string>& corpus_types) {
  std::mt19937 random(11);
  // Types a route can name: the corpus's and other real vSphere classes; with many routes, more
  // EventEx ids (vSphere has about 2,000 event types), so that a type is shared by a few routes.
  std::vector<std::string> catalogue = corpus_types;
  for (const std::string& kind : kEventTypes) catalogue.push_back("com.vmware.vsphere." + kind + ".v0");
  for (std::size_t i = catalogue.size(); i < count / 5; ++i) {
    catalogue.push_back("com.vmware.vsphere.com.vmware.vc.Event" + std::to_string(i) + ".v0");
  }
  std::vector<std::string> alarms = kAlarmNames;
  for (std::size_t i = alarms.size(); i < count / 50; ++i) alarms.push_back("Custom alarm " + std::to_string(i));
  const auto type = [&] { return json_string(catalogue[random() % catalogue.size()]); };
  std::vector<std::string> patterns;
  for (std::size_t i = 0; i < count; ++i) {
    std::string pattern;
    switch (count == 1 ? 0 : random() % 20) {
      case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7: case 8: case 9:  // VEBA triggers
        pattern = R"({"type":[)" + type() + (random() % 2 ? "," + type() : std::string()) + "]}";
        break;
      case 10: case 11: case 12:  // one team's VMs
        pattern = R"({"type":[)" + type() + "," + type() + R"(],"data":{"Vm":{"Name":[{"prefix":)" +
                  json_string(kVmPrefixes[random() % kVmPrefixes.size()]) + "}]}}}";
        break;
      case 13: case 14:  // one datacenter or cluster
        pattern = R"({"type":[)" + type() + R"(],"data":{"Datacenter":{"Name":[{"equals-ignore-case":"DataCenter)" +
                  std::to_string(random() % 3) + R"("}]},"ComputeResource":{"Name":[{"exists":true}]}}})";
        break;
      case 15: case 16:  // changes made by people, not service accounts
        pattern = R"({"type":[)" + type() + R"(],"data":{"UserName":[{"anything-but":{"prefix":"VSPHERE.LOCAL\\svc-"}}]}})";
        break;
      case 17:  // one alarm turning red or yellow
        pattern = R"({"type":["com.vmware.vsphere.AlarmStatusChangedEvent.v0"],"data":{"Alarm":{"Name":[)" +
                  json_string(alarms[random() % alarms.size()]) + R"(]},"To":["red","yellow"]}})";
        break;
      case 18:  // hosts of one site
        pattern = R"({"type":[)" + type() + R"(],"data":{"Host":{"Name":[{"suffix":")" +
                  (random() % 2 ? std::string(".local") : std::string(".vmweventbroker.io")) + R"("}]}}})";
        break;
      default:  // HA EventEx events of one vCenter
        pattern = R"({"source":[{"prefix":"https://vcenter)" + std::string(random() % 2 ? "" : "-01") +
                  R"("}],"type":[)" + type() + R"(],"data":{"EventTypeId":[{"prefix":"com.vmware.vc.HA."}]}})";
        break;
    }
    patterns.push_back(std::move(pattern));
  }
  return patterns;
}

void BM_MatchVebaEvent(benchmark::State& state) {
  const VebaCorpus& corpus = veba_corpus();
  if (corpus.events.empty()) {
    state.SkipWithError("no vSphere events in " SLUICE_VEBA_DIR);
    return;
  }
  PatternSet set;
  std::uint32_t id = 0;
  for (const std::string& pattern : veba_route_patterns(static_cast<std::size_t>(state.range(0)), corpus.types)) {
    set.add(id++, pattern);
  }
  FilterContext context;
  std::vector<std::uint32_t> matched;
  set.match_event(corpus.events[0].event, Padding::present, context, matched);  // builds the index
  std::size_t i = 0;
  std::size_t matches = 0;
  for (auto _ : state) {
    const bool ok = set.match_event(corpus.events[i++ % corpus.events.size()].event, Padding::present, context, matched);
    benchmark::DoNotOptimize(ok);
    matches += matched.size();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["matches_per_event"] =
      benchmark::Counter(static_cast<double>(matches) / static_cast<double>(state.iterations()));
  state.counters["events"] = static_cast<double>(corpus.events.size());
}
BENCHMARK(BM_MatchVebaEvent)->Arg(1)->Arg(100)->Arg(10000);
#endif

void BM_CompileRoutes(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(make_routes(static_cast<std::size_t>(state.range(0))));
}
BENCHMARK(BM_CompileRoutes)->Arg(100)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
