#include "sinks/amqp/config.hpp"

#include "config/config_node.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace sluice::amqp {
namespace {

AmqpSinkConfig parse(const std::string& body) {
  const ConfigNode root = load_config_text("sinks:\n  rabbit:\n" + body, "test.yaml");
  return parse_amqp_sink_config(*root.child("sinks")->child("rabbit"));
}

std::string error_of(const std::string& body) {
  try {
    parse(body);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "(no error)";
}

TEST(AmqpSinkConfig, Defaults) {
  const AmqpSinkConfig config = parse("    type: amqp\n    budget_share: 0.5\n");
  EXPECT_EQ(config.name, "rabbit");
  EXPECT_EQ(config.key_prefix, "sinks.rabbit");
  EXPECT_EQ(config.host, "localhost");
  EXPECT_EQ(config.port, 5672);
  EXPECT_EQ(config.vhost, "/");
  EXPECT_EQ(config.exchange, "sluice.events");
  EXPECT_EQ(config.exchange_type, "topic");
  EXPECT_EQ(config.declare_exchange, DeclareExchange::declare);
  EXPECT_EQ(config.format, OutputFormat::structured);
  EXPECT_EQ(config.header_prefix, "cloudEvents_");
  EXPECT_EQ(config.max_unconfirmed, 1024u);
  EXPECT_EQ(config.connections, 1);
  EXPECT_TRUE(config.mandatory);
  EXPECT_TRUE(config.persistent);
  EXPECT_EQ(config.unroutable, UnroutablePolicy::fail);
  EXPECT_FALSE(config.tls.enabled);
}

TEST(AmqpSinkConfig, UrlPartsAndDisplayUrlWithoutPassword) {
  const AmqpSinkConfig config = parse("    type: amqp\n    url: amqp://sluice:s3cret@rabbit.example:5673/events\n");
  EXPECT_EQ(config.host, "rabbit.example");
  EXPECT_EQ(config.port, 5673);
  EXPECT_EQ(config.user, "sluice");
  EXPECT_EQ(config.password, "s3cret");
  EXPECT_EQ(config.vhost, "events");
  EXPECT_EQ(config.display_url.find("s3cret"), std::string::npos);
  EXPECT_EQ(config.display_url, "amqp://sluice@rabbit.example:5673/events");
}

TEST(AmqpSinkConfig, PercentEncodedDefaultVhostAndTrailingSlash) {
  EXPECT_EQ(parse("    url: amqp://h:1/%2f\n").vhost, "/");
  EXPECT_EQ(parse("    url: amqp://h:1/\n").vhost, "/");
  EXPECT_EQ(parse("    url: amqp://h:1\n").vhost, "/");
}

TEST(AmqpSinkConfig, PasswordFromEnvironmentAndFile) {
  ::setenv("SLUICE_TEST_AMQP_PASSWORD", "from-env", 1);
  EXPECT_EQ(parse("    url: amqp://u@h/\n    password: ${SLUICE_TEST_AMQP_PASSWORD}\n").password, "from-env");
  const auto path = std::filesystem::temp_directory_path() / "sluice_amqp_password_test";
  std::ofstream(path) << "from-file\n";
  EXPECT_EQ(parse("    url: amqp://u@h/\n    password_file: " + path.string() + "\n").password, "from-file");
  std::filesystem::remove(path);
}

TEST(AmqpSinkConfig, PasswordInTwoPlacesIsAnError) {
  const std::string error = error_of("    url: amqp://u:p@h/\n    password: q\n");
  EXPECT_NE(error.find("sinks.rabbit.password"), std::string::npos) << error;
}

TEST(AmqpSinkConfig, BadUrlNamesTheKeyButNeverEchoesIt) {
  const std::string error = error_of("    url: http://u:topsecret@h/\n");
  EXPECT_NE(error.find("test.yaml:3: sinks.rabbit.url"), std::string::npos) << error;
  EXPECT_EQ(error.find("topsecret"), std::string::npos) << error;
}

TEST(AmqpSinkConfig, TlsFromAmqpsUrl) {
  const AmqpSinkConfig config = parse(
      "    url: amqps://u:p@h/\n    tls:\n      ca_file: /ca.pem\n      cert_file: /c.pem\n"
      "      key_file: /k.pem\n      verify_peer: false\n");
  EXPECT_TRUE(config.tls.enabled);
  EXPECT_EQ(config.port, 5671);
  EXPECT_EQ(config.tls.ca_file, "/ca.pem");
  EXPECT_FALSE(config.tls.verify_peer);
  EXPECT_FALSE(config.tls.verify_hostname);  // follows verify_peer unless given
}

TEST(AmqpSinkConfig, TlsErrors) {
  EXPECT_NE(error_of("    url: amqp://h/\n    tls: { ca_file: x }\n").find("amqps://"), std::string::npos);
  EXPECT_NE(error_of("    url: amqps://h/\n    tls: { ca_fil: x }\n").find("sinks.rabbit.tls.ca_fil: unknown key"),
            std::string::npos);
  EXPECT_NE(error_of("    url: amqps://h/\n    tls: { cert_file: x }\n").find("sinks.rabbit.tls.key_file"),
            std::string::npos);
}

TEST(AmqpSinkConfig, UnknownKeyIsNamed) {
  const std::string error = error_of("    type: amqp\n    exchnage: x\n");
  EXPECT_NE(error.find("sinks.rabbit.exchnage: unknown key"), std::string::npos) << error;
}

TEST(AmqpSinkConfig, ExchangeOptions) {
  const AmqpSinkConfig config =
      parse("    exchange: cloudstack-events\n    exchange_type: x-consistent-hash\n    declare_exchange: passive\n"
            "    routing_key: fixed.key\n    format: binary\n    header_prefix: 'cloudEvents:'\n");
  EXPECT_EQ(config.exchange, "cloudstack-events");
  EXPECT_EQ(config.exchange_type, "x-consistent-hash");
  EXPECT_EQ(config.declare_exchange, DeclareExchange::passive);
  EXPECT_EQ(config.routing_key, "fixed.key");
  EXPECT_EQ(config.format, OutputFormat::binary);
  EXPECT_EQ(config.header_prefix, "cloudEvents:");
  EXPECT_EQ(parse("    declare_exchange: false\n").declare_exchange, DeclareExchange::none);
  EXPECT_EQ(parse("    declare_exchange: true\n").declare_exchange, DeclareExchange::declare);
}

TEST(AmqpSinkConfig, ExchangeErrors) {
  EXPECT_NE(error_of("    exchange_type: fanoot\n").find("sinks.rabbit.exchange_type"), std::string::npos);
  EXPECT_NE(error_of("    declare_exchange: maybe\n").find("passive"), std::string::npos);
  EXPECT_NE(error_of("    exchange: ''\n").find("declare_exchange: false"), std::string::npos);
  EXPECT_NO_THROW(parse("    exchange: ''\n    declare_exchange: false\n"));
  EXPECT_NE(error_of("    routing_key: " + std::string(256, 'k') + "\n").find("255"), std::string::npos);
}

TEST(AmqpSinkConfig, UnroutablePolicy) {
  EXPECT_EQ(parse("    unroutable: drop\n").unroutable, UnroutablePolicy::drop);
  EXPECT_NE(error_of("    unroutable: requeue\n").find("fail, drop"), std::string::npos);
  EXPECT_NE(error_of("    mandatory: false\n    unroutable: drop\n").find("mandatory: true"), std::string::npos);
}

TEST(AmqpSinkConfig, NumericLimits) {
  EXPECT_NE(error_of("    max_unconfirmed: 0\n").find("sinks.rabbit.max_unconfirmed"), std::string::npos);
  EXPECT_NE(error_of("    connections: 100\n").find("1..64"), std::string::npos);
  EXPECT_NE(error_of("    budget_share: 2\n").find("sinks.rabbit.budget_share"), std::string::npos);
  EXPECT_NE(error_of("    heartbeat: 500ms\n").find("sinks.rabbit.heartbeat"), std::string::npos);
  EXPECT_NE(error_of("    reconnect_backoff: 5s\n    reconnect_backoff_max: 1s\n").find("reconnect_backoff_max"),
            std::string::npos);
  const AmqpSinkConfig config = parse("    heartbeat: 0\n    delivery_timeout: 0\n    max_message_size: 1MiB\n");
  EXPECT_EQ(config.heartbeat.count(), 0);
  EXPECT_EQ(config.delivery_timeout.count(), 0);
  EXPECT_EQ(config.max_message_size, 1024u * 1024u);
}

}  // namespace
}  // namespace sluice::amqp
