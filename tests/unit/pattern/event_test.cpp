// match_event: a sluice::Event seen as {"id", "source", ..., <extensions>, "data": <data>}.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "pattern_test_util.hpp"
#include "stages/filter/pattern/pattern_filter.hpp"

namespace sluice::pattern::testing {
namespace {

using Ids = std::vector<std::uint32_t>;

// A vCenter VmPoweredOffEvent as the VEBA router sends it (structured mode).
const std::string kVmData = R"({
  "Key": 9902, "ChainId": 9895, "CreatedTime": "2020-02-11T21:28:23.677595Z",
  "UserName": "VSPHERE.LOCAL\\Administrator",
  "Datacenter": {"Name": "testDC", "Datacenter": {"Type": "Datacenter", "Value": "datacenter-2"}},
  "Host": {"Name": "10.185.22.74", "Host": {"Type": "HostSystem", "Value": "host-21"}},
  "Vm": {"Name": "web-01", "Vm": {"Type": "VirtualMachine", "Value": "vm-56"}},
  "Ds": null, "FullFormattedMessage": "web-01 on 10.0.0.1 in testDC is powered off", "Template": false})";

Event vm_event() {
  Event event;
  event.id = "08179137-b8e0-4973-b05f-8f212bf5003b";
  event.source = "https://10.0.0.1:443/sdk";
  event.specversion = "1.0";
  event.type = "com.vmware.vsphere.VmPoweredOffEvent.v0";
  event.subject = "VmPoweredOffEvent";
  event.time = "2020-02-11T21:29:54.9052539Z";
  event.datacontenttype = "application/json";
  event.extensions = {{"partitionkey", "vm-56", Extension::Type::string},
                      {"sequence", "42", Extension::Type::integer},
                      {"replayed", "false", Extension::Type::boolean}};
  event.data_kind = DataKind::json;
  event.data = kVmData;
  return event;
}

Ids match_event(const PatternSet& set, const Event& event) {
  FilterContext context;
  Ids matched;
  EXPECT_TRUE(set.match_event(event, Padding::absent, context, matched));
  return matched;
}

