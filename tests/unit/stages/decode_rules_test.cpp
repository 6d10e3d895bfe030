// The pure helpers under the decoder: attribute rules, JSON text, base64.
#include "stages/decode/attribute_rules.hpp"
#include "stages/decode/base64.hpp"
#include "stages/decode/json_text.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

namespace sluice {
namespace {

namespace rules = attribute_rules;

TEST(AttributeRules, Names) {
  EXPECT_TRUE(rules::is_valid_name("a"));
  EXPECT_TRUE(rules::is_valid_name("comexampleextension1"));
  EXPECT_TRUE(rules::is_valid_name("1abc"));  // SHOULD start with a letter: accepted
  EXPECT_FALSE(rules::is_valid_name(""));
  EXPECT_FALSE(rules::is_valid_name("A"));
  EXPECT_FALSE(rules::is_valid_name("a-b"));
  EXPECT_FALSE(rules::is_valid_name("a_b"));
  EXPECT_FALSE(rules::is_valid_name("\xc3\xa9"));
}

TEST(AttributeRules, Classify) {
  EXPECT_EQ(rules::classify("id"), rules::Member::id);
  EXPECT_EQ(rules::classify("data_base64"), rules::Member::data_base64);
  EXPECT_EQ(rules::classify("datacontenttype"), rules::Member::datacontenttype);
  EXPECT_EQ(rules::classify("ids"), rules::Member::extension);
  EXPECT_EQ(rules::classify("Type"), rules::Member::extension);
}

TEST(AttributeRules, Strings) {
  EXPECT_TRUE(rules::is_valid_string("plain text \xc3\xa9 \xf0\x9f\x98\x80 \xc2\xa0"));
  EXPECT_FALSE(rules::is_valid_string(std::string_view("a\0b", 3)));
  EXPECT_FALSE(rules::is_valid_string("\x1f"));
  EXPECT_FALSE(rules::is_valid_string("\x7f"));
  EXPECT_FALSE(rules::is_valid_string("\xc2\x80"));       // U+0080
  EXPECT_FALSE(rules::is_valid_string("\xc2\x9f"));       // U+009F
  EXPECT_FALSE(rules::is_valid_string("\xef\xb7\x90"));   // U+FDD0
  EXPECT_FALSE(rules::is_valid_string("\xef\xbf\xbf"));   // U+FFFF
  EXPECT_FALSE(rules::is_valid_string("\xf4\x8f\xbf\xbe"));  // U+10FFFE
  EXPECT_TRUE(rules::is_valid_string("\xef\xbf\xbd"));    // U+FFFD is a character
  EXPECT_TRUE(rules::is_valid_utf8("\xf4\x8f\xbf\xbf"));
  EXPECT_FALSE(rules::is_valid_utf8("\xf4\x90\x80\x80"));  // beyond U+10FFFF
  EXPECT_FALSE(rules::is_valid_utf8("\xe0\x80\xaf"));      // overlong
  EXPECT_FALSE(rules::is_valid_utf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(rules::is_valid_utf8("\xc3"));              // truncated
}

TEST(AttributeRules, Rfc3339) {
  EXPECT_TRUE(rules::is_rfc3339("2018-04-05T17:31:00Z"));
  EXPECT_TRUE(rules::is_rfc3339("2000-02-29T23:59:59.999999999-23:59"));
  EXPECT_TRUE(rules::is_rfc3339("2018-04-05T17:31:60+00:00"));
  EXPECT_FALSE(rules::is_rfc3339("1900-02-29T00:00:00Z"));
  EXPECT_FALSE(rules::is_rfc3339("2018-04-31T00:00:00Z"));
  EXPECT_FALSE(rules::is_rfc3339("2018-04-05T24:00:00Z"));
  EXPECT_FALSE(rules::is_rfc3339("2018-04-05T17:31:00.Z"));
  EXPECT_FALSE(rules::is_rfc3339("2018-04-05T17:31:00+0100"));
  EXPECT_FALSE(rules::is_rfc3339("2018-04-05T17:31:00Z "));
  EXPECT_FALSE(rules::is_rfc3339("2018-4-05T17:31:00Z"));
  EXPECT_FALSE(rules::is_rfc3339("2018-04-05"));
  EXPECT_FALSE(rules::is_rfc3339(""));
}

TEST(AttributeRules, JsonContentTypes) {
  EXPECT_TRUE(rules::is_json_content_type("application/json"));
  EXPECT_TRUE(rules::is_json_content_type(" APPLICATION/JSON ; charset=utf-8"));
  EXPECT_TRUE(rules::is_json_content_type("application/cloudevents+json"));
  EXPECT_TRUE(rules::is_json_content_type("text/json"));
  EXPECT_FALSE(rules::is_json_content_type("application/xml"));
  EXPECT_FALSE(rules::is_json_content_type("application/+json"));
  EXPECT_FALSE(rules::is_json_content_type("json"));
  EXPECT_FALSE(rules::is_json_content_type("/json"));
  EXPECT_FALSE(rules::is_json_content_type("application/json-seq"));
}

TEST(AttributeRules, Int32) {
  EXPECT_TRUE(rules::is_int32("0"));
  EXPECT_TRUE(rules::is_int32("-2147483648"));
  EXPECT_TRUE(rules::is_int32("2147483647"));
  EXPECT_FALSE(rules::is_int32("2147483648"));
  EXPECT_FALSE(rules::is_int32("1.0"));
  EXPECT_FALSE(rules::is_int32("01"));
  EXPECT_FALSE(rules::is_int32("99999999999999999999999"));
}

TEST(JsonText, Numbers) {
  for (const char* good : {"0", "-0", "1", "-12.5", "1e5", "1E+5", "1.5e-300", "1e99999", "123456789012345678901"}) {
    EXPECT_TRUE(json_text::is_number(good)) << good;
  }
  for (const char* bad : {"", "-", "01", "1.", ".5", "+1", "1e", "1e+", "0x10", "1.2.3", "NaN", " 1", "1 "}) {
    EXPECT_FALSE(json_text::is_number(bad)) << bad;
  }
  EXPECT_TRUE(json_text::is_integer("-15"));
  EXPECT_FALSE(json_text::is_integer("1e2"));
}

TEST(JsonText, Unescape) {
  std::string out;
  ASSERT_TRUE(json_text::unescape(R"(a\"b\\c\/d\b\f\n\r\t)", out));
  EXPECT_EQ(out, "a\"b\\c/d\b\f\n\r\t");
  ASSERT_TRUE(json_text::unescape(R"(\u00e9\u20AC\uD83D\uDE00)", out));
  EXPECT_EQ(out, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
  EXPECT_FALSE(json_text::unescape(R"(\uD83D)", out));
  EXPECT_FALSE(json_text::unescape(R"(\uDE00)", out));
  EXPECT_FALSE(json_text::unescape(R"(\uD83Dx)", out));
  EXPECT_FALSE(json_text::unescape(R"(\x)", out));
  EXPECT_FALSE(json_text::unescape(R"(\u12)", out));
  EXPECT_FALSE(json_text::unescape("\\", out));
  EXPECT_EQ(json_text::quoted_content(R"("a\"b"  )"), R"(a\"b)");
  EXPECT_FALSE(json_text::quoted_content(R"("abc)"));
}

TEST(JsonText, Locate) {
  EXPECT_EQ(json_text::find_invalid_utf8("ab\xc3\xa9\xff"), 4u);
  EXPECT_EQ(json_text::find_unescaped_control("{\"a\\\"\n\":\"x\ty\"}"), 5u);
  EXPECT_EQ(json_text::find_unescaped_control("[\n\"a\"]"), std::string_view::npos);
  EXPECT_EQ(json_text::find_unclosed_string(R"(["a", "b\"])"), 6u);
  EXPECT_EQ(json_text::trim(" \t\r\nx y\n"), "x y");
}

TEST(Base64, DecodesRfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},         {"Zg==", "f"},       {"Zm8=", "fo"},
                                                         {"Zm9v", "foo"},  {"Zm9vYg==", "foob"}, {"Zm9vYmE=", "fooba"},
                                                         {"Zm9vYmFy", "foobar"}, {"Zm9vYg", "foob"}, {"Zm9vYmE", "fooba"}};
  for (const auto& [encoded, decoded] : vectors) {
    std::string out(base64::max_decoded_size(std::strlen(encoded)), '\0');
    const auto size = base64::decode(encoded, out.data());
    ASSERT_GE(size, 0) << encoded;
    EXPECT_EQ(out.substr(0, static_cast<std::size_t>(size)), decoded) << encoded;
  }
  for (const char* bad : {"Z", "Zg=", "Zg===", "Z===", "Zm9v YmFy", "Zm9v\nYmFy", "Zm9-", "Zm9_", "Zh==", "====",
                          "Zg==Zg=="}) {
    std::string out(64, '\0');
    EXPECT_LT(base64::decode(bad, out.data()), 0) << bad;
  }
}

}  // namespace
}  // namespace sluice
