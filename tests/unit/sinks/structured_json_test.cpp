#include "sinks/encoding/binary_data.hpp"
#include "sinks/encoding/structured_json.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sluice::encoding {
namespace {

Event minimal_event() {
  Event event;
  event.id = "id-1";
  event.source = "/src";
  event.specversion = "1.0";
  event.type = "com.example.t";
  return event;
}

boost::json::object render(const Event& event) {
  std::string out;
  append_structured_json(out, event);
  EXPECT_EQ(out.find('\n'), std::string::npos) << out;
  return boost::json::parse(out).as_object();
}

TEST(StructuredJson, RendersEveryAttributeWithEscaping) {
  Event event = minimal_event();
  event.id = "quote\" backslash\\ newline\n tab\t ctl\x01";
  event.subject = "caf\xC3\xA9";
  event.time = "2024-01-02T03:04:05Z";
  event.dataschema = "https://example.com/schema";
  event.datacontenttype = "application/json";
  event.extensions = {{"strext", "va\"lue", Extension::Type::string},
                      {"intext", "42", Extension::Type::integer},
                      {"boolext", "true", Extension::Type::boolean}};
  event.data_kind = DataKind::json;
  event.data = R"({"a":[1,2,{"b":"c"}]})";

  const boost::json::object json = render(event);
  EXPECT_EQ(json.at("specversion"), "1.0");
  EXPECT_EQ(json.at("id"), "quote\" backslash\\ newline\n tab\t ctl\x01");
  EXPECT_EQ(json.at("source"), "/src");
  EXPECT_EQ(json.at("type"), "com.example.t");
  EXPECT_EQ(json.at("subject"), "caf\xC3\xA9");
  EXPECT_EQ(json.at("time"), "2024-01-02T03:04:05Z");
  EXPECT_EQ(json.at("dataschema"), "https://example.com/schema");
  EXPECT_EQ(json.at("datacontenttype"), "application/json");
  EXPECT_EQ(json.at("strext"), "va\"lue");
  EXPECT_EQ(json.at("intext"), 42);
  EXPECT_EQ(json.at("boolext"), true);
  EXPECT_EQ(json.at("data"), boost::json::parse(R"({"a":[1,2,{"b":"c"}]})"));
  EXPECT_FALSE(json.contains("data_base64"));
}

// The exact bytes, so that a faster renderer cannot change what consumers receive.
TEST(StructuredJson, RendersTheSameBytesAsBefore) {
  Event event = minimal_event();
  event.id = "quote\" backslash\\ ctl\x01";
  event.subject = "caf\xC3\xA9 \xFF";
  event.time = "2024-01-02T03:04:05Z";
  event.datacontenttype = "application/octet-stream";
  event.extensions = {{"strext", "va\"lue", Extension::Type::string}, {"intext", "42", Extension::Type::integer}};
  event.data_kind = DataKind::binary;
  event.data = std::string_view("\x00\xFF\x10\x01", 4);
  std::string out = "kept:";
  append_structured_json(out, event);
  EXPECT_EQ(out,
            R"(kept:{"specversion":"1.0","id":"quote\" backslash\\ ctl\u0001","source":"/src","type":"com.example.t",)"
            R"("datacontenttype":"application/octet-stream","subject":"caf)" "\xC3\xA9" R"( \ufffd",)"
            R"("time":"2024-01-02T03:04:05Z",)"
            R"("strext":"va\"lue","intext":42,"data_base64":"AP8QAQ=="})");
}

// Past the strings whose escaping the renderer remembers between its two passes (32), and with
// escapes among them, the output is still exact.
TEST(StructuredJson, ManyExtensions) {
  Event event = minimal_event();
  std::vector<std::string> names;
  for (int i = 0; i < 40; ++i) names.push_back("ext" + std::to_string(i));
  std::string expected = R"({"specversion":"1.0","id":"id-1","source":"/src","type":"com.example.t")";
  for (int i = 0; i < 40; ++i) {
    const std::string_view value = i % 3 == 0 ? std::string_view("a\"b") : std::string_view("plain");
    event.extensions.push_back({names[static_cast<std::size_t>(i)], value, Extension::Type::string});
    expected += ",\"" + names[static_cast<std::size_t>(i)] + "\":" + (i % 3 == 0 ? R"("a\"b")" : R"("plain")");
  }
  expected += "}";
  std::string out;
  append_structured_json(out, event);
  EXPECT_EQ(out, expected);
}

