#include "vcenter_events.hpp"

#include <cstdio>

namespace sluice::bench {
namespace {

// A log line of about the same size as the JSON data, with the few characters JSON must escape
// that such lines have.
std::string data_text(int i) {
  char text[320];
  std::snprintf(text, sizeof(text),
                "2024-05-01T11:59:59.1Z vcenter-%02d vpxd[%d]: Task \"PowerOnVM_Task\" for vm-56 (test-%02d) by "
                "VSPHERE.LOCAL\\Administrator from 10.0.0.%d completed in datacenter dc-01, cluster c-02, "
                "host esx-%02d.local; chain 9895, key %d\n",
                i % 4, 1000 + i, i % 100, i % 250, i % 16, 9900 + i);
  return text;
}

std::string data_binary(int i) {
  std::string bytes(240, '\0');
  for (std::size_t k = 0; k < bytes.size(); ++k) bytes[k] = static_cast<char>((k * 131 + static_cast<std::size_t>(i)) & 0xFF);
  return bytes;
}

}  // namespace

std::string vcenter_event_id(int i) {
  char text[64];
  std::snprintf(text, sizeof(text), "b25e2717-a470-45a0-8231-%012d", i);
  return text;
}

std::string vcenter_event_type(int i) {
  return std::string("com.vmware.vsphere.") + (i % 2 ? "VmPoweredOnEvent" : "VmPoweredOffEvent") + ".v0";
}

std::string vcenter_data_json(int i) {
  char text[320];
  std::snprintf(text, sizeof(text),
                R"({"Key":%d,"ChainId":9895,"CreatedTime":"2024-05-01T11:59:59.1Z",)"
                R"("UserName":"VSPHERE.LOCAL\\Administrator","Vm":{"Name":"test-%02d","Vm":{"Type":"VirtualMachine",)"
                R"("Value":"vm-56"}},"x":"key-%d"})",
                9900 + i, i % 100, i);
  return text;
}

io::cloudevents::v1::CloudEventBatch vcenter_protobuf_batch(VcenterData data) {
  io::cloudevents::v1::CloudEventBatch batch;
  for (int i = 0; i < kVcenterEvents; ++i) {
    io::cloudevents::v1::CloudEvent& event = *batch.add_events();
    event.set_id(vcenter_event_id(i));
    event.set_source("https://vcenter.local/sdk");
    event.set_spec_version("1.0");
    event.set_type(vcenter_event_type(i));
    auto& attributes = *event.mutable_attributes();
    attributes["subject"].set_ce_string("VmPoweredOnEvent");
    attributes["time"].set_ce_string("2024-05-01T12:00:00.000Z");
    attributes["partitionkey"].set_ce_string("vm-" + std::to_string(i));
    switch (data) {
      case VcenterData::json_text:
        attributes["datacontenttype"].set_ce_string("application/json");
        event.set_text_data(vcenter_data_json(i));
        break;
      case VcenterData::text:
        attributes["datacontenttype"].set_ce_string("text/plain");
        event.set_text_data(data_text(i));
        break;
      case VcenterData::binary:
        attributes["datacontenttype"].set_ce_string("application/octet-stream");
        event.set_binary_data(data_binary(i));
        break;
      case VcenterData::json_binary:
        attributes["datacontenttype"].set_ce_string("application/json");
        event.set_binary_data(vcenter_data_json(i));
        break;
    }
  }
  return batch;
}

}  // namespace sluice::bench
