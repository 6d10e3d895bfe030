#include "sources/grpc/json_validator.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sluice::grpc_json {
namespace {

TEST(JsonValidator, AcceptsValidDocuments) {
  for (const char* text : {"{}", "[]", " {\"a\": [1, -2.5e+3, true, false, null, \"x\"]} ", "0", "-0.1E-2", "\"\"",
                           "\"\\u00e9\\ud83d\\ude00\\n\\/\"", "[[[]],{}]", "{\"a\":{\"b\":{\"c\":[]}}}", "\t\r\n1\n"}) {
    EXPECT_TRUE(is_valid_json(text)) << text;
  }
}

TEST(JsonValidator, RejectsInvalidDocuments) {
  for (const char* text :
       {"", " ", "{", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "01", "1.", ".5", "-", "1e", "+1", "tru",
        "nul", "\"unterminated", "\"\\x\"", "\"\\ud83d\"", "\"\\ude00\"", "\"\\u12\"", "1 2", "{} []", "[1 2]",
        "\"tab\there\"", "NaN", "{\"a\":}", "[,1]", "}", "hello"}) {
    EXPECT_FALSE(is_valid_json(text)) << text;
  }
}

TEST(JsonValidator, DeepNestingDoesNotRecurse) {
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  EXPECT_TRUE(is_valid_json(deep));
  EXPECT_FALSE(is_valid_json(std::string(100'000, '[') + std::string(99'999, ']')));
}

}  // namespace
}  // namespace sluice::grpc_json
