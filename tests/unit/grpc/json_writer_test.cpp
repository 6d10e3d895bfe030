#include "sources/grpc/json_writer.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sluice::grpc_json {
namespace {

std::string timestamp(std::int64_t seconds, std::int32_t nanos) {
  char out[32];
  const std::size_t size = format_timestamp(seconds, nanos, out);
  return std::string(out, size);
}

std::string written(void (*write)(JsonWriter&)) {
  JsonWriter writer(1);  // tiny on purpose: every write grows the buffer
  write(writer);
  const PaddedBuffer buffer = writer.take();
  return std::string(buffer.view());
}

TEST(JsonWriter, EscapesStrings) {
  EXPECT_EQ(written([](JsonWriter& w) { w.string("plain"); }), "\"plain\"");
  EXPECT_EQ(written([](JsonWriter& w) { w.string("a\"b\\c/d"); }), R"("a\"b\\c/d")");
  EXPECT_EQ(written([](JsonWriter& w) { w.string("\b\f\n\r\t"); }), R"("\b\f\n\r\t")");
  EXPECT_EQ(written([](JsonWriter& w) { w.string(std::string_view("\x00\x01\x1f\x7f", 4)); }),
            "\"\\u0000\\u0001\\u001f\x7f\"");
  EXPECT_EQ(written([](JsonWriter& w) { w.string("h\xc3\xa9llo \xf0\x9f\x98\x80"); }),
            "\"h\xc3\xa9llo \xf0\x9f\x98\x80\"");  // UTF-8 passes through
  EXPECT_EQ(written([](JsonWriter& w) { w.string(""); }), "\"\"");
}

TEST(JsonWriter, Base64) {
  EXPECT_EQ(written([](JsonWriter& w) { w.base64(""); }), "\"\"");
  EXPECT_EQ(written([](JsonWriter& w) { w.base64("f"); }), "\"Zg==\"");
  EXPECT_EQ(written([](JsonWriter& w) { w.base64("fo"); }), "\"Zm8=\"");
  EXPECT_EQ(written([](JsonWriter& w) { w.base64("foo"); }), "\"Zm9v\"");
  EXPECT_EQ(written([](JsonWriter& w) { w.base64("foobar"); }), "\"Zm9vYmFy\"");
  EXPECT_EQ(written([](JsonWriter& w) { w.base64(std::string_view("\xff\xfe\x00", 3)); }), "\"//4A\"");
}

TEST(JsonWriter, Integers) {
  EXPECT_EQ(written([](JsonWriter& w) { w.integer(-2147483648); }), "-2147483648");
  EXPECT_EQ(written([](JsonWriter& w) { w.integer(0); }), "0");
}

TEST(JsonWriter, GrowsAndKeepsPaddingZeroed) {
  JsonWriter writer(1);
  const std::string long_text(100'000, 'x');
  writer.string(long_text);
  const PaddedBuffer buffer = writer.take();
  EXPECT_EQ(buffer.size(), long_text.size() + 2);
  for (std::size_t i = 0; i < kInputPadding; ++i) EXPECT_EQ(buffer.data()[buffer.size() + i], '\0');
}

TEST(Timestamp, Rfc3339Utc) {
  EXPECT_EQ(timestamp(0, 0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(timestamp(1'706'745'599, 0), "2024-01-31T23:59:59Z");
  EXPECT_EQ(timestamp(951'782'400, 0), "2000-02-29T00:00:00Z");  // leap day
  EXPECT_EQ(timestamp(1'700'000'000, 123'000'000), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(timestamp(1'700'000'000, 123'456'000), "2023-11-14T22:13:20.123456Z");
  EXPECT_EQ(timestamp(1'700'000'000, 1), "2023-11-14T22:13:20.000000001Z");
  EXPECT_EQ(timestamp(-1, 500'000'000), "1969-12-31T23:59:59.500Z");
  EXPECT_EQ(timestamp(-62'135'596'800, 0), "0001-01-01T00:00:00Z");
  EXPECT_EQ(timestamp(253'402'300'799, 999'999'999), "9999-12-31T23:59:59.999999999Z");
}

TEST(Timestamp, OutOfRange) {
  EXPECT_EQ(timestamp(-62'135'596'801, 0), "");
  EXPECT_EQ(timestamp(253'402'300'800, 0), "");
  EXPECT_EQ(timestamp(0, -1), "");
  EXPECT_EQ(timestamp(0, 1'000'000'000), "");
}

}  // namespace
}  // namespace sluice::grpc_json
