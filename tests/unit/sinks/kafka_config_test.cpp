#include "sinks/kafka/client_config.hpp"
#include "sinks/kafka/config.hpp"

#include "config/config_node.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace sluice::kafka {
namespace {

KafkaSinkConfig parse(const std::string& body) {
  const ConfigNode root = load_config_text("sinks:\n  k:\n" + body, "test.yaml");
  return parse_kafka_sink_config(*root.child("sinks")->child("k"));
}

std::string error_of(const std::string& body) {
  try {
    parse(body);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "(no error)";
}

TEST(KafkaSinkConfig, Defaults) {
  const KafkaSinkConfig config = parse("    type: kafka\n    brokers: a:9092\n");
  EXPECT_EQ(config.name, "k");
  EXPECT_EQ(config.key_prefix, "sinks.k");
  EXPECT_EQ(config.brokers, "a:9092");
  EXPECT_FALSE(config.embedded);
  EXPECT_EQ(config.topic, "sluice.events");
  EXPECT_EQ(config.format, OutputFormat::structured);
  EXPECT_EQ(config.delivery_timeout, std::chrono::seconds(30));
  EXPECT_TRUE(config.properties.empty());
}

TEST(KafkaSinkConfig, EveryKey) {
  const KafkaSinkConfig config = parse(
      "    type: kafka\n"
      "    brokers: [\"a:1\", \"b:2, c:3\"]\n"
      "    topic: my.topic\n"
      "    format: binary\n"
      "    delivery_timeout: 5s\n"
      "    budget_share: 0.25\n"
      "    properties:\n"
      "      linger.ms: 20\n"
      "      compression.type: zstd\n");
  EXPECT_EQ(config.brokers, "a:1,b:2,c:3");
  EXPECT_EQ(config.topic, "my.topic");
  EXPECT_EQ(config.format, OutputFormat::binary);
  EXPECT_EQ(config.delivery_timeout, std::chrono::seconds(5));
  ASSERT_EQ(config.properties.size(), 2u);
  EXPECT_EQ(config.properties[0].name, "linger.ms");
  EXPECT_EQ(config.properties[0].value, "20");
  EXPECT_EQ(config.properties[0].origin, "sinks.k.properties.linger.ms");
}

TEST(KafkaSinkConfig, Embedded) {
  const KafkaSinkConfig config = parse("    brokers: embedded\n    embedded: { brokers: 3, partitions: 8 }\n");
  EXPECT_TRUE(config.embedded);
  EXPECT_TRUE(config.brokers.empty());
  EXPECT_EQ(config.embedded_cluster.brokers, 3);
  EXPECT_EQ(config.embedded_cluster.partitions, 8);
}

TEST(KafkaSinkConfig, UnknownLibrdkafkaPropertyNamesItsKey) {
  const std::string error = error_of("    brokers: a:1\n    properties:\n      foo.bar: 1\n");
  EXPECT_NE(error.find("test.yaml:5: sinks.k.properties.foo.bar: No such configuration property"), std::string::npos)
      << error;
}

TEST(KafkaSinkConfig, InvalidPropertyValueNamesItsKey) {
  const std::string error = error_of("    brokers: a:1\n    properties: { acks: banana }\n");
  EXPECT_NE(error.find("sinks.k.properties.acks: Invalid value"), std::string::npos) << error;
}

TEST(KafkaSinkConfig, PropertiesSluiceNeedsAreRefused) {
  EXPECT_NE(error_of("    brokers: a:1\n    properties: { delivery.report.only.error: true }\n")
                .find("sinks.k.properties.delivery.report.only.error"),
            std::string::npos);
  EXPECT_NE(error_of("    brokers: a:1\n    properties: { transactional.id: x }\n").find("sinks.k.properties.transactional.id"),
            std::string::npos);
}

TEST(KafkaSinkConfig, ErrorsNameTheKey) {
  EXPECT_NE(error_of("    type: kafka\n").find("sinks.k.brokers: is required"), std::string::npos);
  EXPECT_NE(error_of("    brokers: [embedded, a:1]\n").find("sinks.k.brokers"), std::string::npos);
  EXPECT_NE(error_of("    brokers: a:1\n    embedded: { brokers: 1 }\n").find("sinks.k.embedded: only applies"),
            std::string::npos);
  EXPECT_NE(error_of("    brokers: embedded\n    embedded: { partitions: 0 }\n").find("sinks.k.embedded.partitions"),
            std::string::npos);
  EXPECT_NE(error_of("    brokers: embedded\n    embedded: { replicas: 2 }\n").find("sinks.k.embedded.replicas: unknown key"),
            std::string::npos);
  EXPECT_NE(error_of("    brokers: a:1\n    format: avro\n").find("sinks.k.format: 'avro' is not one of structured, binary"),
            std::string::npos);
  EXPECT_NE(error_of("    brokers: a:1\n    topic: \"no spaces\"\n").find("sinks.k.topic"), std::string::npos);
  EXPECT_NE(error_of("    brokers: a:1\n    delivery_timeout: soon\n").find("sinks.k.delivery_timeout"), std::string::npos);
  EXPECT_NE(error_of("    brokers: a:1\n    budget_share: 2\n").find("sinks.k.budget_share"), std::string::npos);
  EXPECT_NE(error_of("    brokers: a:1\n    linger: 5\n").find("sinks.k.linger: unknown key"), std::string::npos);
  EXPECT_NE(error_of("    type: amqp\n    brokers: a:1\n").find("sinks.k.type"), std::string::npos);
  EXPECT_NE(error_of("    brokers: a:1\n    properties: { bootstrap.servers: b:2 }\n").find("not both"),
            std::string::npos);
}

TEST(KafkaSinkConfig, BootstrapServersMayComeFromProperties) {
  const KafkaSinkConfig config = parse("    properties: { bootstrap.servers: \"b:2\" }\n");
  EXPECT_TRUE(config.brokers.empty());
  ASSERT_EQ(config.properties.size(), 1u);
}

class PropertiesFile : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("sluice-kafka-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".properties");
  }
  void TearDown() override { std::filesystem::remove(path_); }
  void write(const std::string& text) { std::ofstream(path_) << text; }
  std::filesystem::path path_;
};

TEST_F(PropertiesFile, IsReadAndOverriddenByInlineProperties) {
  write("# client.properties\nbootstrap.servers=f:1\nlinger.ms = 50\n");
  const KafkaSinkConfig config =
      parse("    properties_file: " + path_.string() + "\n    properties: { linger.ms: 7 }\n");
  ASSERT_EQ(config.properties.size(), 3u);
  EXPECT_EQ(config.properties[0].name, "bootstrap.servers");
  EXPECT_EQ(config.properties[1].value, "50");
  EXPECT_EQ(config.properties[2].value, "7");  // inline comes last and wins
  EXPECT_NE(config.properties[1].origin.find(":3)"), std::string::npos) << config.properties[1].origin;
}

TEST_F(PropertiesFile, UnknownPropertyNamesFileAndLine) {
  write("bootstrap.servers=f:1\n\nno.such.thing=1\n");
  const std::string error = error_of("    properties_file: " + path_.string() + "\n");
  EXPECT_NE(error.find("sinks.k.properties_file: " + path_.string() + ":3: no.such.thing: No such configuration"),
            std::string::npos)
      << error;
}

TEST_F(PropertiesFile, MissingFileNamesTheKey) {
  const std::string error = error_of("    brokers: a:1\n    properties_file: /nonexistent/x.properties\n");
  EXPECT_NE(error.find("sinks.k.properties_file: cannot read '/nonexistent/x.properties'"), std::string::npos) << error;
}

TEST(ProducerConf, DefaultsAreSafeAndUserPropertiesWin) {
  KafkaSinkConfig config = parse("    brokers: a:1\n    properties: { linger.ms: 42, acks: all }\n");
  const ConfPtr conf = build_producer_conf(config, "a:1", 64ull << 20);
  auto get = [&](const char* name) {
    char value[256] = {};
    size_t size = sizeof(value);
    EXPECT_EQ(rd_kafka_conf_get(conf.get(), name, value, &size), RD_KAFKA_CONF_OK) << name;
    return std::string(value);
  };
  EXPECT_EQ(get("enable.idempotence"), "true");
  EXPECT_EQ(get("compression.codec"), "lz4");
  EXPECT_EQ(get("linger.ms"), "42");
  EXPECT_EQ(get("bootstrap.servers"), "a:1");
  EXPECT_EQ(get("message.timeout.ms"), "30000");
  EXPECT_EQ(get("queue.buffering.max.kbytes"), std::to_string(128 * 1024));
}

TEST(ProducerConf, RefusedPropertyNamesItsOrigin) {
  KafkaSinkConfig config = parse("    brokers: a:1\n");
  config.properties.push_back({"no.such", "1", "sinks.k.properties.no.such"});
  try {
    build_producer_conf(config, "a:1", 0);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("sinks.k.properties.no.such"), std::string::npos);
  }
}

}  // namespace
}  // namespace sluice::kafka
