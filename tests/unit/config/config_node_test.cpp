#include "config/config_node.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace sluice {
namespace {

using namespace std::chrono_literals;

std::string error_of(auto&& action) {
  try {
    action();
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "(no error)";
}

TEST(ConfigNode, TypedAccessWithDefaults) {
  auto root = load_config_text("pipeline:\n  workers: 4\n  budget_bytes: 64MiB\n  shutdown_timeout: 5s\n", "t.yaml");
  auto pipeline = root.child("pipeline");
  ASSERT_TRUE(pipeline);
  EXPECT_EQ(pipeline->integer("workers", 0, 0, 64), 4);
  EXPECT_EQ(pipeline->bytes("budget_bytes", 0), 64u << 20);
  EXPECT_EQ(pipeline->duration("shutdown_timeout", 1s), 5s);
  EXPECT_EQ(pipeline->duration("absent", 7s), 7s);
  EXPECT_EQ(pipeline->string("absent", "x"), "x");
  EXPECT_NO_THROW(pipeline->reject_unknown_keys());
}

TEST(ConfigNode, ErrorsNameFileLineAndFullKey) {
  auto root = load_config_text("sinks:\n  kafka:\n    format: jsn\n", "sluice.yaml");
  auto kafka = root.child("sinks")->child("kafka");
  EXPECT_EQ(error_of([&] { kafka->choice("format", "structured", {"structured", "binary"}); }),
            "sluice.yaml:3: sinks.kafka.format: 'jsn' is not one of structured, binary");
}

TEST(ConfigNode, UnknownKeyIsRejectedWithTheAllowedOnes) {
  auto root = load_config_text("http:\n  listen: ':8080'\n  lisen: ':9090'\n", "s.yaml");
  auto http = root.child("http");
  http->string("listen", "");
  const std::string message = error_of([&] { http->reject_unknown_keys(); });
  EXPECT_NE(message.find("s.yaml:3: http.lisen: unknown key"), std::string::npos) << message;
  EXPECT_NE(message.find("listen"), std::string::npos) << message;
}

TEST(ConfigNode, RangeAndTypeErrors) {
  auto root = load_config_text("a: 70000\nb: nope\nc: 4 parsecs\nd: [1]\n", "r.yaml");
  EXPECT_NE(error_of([&] { root.integer("a", 0, 0, 65535); }).find("r.yaml:1: a: 70000 is outside 0..65535"),
            std::string::npos);
  EXPECT_NE(error_of([&] { root.boolean("b", false); }).find("must be true or false"), std::string::npos);
  EXPECT_NE(error_of([&] { root.bytes("c", 0); }).find("is not a size"), std::string::npos);
  EXPECT_NE(error_of([&] { root.string("d", ""); }).find("must be a string"), std::string::npos);
  EXPECT_NE(error_of([&] { root.required_string("missing"); }).find("missing: is required"), std::string::npos);
}

TEST(ConfigNode, Endpoints) {
  auto root = load_config_text("a: ':8080'\nb: '127.0.0.1:0'\nc: '[::1]:9'\nd: 'host'\n", "e.yaml");
  EXPECT_EQ(root.endpoint("a", "").host, "0.0.0.0");
  EXPECT_EQ(root.endpoint("a", "").port, 8080);
  EXPECT_EQ(root.endpoint("b", "").port, 0);
  EXPECT_EQ(root.endpoint("c", "").host, "::1");
  EXPECT_NE(error_of([&] { root.endpoint("d", ""); }).find("not host:port"), std::string::npos);
}

TEST(ConfigNode, ListsMapsAndKeysInFileOrder) {
  auto root = load_config_text(
      "sinks:\n  zeta: {type: console}\n  alpha: {type: kafka}\n"
      "routes:\n  - name: r1\n    to: [a, b]\n  - name: r2\n    to: c\n"
      "props: {linger.ms: 5, acks: all}\n",
      "l.yaml");
  EXPECT_EQ(root.child("sinks")->keys(), (std::vector<std::string>{"zeta", "alpha"}));
  auto routes = root.list("routes");
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0].string_list("to"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(routes[1].string_list("to"), (std::vector<std::string>{"c"}));
  EXPECT_EQ(routes[1].path(), "routes[1]");
  auto props = root.string_map("props");
  EXPECT_EQ(props.at("linger.ms"), "5");
  EXPECT_EQ(props.at("acks"), "all");
}

TEST(ConfigNode, EnvironmentExpansion) {
  ::setenv("SLUICE_TEST_PORT", "9999", 1);
  ::unsetenv("SLUICE_TEST_UNSET");
  auto root = load_config_text(
      "listen: \"127.0.0.1:${SLUICE_TEST_PORT}\"\ntopic: ${SLUICE_TEST_UNSET:-fallback}\nlit: $${NOT_EXPANDED}\n",
      "env.yaml");
  EXPECT_EQ(root.endpoint("listen", "").port, 9999);
  EXPECT_EQ(root.string("topic", ""), "fallback");
  EXPECT_EQ(root.string("lit", ""), "${NOT_EXPANDED}");
  EXPECT_EQ(error_of([&] { load_config_text("a: 1\nb: ${SLUICE_TEST_UNSET}\n", "env.yaml"); }),
            "env.yaml:2: environment variable SLUICE_TEST_UNSET is not set (use ${SLUICE_TEST_UNSET:-default} to "
            "give a default)");
}

TEST(ConfigNode, SecretsFromFiles) {
  const auto path = std::filesystem::temp_directory_path() / "sluice-secret-test";
  std::ofstream(path) << "s3cret\n";
  auto root = load_config_text("token_file: " + path.string() + "\nboth: x\nboth_file: y\n", "s.yaml");
  EXPECT_EQ(root.secret("token"), "s3cret");
  EXPECT_FALSE(root.secret("absent"));
  EXPECT_NE(error_of([&] { root.secret("both"); }).find("either both or both_file"), std::string::npos);
  std::filesystem::remove(path);
}

TEST(ConfigNode, YamlSyntaxErrorsNameTheLine) {
  EXPECT_NE(error_of([] { load_config_text("a: [1, 2\nb: 3\n", "bad.yaml"); }).find("bad.yaml:"), std::string::npos);
  EXPECT_NE(error_of([] { load_config_file("/nonexistent/sluice.yaml"); }).find("cannot read config file"),
            std::string::npos);
}

}  // namespace
}  // namespace sluice
