// Real payloads from the shared conformance corpora (read at run time, never copied): vCenter
// events as VEBA sends them (binary mode, with its recorded ce-* headers), VEBA's structured
// samples, Horizon audit events, Arista CloudVision events, and the CloudEvents JS SDK samples.
#include "stages/filter/filter_context.hpp"
#include "stages/route/router.hpp"
#include "test_batch.hpp"

#include <sluice/core/sink_queue.hpp>

#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace sluice {
namespace {

namespace fs = std::filesystem;
using test::TestBatch;

const fs::path kCorpus = SLUICE_CONFORMANCE_DIR;
const fs::path kVeba = kCorpus / "vcenter-event-broker-appliance";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

// The two VEBA payloads with an unquoted `REPLACE-ME` placeholder are not JSON (SOURCE.md).
bool is_placeholder_payload(const fs::path& path) {
  const std::string text = path.string();
  return text.find("kn-pcli-template") != std::string::npos || text.find("kn-pcli-vds-config") != std::string::npos;
}

// A router as a vCenter deployment would write it: topic per event type, key = the VM's name.
class VcenterRouting : public ::testing::Test {
 protected:
  VcenterRouting() {
    std::vector<Route> routes;
    Route route;
    route.name = "vcenter";
    route.sinks = {&kafka_};
    route.topic = Template::compile("vcenter.{type}");
    route.key = Template::compile("{data.Vm.Name|no-vm}");
    routes.push_back(std::move(route));
    router_ = std::make_unique<Router>(std::move(routes));
  }

  SinkQueue kafka_{"kafka", 1 << 20};
  std::unique_ptr<Router> router_;
  FilterContext context_;
};

TEST_F(VcenterRouting, BinaryModeEventsFromTheHeaderManifest) {
  const std::string manifest_text = read_file(kVeba / "ce-headers-manifest.json");
  // The manifest is read with On Demand too: one parser, fields in file order.
  simdjson::ondemand::parser parser;
  const simdjson::padded_string padded(manifest_text);
  simdjson::ondemand::document manifest = parser.iterate(padded);
  std::size_t valid = 0;
  std::size_t rejected = 0;
  for (simdjson::ondemand::object entry : manifest.get_array()) {
    std::string payload;
    std::vector<std::pair<std::string, std::string>> headers;
    for (simdjson::ondemand::field field : entry) {
      const std::string_view key = field.unescaped_key();
      if (key == "payload") payload = std::string(std::string_view(field.value()));
      if (key != "headers") continue;
      for (simdjson::ondemand::field header : field.value().get_object()) {
        const std::string name(std::string_view(header.unescaped_key()));
        headers.emplace_back(name, std::string(std::string_view(header.value())));
      }
    }
    SCOPED_TRACE(payload);
    const fs::path path = kVeba / payload;
    TestBatch batch(ContentMode::binary, read_file(path));
    for (const auto& [name, text] : headers) {
      if (name == "content-type") batch->binary_attributes.emplace_back("datacontenttype", text);
      if (name.starts_with("ce-")) batch->binary_attributes.emplace_back(std::string_view(name).substr(3), text);
    }
    const auto outcome = batch.decode();
    if (is_placeholder_payload(path)) {
      ASSERT_TRUE(outcome);
      // The position is the unquoted placeholder's (the file also quotes the word earlier).
      EXPECT_EQ(outcome->reason, "data is not valid JSON (datacontenttype 'application/json'): malformed JSON at "
                                 "byte " + std::to_string(batch.body().find(": REPLACE-ME") + 2) +
                                     ": invalid JSON value");
      ++rejected;
      continue;
    }
    ASSERT_FALSE(outcome) << outcome->reason;
    const Event& event = batch->events.at(0);
    EXPECT_EQ(event.data_kind, DataKind::json);
    EXPECT_TRUE(batch.in_body(event.data));
    ASSERT_FALSE(router_->route(*batch, context_));
    ASSERT_EQ(batch->records.size(), 1u);
    EXPECT_EQ(batch->records[0].topic, "vcenter." + std::string(event.type));
    ++valid;
  }
  EXPECT_EQ(valid, 21u);
  EXPECT_EQ(rejected, 2u);
}

TEST_F(VcenterRouting, EveryDataBodyAsBinaryAndAsPlainJson) {
  std::size_t bodies = 0;
  std::size_t with_vm = 0;
  for (const auto& entry : fs::recursive_directory_iterator(kVeba / "examples")) {
    if (entry.path().extension() != ".json") continue;
    const std::string text = read_file(entry.path());
    if (text.find("\"specversion\"") != std::string::npos) continue;  // structured events: below
    SCOPED_TRACE(entry.path().string());
    ++bodies;
    TestBatch binary(ContentMode::binary, text);
    binary->binary_attributes = {{"specversion", "1.0"},
                                 {"id", "d70079f9"},
                                 {"source", "https://vcenter.local/sdk"},
                                 {"type", "com.vmware.vsphere.Event.v0"},
                                 {"datacontenttype", "application/json"}};
    TestBatch plain(ContentMode::plain_json, text);
    if (is_placeholder_payload(entry.path())) {
      EXPECT_TRUE(binary.decode());
      EXPECT_TRUE(plain.decode());
      continue;
    }
    ASSERT_FALSE(binary.decode());
    ASSERT_FALSE(plain.decode());
    ASSERT_FALSE(router_->route(*binary, context_));
    ASSERT_EQ(binary->records.size(), 1u);
    if (binary->records[0].key != "no-vm") ++with_vm;
  }
  EXPECT_GE(bodies, 30u);
  EXPECT_GE(with_vm, 5u);
}

TEST_F(VcenterRouting, StructuredSamples) {
  const fs::path echo = kVeba / "examples/knative/go/kn-go-echo/testdata/cloudevent.json";
  TestBatch batch(ContentMode::structured, read_file(echo));
  ASSERT_FALSE(batch.decode());
  const Event& event = batch->events.at(0);
  EXPECT_EQ(event.subject, "VmPoweredOffEvent");
  EXPECT_EQ(event.type, "com.vmware.event.router/event");
  const std::string_view body = batch.body();
  EXPECT_EQ(event.structured_json, body.substr(0, body.rfind('}') + 1));
  ASSERT_FALSE(router_->route(*batch, context_));
  EXPECT_EQ(batch->records.at(0).key, "test-01");

  for (const char* sample : {"kn-py-echo/test/testevent.json", "kn-py-slack/test/testevent.json",
                             "kn-py-vm-attr/test/testevent.json"}) {
    TestBatch python(ContentMode::structured, read_file(kVeba / "examples/knative/python" / sample));
    EXPECT_FALSE(python.decode()) << sample;
    EXPECT_FALSE(python->events.at(0).extensions.empty()) << sample;  // eventclass, knativearrivaltime
  }
  TestBatch old(ContentMode::structured, read_file(kVeba / "examples/knative/python/kn-py-vro/tests/testevent.json"));
  const auto outcome = old.decode();
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->reason, "unsupported specversion '0.3' (sluice accepts CloudEvents 1.0)");
}

