#include "http_load.hpp"

#include <gtest/gtest.h>

namespace sluice::bench {
namespace {

TEST(HttpUrl, ParsesHostPortAndTarget) {
  std::string error;
  auto u = parse_http_url("http://127.0.0.1:8080/ingest?x=1", error);
  ASSERT_TRUE(u) << error;
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, "8080");
  EXPECT_EQ(u->target, "/ingest?x=1");

  u = parse_http_url("http://localhost", error);
  ASSERT_TRUE(u) << error;
  EXPECT_EQ(u->port, "80");
  EXPECT_EQ(u->target, "/");

  u = parse_http_url("http://[::1]:9/", error);
  ASSERT_TRUE(u) << error;
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, "9");
}

TEST(HttpUrl, RejectsWhatItCannotDo) {
  std::string error;
  for (const char* bad : {"https://h/", "h:80/", "http://", "http://:80/", "http://h:0/", "http://h:65536/",
                          "http://h:8x/", "http://user@h/", "http://[::1/"}) {
    EXPECT_FALSE(parse_http_url(bad, error)) << bad;
    EXPECT_FALSE(error.empty());
  }
}

}  // namespace
}  // namespace sluice::bench
