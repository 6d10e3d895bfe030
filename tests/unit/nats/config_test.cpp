#include "sources/nats/config.hpp"

#include "config/config_node.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace sluice {
namespace {

using namespace std::chrono_literals;

NatsSourceConfig parse(const std::string& body) {
  const ConfigNode root = load_config_text("sources:\n  events:\n" + body, "nats.yaml");
  return parse_nats_source_config(*root.child("sources")->child("events"));
}

std::string error_of(const std::string& body) {
  try {
    parse(body);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "(no error)";
}

TEST(NatsConfig, ReadsEveryKey) {
  const NatsSourceConfig config = parse(R"(
    type: nats
    url: [nats://10.0.0.1:4222, nats://10.0.0.2:4222]
    name: sluice-edge
    user: ingest
    password: s3cret
    tls: { ca_file: /etc/ca.pem, cert_file: /etc/c.pem, key_file: /etc/k.pem }
    connect_timeout: 2s
    reconnect_wait: 250ms
    reconnect_jitter: 50ms
    subscriptions:
      - subject: aporeto.>
        queue_group: sluice
        pending_messages: 1000
        pending_bytes: 8MiB
        payload: wrap
        wrap: { type: "aporeto.{data.identity}.{data.type}", source: "nats://{nats.subject}" }
    jetstream:
      - stream: EVENTS
        subjects: [events.>, audit.*]
        durable: sluice
        filter_subject: events.>
        fetch_batch: 64
        fetch_timeout: 500ms
        ack_wait: 10s
        nak_delay: 2s
        max_ack_pending: 5000
        payload: binary
)");
  EXPECT_EQ(config.key, "sources.events");
  EXPECT_EQ(config.urls, (std::vector<std::string>{"nats://10.0.0.1:4222", "nats://10.0.0.2:4222"}));
  EXPECT_EQ(config.connection_name, "sluice-edge");
  EXPECT_EQ(config.user, "ingest");
  EXPECT_EQ(config.password, "s3cret");
  ASSERT_TRUE(config.tls);
  EXPECT_EQ(config.tls->key_file, "/etc/k.pem");
  EXPECT_EQ(config.connect_timeout, 2s);
  EXPECT_EQ(config.reconnect_wait, 250ms);
  EXPECT_EQ(config.reconnect_jitter, 50ms);

  ASSERT_EQ(config.subscriptions.size(), 1u);
  const NatsSubscriptionConfig& subscription = config.subscriptions[0];
  EXPECT_EQ(subscription.key, "sources.events.subscriptions[0]");
  EXPECT_EQ(subscription.subject, "aporeto.>");
  EXPECT_EQ(subscription.queue_group, "sluice");
  EXPECT_EQ(subscription.pending_messages, 1000);
  EXPECT_EQ(subscription.pending_bytes, 8 << 20);
  EXPECT_EQ(subscription.format.payload, PayloadMode::wrap);
  ASSERT_TRUE(subscription.format.wrap);
  EXPECT_EQ(subscription.format.wrap->type_template().text(), "aporeto.{data.identity}.{data.type}");

  ASSERT_EQ(config.jetstream.size(), 1u);
  const JetStreamConsumerConfig& consumer = config.jetstream[0];
  EXPECT_EQ(consumer.stream, "EVENTS");
  EXPECT_EQ(consumer.subjects, (std::vector<std::string>{"events.>", "audit.*"}));
  EXPECT_EQ(consumer.durable, "sluice");
  EXPECT_EQ(consumer.filter_subject, "events.>");
  EXPECT_EQ(consumer.fetch_batch, 64);
  EXPECT_EQ(consumer.fetch_timeout, 500ms);
  EXPECT_EQ(consumer.ack_wait, 10s);
  EXPECT_EQ(consumer.nak_delay, 2s);
  EXPECT_EQ(consumer.max_ack_pending, 5000);
  EXPECT_EQ(consumer.format.payload, PayloadMode::binary);
  EXPECT_FALSE(consumer.format.wrap);
}

TEST(NatsConfig, DefaultsAreUsable) {
  const NatsSourceConfig config = parse("    subscriptions: [{ subject: events }]\n");
  EXPECT_EQ(config.urls, (std::vector<std::string>{"nats://127.0.0.1:4222"}));
  EXPECT_EQ(config.subscriptions[0].format.payload, PayloadMode::auto_detect);
  EXPECT_FALSE(config.subscriptions[0].format.wrap);  // auto mode wraps only on request
  EXPECT_EQ(config.subscriptions[0].pending_messages, 65536);

  const NatsSourceConfig js =
      parse("    url: nats://h:4222\n    jetstream: [{ stream: S, durable: d, payload: wrap }]\n");
  EXPECT_EQ(js.jetstream[0].fetch_batch, 128);
  EXPECT_EQ(js.jetstream[0].ack_wait, 30s);
  ASSERT_TRUE(js.jetstream[0].format.wrap);  // payload: wrap without templates gets the defaults
  EXPECT_EQ(js.jetstream[0].format.wrap->source_template().text(), "nats://{nats.subject}");
}

TEST(NatsConfig, PasswordMayComeFromAFile) {
  const std::string path = ::testing::TempDir() + "nats-password";
  std::ofstream(path) << "from-file\n";
  const NatsSourceConfig config =
      parse("    user: u\n    password_file: " + path + "\n    subscriptions: [{ subject: s }]\n");
  EXPECT_EQ(config.password, "from-file");
  std::remove(path.c_str());
}

TEST(NatsConfig, UnknownKeysAreRejectedInEveryMapping) {
  EXPECT_NE(error_of("    subscriptions: [{ subject: s }]\n    urls: x\n").find("sources.events.urls: unknown key"),
            std::string::npos);
  EXPECT_NE(
      error_of("    subscriptions:\n      - subjet: s\n").find("sources.events.subscriptions[0].subject: is required"),
      std::string::npos);
  EXPECT_NE(error_of("    subscriptions:\n      - { subject: s, queue: g }\n")
                .find("nats.yaml:4: sources.events.subscriptions[0].queue: unknown key"),
            std::string::npos);
  EXPECT_NE(error_of("    subscriptions:\n      - { subject: s, wrap: { typ: x } }\n")
                .find("sources.events.subscriptions[0].wrap.typ: unknown key"),
            std::string::npos);
  EXPECT_NE(error_of("    jetstream:\n      - { stream: S, durable: d, batch: 5 }\n")
                .find("sources.events.jetstream[0].batch: unknown key"),
            std::string::npos);
  EXPECT_NE(
      error_of("    tls: { ca: x }\n    subscriptions: [{ subject: s }]\n").find("sources.events.tls.ca: unknown key"),
      std::string::npos);
}

TEST(NatsConfig, ValuesAreChecked) {
  EXPECT_NE(error_of("    jetstream: [{ durable: d }]\n").find("jetstream[0].stream: is required"), std::string::npos);
  EXPECT_NE(error_of("    jetstream: [{ stream: S }]\n").find("jetstream[0].durable: is required"), std::string::npos);
  EXPECT_NE(error_of("    jetstream: [{ stream: S, durable: a.b }]\n").find("durable: 'a.b' may not contain"),
            std::string::npos);
  EXPECT_NE(
      error_of("    jetstream: [{ stream: S, durable: d, ack_wait: 100ms }]\n").find("ack_wait: must be at least"),
      std::string::npos);
  EXPECT_NE(error_of("    jetstream: [{ stream: S, durable: d, fetch_batch: 0 }]\n").find("fetch_batch: 0 is outside"),
            std::string::npos);
  EXPECT_NE(error_of("    jetstream: [{ stream: S, durable: d }, { stream: S, durable: d }]\n")
                .find("jetstream[1].durable: 'd' on stream 'S' is already consumed by sources.events.jetstream[0]"),
            std::string::npos);
  EXPECT_NE(error_of("    subscriptions: [{ subject: 'a b' }]\n").find("is not a NATS subject"), std::string::npos);
  EXPECT_NE(error_of("    subscriptions: [{ subject: 'a..b' }]\n").find("empty token"), std::string::npos);
  EXPECT_NE(error_of("    subscriptions: [{ subject: s, payload: json }]\n")
                .find("payload: 'json' is not one of auto, structured, binary, wrap"),
            std::string::npos);
  EXPECT_NE(error_of("    subscriptions: [{ subject: s, wrap: { type: 'x.{identity}' } }]\n")
                .find("subscriptions[0].wrap.type: 'x.{identity}': unknown reference {identity}"),
            std::string::npos);
  EXPECT_NE(
      error_of("    subscriptions: [{ subject: s, pending_messages: 0 }]\n").find("pending_messages: 0 is outside"),
      std::string::npos);
}

TEST(NatsConfig, AuthenticationMethodsAreExclusive) {
  EXPECT_NE(error_of("    user: u\n    subscriptions: [{ subject: s }]\n").find("user: needs password"),
            std::string::npos);
  EXPECT_NE(error_of("    password: p\n    subscriptions: [{ subject: s }]\n").find("password: needs user"),
            std::string::npos);
  EXPECT_NE(error_of("    token: t\n    credentials_file: /c.creds\n    subscriptions: [{ subject: s }]\n")
                .find("choose one of user/password, token, credentials_file"),
            std::string::npos);
  EXPECT_NE(error_of("    tls: { cert_file: c.pem }\n    subscriptions: [{ subject: s }]\n")
                .find("tls.key_file: a client certificate needs both"),
            std::string::npos);
}

TEST(NatsConfig, NeedsSomethingToConsume) {
  EXPECT_NE(error_of("    url: nats://h:4222\n").find("sources.events.subscriptions: give at least one entry"),
            std::string::npos);
}

}  // namespace
}  // namespace sluice