TEST(PatternEvent, AttributesExtensionsAndData) {
  PatternSet set;
  set.add(1, R"({"subject": ["VmPoweredOnEvent", "VmPoweredOffEvent"]})");
  set.add(2, R"({"subject": ["VmPoweredOffEvent"], "data": {"Vm": {"Name": [{"prefix": "web-"}]}}})");
  set.add(3, R"({"type": [{"prefix": "com.vmware.vsphere."}], "data": {"Key": [{"numeric": [">", 9000]}]}})");
  set.add(4, R"({"data": {"UserName": [{"anything-but": {"prefix": "VSPHERE.LOCAL\\"}}]}})");
  set.add(5, R"({"partitionkey": ["vm-56"], "sequence": [42.0], "replayed": [false]})");
  set.add(6, R"({"source": [{"wildcard": "https://*:443/sdk"}], "data": {"Ds": [null], "Template": [false]}})");
  set.add(7, R"({"dataschema": [{"exists": false}], "time": [{"exists": true}]})");
  set.add(8, R"({"data": {"Host": {"Name": [{"cidr": "10.185.0.0/16"}]}}})");
  set.add(9, R"({"specversion": ["0.3"]})");
  set.add(10, R"({"data": {"Vm": {"Name": [{"prefix": "db-"}]}}})");
  set.add(11, R"({"sequence": ["42"]})");  // an integer extension is a number, not a string
  EXPECT_EQ(match_event(set, vm_event()), (Ids{1, 2, 3, 5, 6, 7, 8}));
}

TEST(PatternEvent, OptionalAttributesAndDataKinds) {
  PatternSet set;
  set.add(1, R"({"subject": [{"exists": false}]})");
  set.add(2, R"({"data": [{"exists": false}]})");
  set.add(3, R"({"data": ["plain"]})");
  set.add(4, R"({"data": {"x": [1]}})");
  set.add(5, R"({"data": [{"numeric": [">", 1]}]})");
  Event event = vm_event();
  event.subject = {};
  event.data_kind = DataKind::none;
  event.data = {};
  EXPECT_EQ(match_event(set, event), (Ids{1, 2}));

  event.data_kind = DataKind::binary;  // bytes are not JSON: no fields
  event.data = "\x01\x02{";
  EXPECT_EQ(match_event(set, event), (Ids{1, 2}));

  event.data_kind = DataKind::json;  // data that is a JSON string or number
  event.data = R"("plain")";
  EXPECT_EQ(match_event(set, event), (Ids{1, 3}));
  event.data = "7";
  EXPECT_EQ(match_event(set, event), (Ids{1, 5}));
  // exists works on leaves only (event-ruler README): data that is an array of objects has no
  // leaf at "data" itself.
  event.data = R"([{"x": 1}, {"x": 2}])";
  EXPECT_EQ(match_event(set, event), (Ids{1, 2, 4}));
}

TEST(PatternEvent, MalformedDataIsReported) {
  PatternSet set;
  set.add(1, R"({"data": {"x": [{"exists": false}]}})");
  Event event = vm_event();
  event.data = R"({"x": )";
  FilterContext context;
  Ids matched;
  EXPECT_FALSE(set.match_event(event, Padding::absent, context, matched));
  EXPECT_TRUE(matched.empty());
}

TEST(PatternEvent, DataIsNotParsedWhenNoPatternLooksAtIt) {
  PatternSet set;
  set.add(1, R"({"subject": ["VmPoweredOffEvent"]})");
  Event event = vm_event();
  event.data = "{ not json";  // would fail if parsed
  EXPECT_EQ(match_event(set, event), (Ids{1}));
}

// Data fields are read only for the patterns an event's attributes make candidates, plus every
// field of patterns that data alone can make candidates; none of that may change a result.
Event typed_event(std::string_view type, std::string_view data) {
  Event event;
  event.id = "1";
  event.source = "/s";
  event.specversion = "1.0";
  event.type = type;
  event.data_kind = DataKind::json;
  event.data = data;
  return event;
}

TEST(PatternEvent, DataFieldsReadPerEventKeepEveryResult) {
  PatternSet set;
  set.add(1, R"({"type": ["t"], "data": {"a": [1]}})");
  set.add(2, R"({"type": ["u"], "data": {"z": [2]}})");
  set.add(3, R"({"type": ["t"], "data": {"gone": [{"exists": false}]}})");  // absent fields are read too
  set.add(4, R"({"data": {"k": ["key"], "other": {"deep": ["y"]}}})");       // keyed in data: all its fields
  set.add(5, R"({"data": {"never": [{"exists": false}]}})");                 // a candidate for every event
  set.add(6, R"({"type": ["t"], "data": {"items": {"p": [1], "q": [2]}}})"); // one element must hold both
  EXPECT_EQ(match_event(set, typed_event("t", R"({"z": 2, "a": 1})")), (Ids{1, 3, 5}));
  EXPECT_EQ(match_event(set, typed_event("t", R"({"a": 1, "gone": 0})")), (Ids{1, 5}));
  EXPECT_EQ(match_event(set, typed_event("u", R"({"a": 1, "z": 2, "never": 1})")), (Ids{2}));
  EXPECT_EQ(match_event(set, typed_event("v", R"({"other": {"deep": "y"}, "k": "key"})")), (Ids{4, 5}));
  EXPECT_EQ(match_event(set, typed_event("v", R"({"other": {"deep": "n"}, "k": "key"})")), (Ids{5}));
  EXPECT_EQ(match_event(set, typed_event("t", R"({"items": [{"p": 1}, {"q": 2}], "gone": 1})")), (Ids{5}));
  EXPECT_EQ(match_event(set, typed_event("t", R"({"items": [{"p": 1, "q": 2}], "gone": 1})")), (Ids{5, 6}));
}

TEST(PatternEvent, KeysPreferAttributesOverData) {
  // Both routes can be keyed on the alarm name (rarer) or on the type; keyed on the type, events
  // of other types never read their data, even malformed data.
  PatternSet set;
  set.add(1, R"({"type": ["alarm"], "data": {"Alarm": {"Name": ["disk"]}, "To": ["red"]}})");
  set.add(2, R"({"type": ["alarm"], "data": {"Alarm": {"Name": ["cpu"]}, "To": ["red"]}})");
  set.add(3, R"({"type": ["other"]})");
  EXPECT_EQ(match_event(set, typed_event("alarm", R"({"Alarm": {"Name": "cpu"}, "To": "red"})")), (Ids{2}));
  EXPECT_EQ(match_event(set, typed_event("other", "{ not json")), (Ids{3}));
}

TEST(PatternEvent, PaddedDataIsReadInPlace) {
  PatternSet set;
  set.add(1, R"({"data": {"Vm": {"Name": ["web-01"]}}})");
  std::string buffer = kVmData;
  buffer.append(64, '\0');
  Event event = vm_event();
  event.data = std::string_view(buffer.data(), kVmData.size());
  FilterContext context;
  Ids matched;
  ASSERT_TRUE(set.match_event(event, Padding::present, context, matched));
  EXPECT_EQ(matched, (Ids{1}));
  EXPECT_TRUE(context.scratch.empty());
}

TEST(PatternFilterTest, SinglePatternAsEventFilter) {
  const PatternFilter on(R"({"subject": ["VmPoweredOffEvent"], "data": {"Vm": {"Name": [{"prefix": "web-"}]}}})",
                         Padding::absent);
  const PatternFilter off(R"({"subject": ["VmPoweredOnEvent"]})", Padding::absent);
  FilterContext context;
  const EventFilter& filter = on;
  EXPECT_TRUE(filter.matches(vm_event(), context));
  EXPECT_FALSE(off.matches(vm_event(), context));
  EXPECT_THROW(PatternFilter(R"({"subject": "VmPoweredOnEvent"})"), std::invalid_argument);
}

}  // namespace
}  // namespace sluice::pattern::testing
