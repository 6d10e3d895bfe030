#include "sources/http/content_mode.hpp"

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(MediaTypeOf, StripsParametersAndCase) {
  EXPECT_EQ(media_type_of("Application/JSON; charset=utf-8"), "application/json");
  EXPECT_EQ(media_type_of("  application/x-ndjson  "), "application/x-ndjson");
  EXPECT_EQ(media_type_of(""), "");
}

TEST(DetectContentMode, CloudEventsMediaTypes) {
  EXPECT_EQ(detect_content_mode("application/cloudevents+json", false, false), ContentMode::structured);
  EXPECT_EQ(detect_content_mode("application/cloudevents+json; charset=utf-8", false, false), ContentMode::structured);
  EXPECT_EQ(detect_content_mode("APPLICATION/CloudEvents+JSON;charset=UTF-8", false, false), ContentMode::structured);
  EXPECT_EQ(detect_content_mode("application/cloudevents-batch+json", false, false), ContentMode::batch);
  EXPECT_EQ(detect_content_mode("application/x-ndjson", false, false), ContentMode::ndjson);
  EXPECT_EQ(detect_content_mode("application/ndjson", false, false), ContentMode::ndjson);
}

TEST(DetectContentMode, CloudEventsMediaTypeWinsOverCeHeaders) {
  // HTTP binding §3: a CloudEvents media type means structured (or batched) mode.
  EXPECT_EQ(detect_content_mode("application/cloudevents+json", true, false), ContentMode::structured);
  EXPECT_EQ(detect_content_mode("application/cloudevents-batch+json", true, false), ContentMode::batch);
}

TEST(DetectContentMode, SpecversionHeaderMeansBinaryWithAnyContentType) {
  EXPECT_EQ(detect_content_mode("application/json", true, false), ContentMode::binary);
  EXPECT_EQ(detect_content_mode("text/plain; charset=latin1", true, false), ContentMode::binary);
  EXPECT_EQ(detect_content_mode("", true, false), ContentMode::binary);
  EXPECT_EQ(detect_content_mode("application/x-ndjson", true, false), ContentMode::binary);
  EXPECT_EQ(detect_content_mode("application/cloudevents+avro", true, false), ContentMode::binary);
}

TEST(DetectContentMode, PlainJsonOnlyWhenWrapping) {
  EXPECT_EQ(detect_content_mode("application/json", false, false), std::nullopt);
  EXPECT_EQ(detect_content_mode("application/json", false, true), ContentMode::plain_json);
  EXPECT_EQ(detect_content_mode("application/json; charset=utf-8", false, true), ContentMode::plain_json);
}

TEST(DetectContentMode, UnsupportedTypes) {
  EXPECT_EQ(detect_content_mode("text/plain", false, true), std::nullopt);
  EXPECT_EQ(detect_content_mode("", false, true), std::nullopt);
  EXPECT_EQ(detect_content_mode("application/cloudevents+avro", false, false), std::nullopt);
  EXPECT_EQ(detect_content_mode("application/cloudevents", false, false), std::nullopt);
  EXPECT_EQ(detect_content_mode("application/jsonx", false, true), std::nullopt);
}

TEST(DetectContentMode, NonUtf8CharsetRefusedForJsonModes) {
  EXPECT_EQ(detect_content_mode("application/cloudevents+json; charset=iso-8859-1", false, false), std::nullopt);
  EXPECT_EQ(detect_content_mode("application/x-ndjson; charset=\"UTF-8\"", false, false), ContentMode::ndjson);
  EXPECT_EQ(detect_content_mode("application/json; foo=bar; charset=utf-16", false, true), std::nullopt);
}

}  // namespace
}  // namespace sluice