TEST(Conformance, HorizonAuditEventsAreJsonButNotCloudEvents) {
  const std::string text =
      read_file(kVeba / "vmware-event-router/internal/provider/horizon/testdata/audit_events.golden");
  TestBatch plain(ContentMode::plain_json, text);
  EXPECT_FALSE(plain.decode());
  TestBatch as_batch(ContentMode::batch, text);
  const auto outcome = as_batch.decode();
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->error_index, 0);
  EXPECT_EQ(outcome->reason, "event 0: attribute 'id' must be a string");
}

TEST(Conformance, CloudVisionEventsWrappedAsPlainJson) {
  FilterContext context;
  for (int i = 0; i < 5; ++i) {
    const fs::path path =
        kCorpus / "arista-cloudvision-event/samples-extracted" / ("events-example-" + std::to_string(i) + ".jsonl");
    TestBatch batch(ContentMode::plain_json, read_file(path));
    batch->wrap_source = "https://cvp.example.com";
    batch->wrap_type = "com.arista.cloudvision.event";
    ASSERT_FALSE(batch.decode()) << path;
    Template severity = Template::compile("{data.value.severity|}{data.result.value.severity|}");
    DataFieldSet fields;
    severity.bind(fields);
    DataFieldValues values(fields, context);
    values.reset(batch->events[0], batch->body(), batch->arena);
    const auto rendered = severity.render(batch->events[0], &values, batch->arena);
    ASSERT_TRUE(rendered.ok);
    EXPECT_TRUE(rendered.value.starts_with("EVENT_SEVERITY_")) << rendered.value;
  }
}

TEST(Conformance, CloudEventsJavascriptSdkPayloads) {
  const fs::path payloads = kCorpus / "cloudevents-sdk-javascript-payloads/examples/payload";
  for (int i = 0; i < 3; ++i) {
    TestBatch batch(ContentMode::structured, read_file(payloads / "v1" / ("structured-event-" + std::to_string(i) + ".json")));
    ASSERT_FALSE(batch.decode()) << i;
    const Event& event = batch->events.at(0);
    EXPECT_EQ(event.type, "com.github.pull.create");
    EXPECT_EQ(event.time, "2019-11-06T11:08:00Z");
    if (i == 2) {
      EXPECT_EQ(event.data_kind, DataKind::binary);
      EXPECT_EQ(event.data, R"({"much":"wow"})");
    } else {
      EXPECT_EQ(event.data_kind, DataKind::json);
    }
    if (i >= 1) {
      EXPECT_EQ(event.extensions.at(0).value, "something");
    }
    TestBatch v03(ContentMode::structured, read_file(payloads / "v03" / ("structured-event-" + std::to_string(i) + ".json")));
    const auto outcome = v03.decode();
    ASSERT_TRUE(outcome);
    EXPECT_EQ(outcome->reason, "unsupported specversion '0.3' (sluice accepts CloudEvents 1.0)");
  }
  TestBatch data(ContentMode::plain_json, read_file(payloads / "data-0.json"));
  EXPECT_FALSE(data.decode());
  TestBatch text(ContentMode::binary, read_file(payloads / "data-1.txt"));
  text->binary_attributes = {{"specversion", "1.0"}, {"id", "1"}, {"source", "s"}, {"type", "t"},
                             {"datacontenttype", "text/plain"}};
  ASSERT_FALSE(text.decode());
  EXPECT_EQ(text->events[0].data_kind, DataKind::binary);
}

}  // namespace
}  // namespace sluice