TEST(StructuredJson, OmitsAbsentOptionalAttributesAndData) {
  const boost::json::object json = render(minimal_event());
  EXPECT_EQ(json.size(), 4u);
  EXPECT_FALSE(json.contains("data"));
  EXPECT_FALSE(json.contains("subject"));
}

TEST(StructuredJson, JsonStringDataStaysAString) {
  Event event = minimal_event();
  event.datacontenttype = "text/plain";
  event.data_kind = DataKind::json;
  event.data = R"("hello \"world\"")";
  EXPECT_EQ(render(event).at("data"), "hello \"world\"");
}

TEST(StructuredJson, BinaryDataFollowsTheContentType) {
  Event event = minimal_event();
  event.data_kind = DataKind::binary;

  event.datacontenttype = "application/octet-stream";
  event.data = std::string_view("\x00\xFF\x10", 3);
  EXPECT_EQ(render(event).at("data_base64"), "AP8Q");

  event.datacontenttype = "application/json";
  event.data = R"({"k": 1})";
  EXPECT_EQ(render(event).at("data"), boost::json::parse(R"({"k":1})"));

  event.data = "not json";  // declared JSON but is not: keep the bytes exactly
  EXPECT_EQ(render(event).at("data_base64"), "bm90IGpzb24=");

  event.datacontenttype = "text/plain";
  event.data = "line1\nline2 \"q\"";
  EXPECT_EQ(render(event).at("data"), "line1\nline2 \"q\"");

  event.data = "\xFF\xFE";  // text, but not UTF-8
  EXPECT_EQ(render(event).at("data_base64"), "//4=");

  event.datacontenttype = {};  // no content type: no assumption (JSON format §3.1.1)
  event.data = "{}";
  EXPECT_EQ(render(event).at("data_base64"), "e30=");
}

TEST(StructuredJson, ForwardsTheOriginalTextWhenThereIsOne) {
  Event event = minimal_event();
  event.structured_json = R"({"specversion" : "1.0", "id":"x"})";
  std::string scratch;
  EXPECT_EQ(structured_json(event, scratch), event.structured_json);
  EXPECT_TRUE(scratch.empty());
  event.structured_json = {};
  EXPECT_EQ(boost::json::parse(structured_json(event, scratch)).at("id"), "id-1");
}

TEST(BinaryData, DataBytesPerContentType) {
  Event event = minimal_event();
  std::string scratch;
  EXPECT_FALSE(binary_data(event, scratch).has_value());  // no data: null value
  EXPECT_EQ(binary_content_type(event), "");

  event.data_kind = DataKind::json;
  event.data = R"({"a":1})";
  EXPECT_EQ(binary_data(event, scratch), R"({"a":1})");
  EXPECT_EQ(binary_content_type(event), "application/json");  // implied type made explicit

  event.data = R"("just a string")";
  EXPECT_EQ(binary_data(event, scratch), R"("just a string")");  // JSON content: JSON text

  event.datacontenttype = "text/plain";
  EXPECT_EQ(binary_data(event, scratch), "just a string");  // the string is the data
  EXPECT_EQ(binary_content_type(event), "text/plain");

  event.data = "17";
  EXPECT_EQ(binary_data(event, scratch), "17");

  event.data_kind = DataKind::binary;
  event.data = std::string_view("\x00\x01", 2);
  EXPECT_EQ(binary_data(event, scratch), std::string_view("\x00\x01", 2));
}

}  // namespace
}  // namespace sluice::encoding
