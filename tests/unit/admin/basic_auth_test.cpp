#include "net/http_auth.hpp"

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(BasicCredentials, EncodesUserColonPassword) {
  EXPECT_EQ(basic_credentials("Aladdin", "open sesame"), "QWxhZGRpbjpvcGVuIHNlc2FtZQ==");  // RFC 7617 §2
  EXPECT_EQ(basic_credentials("ops", "pa:ss"), "b3BzOnBhOnNz");
}

TEST(BasicAuthMatches, AcceptsOnlyTheRightCredentials) {
  const std::string expected = basic_credentials("Aladdin", "open sesame");
  EXPECT_TRUE(basic_auth_matches("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", expected));
  EXPECT_TRUE(basic_auth_matches("basic   QWxhZGRpbjpvcGVuIHNlc2FtZQ==  ", expected));
  EXPECT_FALSE(basic_auth_matches("Basic QWxhZGRpbjpvcGVuIHNlc2FtZR==", expected));
  EXPECT_FALSE(basic_auth_matches("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ", expected));
  EXPECT_FALSE(basic_auth_matches("Bearer QWxhZGRpbjpvcGVuIHNlc2FtZQ==", expected));
  EXPECT_FALSE(basic_auth_matches("QWxhZGRpbjpvcGVuIHNlc2FtZQ==", expected));
  EXPECT_FALSE(basic_auth_matches("", expected));
}

}  // namespace
}  // namespace sluice
