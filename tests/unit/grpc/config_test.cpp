#include "sources/grpc/config.hpp"

#include "config/config_node.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sluice {
namespace {

GrpcSourceConfig parse(const std::string& body) {
  const ConfigNode root = load_config_text("sources:\n  grpc:\n" + body, "test.yaml");
  return parse_grpc_source_config(*root.child("sources")->child("grpc"));
}

std::string error_of(const std::string& body) {
  try {
    parse(body);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "no error";
}

TEST(GrpcSourceConfig, Defaults) {
  const GrpcSourceConfig config = parse("    type: grpc\n");
  EXPECT_EQ(config.key, "sources.grpc");
  EXPECT_EQ(config.listen_address(), "0.0.0.0:50051");
  EXPECT_EQ(config.max_message_bytes, 4u << 20);
  EXPECT_EQ(config.max_concurrent_streams, 100u);
  EXPECT_EQ(config.threads, 1u);
  EXPECT_EQ(config.keepalive.time, std::chrono::hours(2));
  EXPECT_EQ(config.keepalive.timeout, std::chrono::seconds(20));
  EXPECT_FALSE(config.keepalive.permit_without_calls);
  EXPECT_FALSE(config.tls);
  EXPECT_FALSE(config.multiplex);
  EXPECT_TRUE(config.ack_delivered);
}

TEST(GrpcSourceConfig, EveryKey) {
  const GrpcSourceConfig config = parse(
      "    type: grpc\n"
      "    listen: \"127.0.0.1:6000\"\n"
      "    max_message_bytes: 16MiB\n"
      "    max_concurrent_streams: 8\n"
      "    threads: 3\n"
      "    ack_mode: accepted\n"
      "    keepalive: {time: 30s, timeout: 5s, permit_without_calls: true}\n"
      "    tls: {cert_file: /c.pem, key_file: /k.pem, client_ca_file: /ca.pem}\n"
      "    multiplex: {listen: \"127.0.0.1:7000\", http_source: web}\n");
  EXPECT_EQ(config.listen_address(), "127.0.0.1:6000");
  EXPECT_EQ(config.max_message_bytes, 16u << 20);
  EXPECT_EQ(config.max_concurrent_streams, 8u);
  EXPECT_EQ(config.threads, 3u);
  EXPECT_FALSE(config.ack_delivered);
  EXPECT_EQ(config.keepalive.time, std::chrono::seconds(30));
  EXPECT_EQ(config.keepalive.timeout, std::chrono::seconds(5));
  EXPECT_TRUE(config.keepalive.permit_without_calls);
  ASSERT_TRUE(config.tls);
  EXPECT_EQ(config.tls->cert_file, "/c.pem");
  EXPECT_EQ(config.tls->key_file, "/k.pem");
  EXPECT_EQ(config.tls->client_ca_file, "/ca.pem");
  ASSERT_TRUE(config.multiplex);
  EXPECT_EQ(config.multiplex->host, "127.0.0.1");
  EXPECT_EQ(config.multiplex->port, 7000);
  EXPECT_EQ(config.multiplex->http_source, "web");
}

TEST(GrpcSourceConfig, MultiplexDefaults) {
  const GrpcSourceConfig config = parse("    multiplex: {}\n");
  ASSERT_TRUE(config.multiplex);
  EXPECT_EQ(config.multiplex->host, "0.0.0.0");
  EXPECT_EQ(config.multiplex->port, 8443);
  EXPECT_EQ(config.multiplex->http_source, "http");
}

TEST(GrpcSourceConfig, Ipv6ListenIsBracketed) {
  EXPECT_EQ(parse("    listen: \"[::1]:6000\"\n").listen_address(), "[::1]:6000");
}

TEST(GrpcSourceConfig, Errors) {
  EXPECT_NE(error_of("    listn: x\n").find("sources.grpc.listn"), std::string::npos);
  EXPECT_NE(error_of("    keepalive: {tim: 1s}\n").find("sources.grpc.keepalive.tim"), std::string::npos);
  EXPECT_NE(error_of("    tls: {cert_file: /c.pem}\n").find("sources.grpc.tls.key_file"), std::string::npos);
  EXPECT_NE(error_of("    tls: {cert_file: /c.pem, key_file: /k, ca: x}\n").find("sources.grpc.tls.ca"),
            std::string::npos);
  EXPECT_NE(error_of("    multiplex: {listen: \":1\", port: 2}\n").find("sources.grpc.multiplex.port"),
            std::string::npos);
  EXPECT_NE(error_of("    ack_mode: later\n").find("sources.grpc.ack_mode"), std::string::npos);
  EXPECT_NE(error_of("    max_message_bytes: 10\n").find("sources.grpc.max_message_bytes"), std::string::npos);
  EXPECT_NE(error_of("    threads: 0\n").find("sources.grpc.threads"), std::string::npos);
  EXPECT_NE(error_of("    keepalive: {time: 0s}\n").find("sources.grpc.keepalive.time"), std::string::npos);
}

}  // namespace
}  // namespace sluice
