#include "net/http_auth.hpp"

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(ConstantTimeEquals, ComparesContentAndLength) {
  EXPECT_TRUE(constant_time_equals("s3cret", "s3cret"));
  EXPECT_TRUE(constant_time_equals("", ""));
  EXPECT_FALSE(constant_time_equals("s3cret", "s3creT"));
  EXPECT_FALSE(constant_time_equals("s3cret", "s3cret-and-more"));
  EXPECT_FALSE(constant_time_equals("s3cret", ""));
}

TEST(CheckBearer, NoTokenConfiguredLetsEverythingThrough) {
  EXPECT_EQ(check_bearer("", ""), AuthResult::ok);
  EXPECT_EQ(check_bearer("Bearer whatever", ""), AuthResult::ok);
}

TEST(CheckBearer, MissingHeaderOrOtherSchemeIsUnauthorized) {
  EXPECT_EQ(check_bearer("", "tok"), AuthResult::missing);
  EXPECT_EQ(check_bearer("Basic dXNlcjpwYXNz", "tok"), AuthResult::missing);
  EXPECT_EQ(check_bearer("Bearer", "tok"), AuthResult::missing);
  EXPECT_EQ(check_bearer("Bearer    ", "tok"), AuthResult::missing);
  EXPECT_EQ(check_bearer("tok", "tok"), AuthResult::missing);
}

TEST(CheckBearer, WrongTokenIsForbidden) {
  EXPECT_EQ(check_bearer("Bearer nope", "tok"), AuthResult::forbidden);
  EXPECT_EQ(check_bearer("Bearer tok2", "tok"), AuthResult::forbidden);
  EXPECT_EQ(check_bearer("Bearer to", "tok"), AuthResult::forbidden);
}

TEST(CheckBearer, RightTokenSchemeCaseInsensitiveWhitespaceTolerant) {
  EXPECT_EQ(check_bearer("Bearer tok", "tok"), AuthResult::ok);
  EXPECT_EQ(check_bearer("bearer tok", "tok"), AuthResult::ok);
  EXPECT_EQ(check_bearer("  BEARER   tok  ", "tok"), AuthResult::ok);
}

}  // namespace
}  // namespace sluice
