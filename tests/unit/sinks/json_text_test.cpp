#include "sinks/encoding/json_text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sluice::encoding {
namespace {

std::string quoted(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

TEST(JsonText, EscapesWhatJsonRequires) {
  EXPECT_EQ(quoted("plain"), "\"plain\"");
  EXPECT_EQ(quoted("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(quoted("tab\tnl\ncr\rbs\bff\f"), R"("tab\tnl\ncr\rbs\bff\f")");
  EXPECT_EQ(quoted(std::string_view("\x01\x1f\0", 3)), R"("\u0001\u001f\u0000")");
  EXPECT_EQ(quoted("/"), "\"/\"");
}

TEST(JsonText, KeepsUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(quoted("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"), "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"");
  EXPECT_EQ(quoted("a\xFF" "b"), R"("a\ufffdb")");
  EXPECT_EQ(quoted("\xC0\xAF"), R"("\ufffd\ufffd")");          // overlong
  EXPECT_EQ(quoted("\xED\xA0\x80"), R"("\ufffd\ufffd\ufffd")");  // surrogate
  EXPECT_EQ(quoted("\xE2\x82"), R"("\ufffd\ufffd")");          // truncated
}

TEST(JsonText, ValidatesJson) {
  for (std::string_view good : {"{}", "[]", "0", "-1.5e+3", "\"x\"", "true", "null", " { \"a\" : [1, {\"b\": null}] } ",
                                "\"\\u00e9\\n\"", "[\"caf\xC3\xA9\"]"}) {
    EXPECT_TRUE(is_valid_json(good)) << good;
  }
  for (std::string_view bad : {"", "{", "{\"a\"}", "[1,]", "01", "1.", "tru", "\"\x01\"", "{} {}", "\"\\x\"",
                               "[\"\xFF\"]", "{'a':1}", "NaN"}) {
    EXPECT_FALSE(is_valid_json(bad)) << bad;
  }
  EXPECT_FALSE(is_valid_json(std::string(2000, '[') + std::string(2000, ']')));  // too deep
}

TEST(JsonText, DecodesStrings) {
  std::string out;
  ASSERT_TRUE(decode_json_string(R"("a\"b\\c\/\n\u00e9\ud83d\ude00")", out));
  EXPECT_EQ(out, "a\"b\\c/\n\xC3\xA9\xF0\x9F\x98\x80");
  out.clear();
  ASSERT_TRUE(decode_json_string(R"("\ud800x")", out));
  EXPECT_EQ(out, "\xEF\xBF\xBDx");
  out.clear();
  EXPECT_FALSE(decode_json_string("\"abc", out));
  EXPECT_FALSE(decode_json_string(R"("\q")", out));
}

TEST(JsonText, Base64) {
  auto encode = [](std::string_view bytes) {
    std::string out;
    append_base64(out, bytes);
    return out;
  };
  EXPECT_EQ(encode(""), "");
  EXPECT_EQ(encode("f"), "Zg==");
  EXPECT_EQ(encode("fo"), "Zm8=");
  EXPECT_EQ(encode("foo"), "Zm9v");
  EXPECT_EQ(encode("foob"), "Zm9vYg==");
  EXPECT_EQ(encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(encode(std::string_view("\xFF\x00\xFE", 3)), "/wD+");
}

TEST(JsonText, MediaTypes) {
  EXPECT_TRUE(is_json_media_type("application/json"));
  EXPECT_TRUE(is_json_media_type("Application/JSON; charset=utf-8"));
  EXPECT_TRUE(is_json_media_type("application/cloudevents+json"));
  EXPECT_TRUE(is_json_media_type("text/json"));
  EXPECT_FALSE(is_json_media_type("application/jsonx"));
  EXPECT_FALSE(is_json_media_type("text/plain"));
  EXPECT_FALSE(is_json_media_type("json"));
  EXPECT_TRUE(is_text_media_type("text/plain; charset=utf-8"));
  EXPECT_TRUE(is_text_media_type("application/xml"));
  EXPECT_TRUE(is_text_media_type("application/atom+xml"));
  EXPECT_FALSE(is_text_media_type("application/octet-stream"));
  EXPECT_EQ(media_type_essence(" text/plain ; charset=x"), "text/plain");
}

}  // namespace
}  // namespace sluice::encoding
