#include "event_factory.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "http_content.hpp"

namespace sluice::bench {
namespace {

namespace json = boost::json;

void expect_cloudevent(const json::value& v, const std::string& id) {
  const json::object& o = v.as_object();
  EXPECT_EQ(o.at("specversion").as_string(), "1.0");
  EXPECT_EQ(o.at("id").as_string(), id);
  EXPECT_EQ(o.at("source").as_string(), "/sluice-bench");
  EXPECT_EQ(o.at("type").as_string(), "com.example.bench");
  EXPECT_TRUE(o.at("data").is_object());
}

TEST(EventFactory, EventsAreValidAndSized) {
  for (const std::size_t size : {0u, 100u, 400u, 4096u}) {
    const EventFactory f("r1", size);
    for (const EventKey key : {EventKey{0, 0}, EventKey{7, 12345}, EventKey{65535, 9999999999ULL}}) {
      std::string out;
      f.append_event(out, key);
      const json::value v = json::parse(out);
      expect_cloudevent(v, format_event_id("r1", key));
      EXPECT_EQ(v.at("data").at("seq").as_int64(), static_cast<std::int64_t>(key.seq));
      if (size >= 200) {
        EXPECT_EQ(out.size(), size) << out;
      }
      EXPECT_EQ(find_json_string(out, "id"), format_event_id("r1", key));
    }
  }
}

TEST(EventFactory, ConsecutiveEventsDiffer) {
  const EventFactory f("r1", 400);
  std::string a;
  std::string b;
  f.append_data(a, {0, 1});
  f.append_data(b, {0, 2});
  EXPECT_NE(a.substr(a.size() - 50), b.substr(b.size() - 50));
}

TEST(HttpPayload, BatchIsAJsonArray) {
  const EventFactory f("r", 300);
  HttpPayload p;
  build_http_payload(p, f, ContentMode::batch, 2, 10, 5);
  const json::array a = json::parse(p.body).as_array();
  ASSERT_EQ(a.size(), 5u);
  for (std::size_t i = 0; i < a.size(); ++i) expect_cloudevent(a[i], format_event_id("r", {2, 10 + i}));
  EXPECT_TRUE(p.headers.empty());
  EXPECT_EQ(content_type(ContentMode::batch), "application/cloudevents-batch+json");
}

TEST(HttpPayload, NdjsonIsOneEventPerLine) {
  const EventFactory f("r", 300);
  HttpPayload p;
  build_http_payload(p, f, ContentMode::ndjson, 1, 0, 3);
  std::size_t lines = 0;
  for (std::size_t pos = 0, nl; (nl = p.body.find('\n', pos)) != std::string::npos; pos = nl + 1, ++lines) {
    expect_cloudevent(json::parse(std::string_view(p.body).substr(pos, nl - pos)), format_event_id("r", {1, lines}));
  }
  EXPECT_EQ(lines, 3u);
}

TEST(HttpPayload, BinaryPutsAttributesInHeaders) {
  const EventFactory f("r", 300);
  HttpPayload p;
  build_http_payload(p, f, ContentMode::binary, 4, 8, 1);
  EXPECT_TRUE(json::parse(p.body).is_object());
  bool has_id = false;
  for (const auto& [name, value] : p.headers) {
    if (name == "ce-id") {
      has_id = true;
      EXPECT_EQ(value, "r-4-8");
    }
  }
  EXPECT_TRUE(has_id);
  EXPECT_EQ(p.headers.size(), 4u);

  build_http_payload(p, f, ContentMode::structured, 4, 9, 1);  // reuse clears the headers
  EXPECT_TRUE(p.headers.empty());
  expect_cloudevent(json::parse(p.body), "r-4-9");
}

TEST(ContentMode, ParsesNames) {
  for (const auto m : {ContentMode::batch, ContentMode::structured, ContentMode::ndjson, ContentMode::binary}) {
    EXPECT_EQ(parse_content_mode(to_string(m)), m);
  }
  EXPECT_FALSE(parse_content_mode("xml"));
}

}  // namespace
}  // namespace sluice::bench
