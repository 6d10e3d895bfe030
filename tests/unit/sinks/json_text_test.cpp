#include "sinks/encoding/json_text.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>

namespace sluice::encoding {
namespace {

std::string as_json_string(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

TEST(JsonText, EscapesWhatJsonRequires) {
  EXPECT_EQ(as_json_string("plain"), "\"plain\"");
  EXPECT_EQ(as_json_string("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(as_json_string("tab\tnl\ncr\rbs\bff\f"), R"("tab\tnl\ncr\rbs\bff\f")");
  EXPECT_EQ(as_json_string(std::string_view("\x01\x1f\0", 3)), R"("\u0001\u001f\u0000")");
  EXPECT_EQ(as_json_string("/"), "\"/\"");
}

TEST(JsonText, KeepsUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(as_json_string("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"), "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"");
  EXPECT_EQ(as_json_string("a\xFF" "b"), R"("a\ufffdb")");
  EXPECT_EQ(as_json_string("\xC0\xAF"), R"("\ufffd\ufffd")");          // overlong
  EXPECT_EQ(as_json_string("\xED\xA0\x80"), R"("\ufffd\ufffd\ufffd")");  // surrogate
  EXPECT_EQ(as_json_string("\xE2\x82"), R"("\ufffd\ufffd")");          // truncated
}

// The escaper looks at eight bytes at a time; a plain byte-at-a-time escaper (ASCII only) is the
// reference. Each special byte is tried at every position of strings up to three words long, next
// to the byte one above it ('#' after '"', ']' after '\\', ' ' after 0x1F), which a borrow
// in the word-at-a-time test could wrongly mark.
std::string reference_quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char code[8];
          std::snprintf(code, sizeof(code), "\\u%04x", static_cast<unsigned>(c));
          out += code;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

TEST(JsonText, EscapesAtEveryPositionOfAWord) {
  const std::string_view specials[] = {"\"#", "\\]", std::string_view("\x1f ", 2), "\n", "\t", std::string_view("\0", 1)};
  for (std::size_t size = 0; size <= 24; ++size) {
    for (std::size_t at = 0; at <= size; ++at) {
      for (const std::string_view special : specials) {
        std::string text(size, 'a');
        text.insert(at, special);
        const std::string expected = reference_quoted(text);
        EXPECT_EQ(as_json_string(text), expected) << "size " << size << " at " << at;
        EXPECT_EQ(json_string_size(text), expected.size());
        std::string written(expected.size(), '?');
        EXPECT_EQ(write_json_string(written.data(), text), written.data() + written.size());
        EXPECT_EQ(written, expected);
        EXPECT_TRUE(is_valid_json(expected)) << expected;
        if (special[0] < 0x20) {
          EXPECT_FALSE(is_valid_json("\"" + text + "\"")) << "raw control character at " << at;
        }
      }
    }
  }
}

TEST(JsonText, SizesInvalidUtf8AsItsReplacement) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"a\xFF", R"("a\ufffd")"},
      {"0123456789\xE2\x82", R"("0123456789\ufffd\ufffd")"},
      {"\xC0\xAF" "0123456789abcdef\xED\xA0\x80", R"("\ufffd\ufffd0123456789abcdef\ufffd\ufffd\ufffd")"},
      {"0123456789abcdef\xFF" "0123", R"("0123456789abcdef\ufffd0123")"},
  };
  for (const auto& [text, expected] : cases) {
    EXPECT_EQ(as_json_string(text), expected);
    EXPECT_EQ(json_string_size(text), expected.size()) << expected;
  }
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

  // Every byte value, in every place of a group, against a six-bits-at-a-time reference.
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string bytes;
  for (int i = 0; i < 256 * 3 + 2; ++i) bytes += static_cast<char>((i * 7 + i / 256) & 0xFF);
  std::string expected;
  std::uint32_t bits = 0;
  int pending = 0;
  for (const char byte : bytes) {
    bits = (bits << 8) | static_cast<unsigned char>(byte);
    for (pending += 8; pending >= 6; pending -= 6) expected += kAlphabet[(bits >> (pending - 6)) & 0x3F];
  }
  if (pending > 0) expected += kAlphabet[(bits << (6 - pending)) & 0x3F];
  while (expected.size() % 4 != 0) expected += '=';
  EXPECT_EQ(encode(bytes), expected);
  EXPECT_EQ(base64_size(bytes.size()), expected.size());
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
