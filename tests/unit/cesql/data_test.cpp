// DATA('path'): sluice's user-defined function over the event's JSON data.

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>

#include "run_expression.hpp"

namespace sluice::cesql {
namespace {

using testing::OwnedEvent;
using testing::run;

class CesqlData : public ::testing::Test {
 protected:
  CesqlData() {
    event_.json_data(R"({
      "status": "Completed",
      "count": 42,
      "ok": true,
      "nothing": null,
      "ratio": 0.5,
      "big": 3000000000,
      "exp": 1e3,
      "escaped": "line\nbreak \u00e9",
      "nested": {"Vm": {"Name": "vm-7"}, "0": "zero-key"},
      "items": [{"name": "first"}, {"name": "second", "tags": ["a", "b"]}],
      "odd.key": "dotted",
      "sl/ash": "slash",
      "til~de": "tilde",
      "": "empty-key"
    })");
  }
  OwnedEvent event_;
};

TEST_F(CesqlData, ScalarsMapToCesqlTypes) {
  EXPECT_EQ(run("DATA('status')", event_), "String 'Completed'");
  EXPECT_EQ(run("DATA('count')", event_), "Integer 42");
  EXPECT_EQ(run("DATA('ok')", event_), "Boolean true");
  EXPECT_EQ(run("DATA('escaped')", event_), "String 'line\nbreak \xC3\xA9'");
  EXPECT_EQ(run("DATA('count') + 1 = 43", event_), "Boolean true");
  EXPECT_EQ(run("DATA('status') = 'Completed'", event_), "Boolean true");
}

TEST_F(CesqlData, PathsReachIntoObjectsAndArrays) {
  EXPECT_EQ(run("DATA('nested.Vm.Name')", event_), "String 'vm-7'");
  EXPECT_EQ(run("DATA('items.1.name')", event_), "String 'second'");
  EXPECT_EQ(run("DATA('items.1.tags.0')", event_), "String 'a'");
  EXPECT_EQ(run("DATA('nested.0')", event_), "String 'zero-key'");  // digits name a member of an object
  EXPECT_EQ(run("DATA('sl/ash')", event_), "String 'slash'");
  EXPECT_EQ(run("DATA('til~de')", event_), "String 'tilde'");
  EXPECT_EQ(run("DATA(CONCAT('items.', 1, '.name'))", event_), "String 'second'");
}

TEST_F(CesqlData, AnythingElseIsMissing) {
  for (const char* path : {"nope", "nothing", "ratio", "big", "exp", "nested", "items", "items.5.name",
                           "items.x", "status.deeper", "odd.key", "items.01.name"}) {
    EXPECT_EQ(run("DATA('" + std::string(path) + "')", event_), "Boolean false [missingAttribute]") << path;
  }
  EXPECT_EQ(run("DATA('nope') = 'x'", event_), "Boolean false [missingAttribute]");
  EXPECT_EQ(run("DATA('nope') != 'x'", event_), "Boolean false [missingAttribute]");
  EXPECT_EQ(run("DATA(missing)", event_), "Boolean false [missingAttribute]");
}

TEST_F(CesqlData, SeveralLookupsInOneExpressionShareOneParse) {
  EXPECT_EQ(run("DATA('status') = 'Completed' AND DATA('count') = 42 AND DATA('items.0.name') = 'first' AND "
                "DATA('status') LIKE 'Comp%'",
                event_),
            "Boolean true");
  EXPECT_EQ(run("CONCAT(DATA('status'), '/', DATA('nested.Vm.Name'), '/', DATA('escaped'))", event_),
            "String 'Completed/vm-7/line\nbreak \xC3\xA9'");
}

TEST(CesqlDataKinds, ScalarDocumentsAndNonJsonData) {
  OwnedEvent text;
  text.json_data(R"("just a string")");
  EXPECT_EQ(run("DATA('')", text), "String 'just a string'");
  EXPECT_EQ(run("DATA('x')", text), "Boolean false [missingAttribute]");

  OwnedEvent number;
  number.json_data("17");
  EXPECT_EQ(run("DATA('')", number), "Integer 17");

  OwnedEvent binary;
  binary.binary_data(R"({"status":"Completed"})");
  EXPECT_EQ(run("DATA('status')", binary), "Boolean false [missingAttribute]");

  EXPECT_EQ(run("DATA('status')"), "Boolean false [missingAttribute]");  // no data at all

  OwnedEvent broken;
  broken.json_data(R"({"status": "Compl)");
  EXPECT_EQ(run("DATA('status')", broken), "Boolean false [missingAttribute]");

  OwnedEvent broken_later;
  broken_later.json_data(R"({"status": "ok", "x": [1, 2)");
  EXPECT_EQ(run("DATA('x.1') = 2", broken_later), "Boolean false [missingAttribute]");
}

TEST(CesqlDataKinds, PaddedDataIsParsedInPlace) {
  // What the router promises with data_is_padded: readable padding after the data.
  const std::string json = R"({"status":"Completed"})";
  std::string buffer = json + std::string(simdjson::SIMDJSON_PADDING, '\0');
  OwnedEvent event;
  Event copy = event.event();
  copy.data_kind = DataKind::json;
  copy.data = std::string_view(buffer.data(), json.size());
  EXPECT_EQ(run("DATA('status')", copy, EvalOptions{true}), "String 'Completed'");
  EXPECT_EQ(run("DATA('status')", copy, EvalOptions{false}), "String 'Completed'");
}

TEST(CesqlDataKinds, DataInsideALargerDocument) {
  // Structured mode: `data` views part of the event's JSON, followed by more of it.
  const std::string envelope = R"({"data":{"n":1234},"id":"x"})" + std::string(simdjson::SIMDJSON_PADDING, ' ');
  OwnedEvent event;
  Event copy = event.event();
  copy.data_kind = DataKind::json;
  copy.data = std::string_view(envelope).substr(8, 10);
  ASSERT_EQ(copy.data, R"({"n":1234})");
  EXPECT_EQ(run("DATA('n')", copy, EvalOptions{true}), "Integer 1234");

  // A bare number as the data, directly followed by the envelope's other members.
  copy.data = std::string_view(envelope).substr(13, 4);
  ASSERT_EQ(copy.data, "1234");
  EXPECT_EQ(run("DATA('')", copy, EvalOptions{true}), "Integer 1234");
  EXPECT_EQ(run("DATA('')", copy, EvalOptions{false}), "Integer 1234");
}

TEST(CesqlDataKinds, ScratchCopyIsReusedWithoutStaleBytes) {
  FilterContext context;
  EvalScratch scratch;
  const ParseResult parsed = parse("DATA('')");
  OwnedEvent longer;
  longer.json_data("123456789");
  OwnedEvent shorter;
  shorter.json_data("12");
  EXPECT_EQ(evaluate(*parsed.program, longer, context, scratch).value.integer, 123456789);
  EXPECT_EQ(evaluate(*parsed.program, shorter, context, scratch).value.integer, 12);
}

}  // namespace
}  // namespace sluice::cesql
