#include "sources/grpc/multiplex_listener.hpp"

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(MultiplexClassify, Http2PrefaceIsGrpc) {
  EXPECT_EQ(classify_prefix("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), WireProtocol::http2);
  EXPECT_EQ(classify_prefix("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x12\x04"), WireProtocol::http2);
}

TEST(MultiplexClassify, PartialPrefaceWaits) {
  EXPECT_EQ(classify_prefix("P"), WireProtocol::undecided);
  EXPECT_EQ(classify_prefix("PRI * HTTP/2.0\r\n"), WireProtocol::undecided);
}

TEST(MultiplexClassify, AnythingElseIsHttp1) {
  EXPECT_EQ(classify_prefix("POST / HTTP/1.1\r\n"), WireProtocol::http1);
  EXPECT_EQ(classify_prefix("PUT"), WireProtocol::http1);
  EXPECT_EQ(classify_prefix("GET / HTTP/1.0\r\n\r\n"), WireProtocol::http1);
  EXPECT_EQ(classify_prefix("PRI * HTTP/1.1\r\n"), WireProtocol::http1);
  EXPECT_EQ(classify_prefix("\x16\x03\x01"), WireProtocol::http1);  // TLS: not ours to serve here
}

}  // namespace
}  // namespace sluice
