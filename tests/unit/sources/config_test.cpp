#include "sources/http/config.hpp"

#include "config/config_node.hpp"
#include "net/http_auth.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace sluice {
namespace {

HttpSourceConfig parse(const std::string& yaml) {
  return parse_http_source_config(load_config_text(yaml, "test.yaml"));
}

std::string error_of(const std::string& yaml) {
  try {
    parse(yaml);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "no error";
}

TEST(HttpSourceConfig, Defaults) {
  const HttpSourceConfig config = parse("type: http\n");
  EXPECT_EQ(config.listen_host, "0.0.0.0");
  EXPECT_EQ(config.listen_port, 8080);
  EXPECT_EQ(config.path, "/");
  EXPECT_EQ(config.max_body_bytes, 4u << 20);
  EXPECT_EQ(config.max_header_bytes, 16u << 10);
  EXPECT_EQ(config.max_connections, 10000u);
  EXPECT_EQ(config.header_timeout, std::chrono::seconds(10));
  EXPECT_EQ(config.body_timeout, std::chrono::seconds(30));
  EXPECT_EQ(config.idle_timeout, std::chrono::seconds(60));
  EXPECT_EQ(config.overload, OverloadPolicy::reject);
  EXPECT_EQ(config.admission_timeout, std::chrono::seconds(5));
  EXPECT_TRUE(config.ack_delivered);
  EXPECT_FALSE(config.wrap_plain_json);
  EXPECT_EQ(config.wrap_source, "sluice/http");
  EXPECT_EQ(config.wrap_type, "sluice.json");
  EXPECT_FALSE(config.bearer_token);
  EXPECT_EQ(config.retry_after_seconds, 1u);
}

TEST(HttpSourceConfig, EveryKey) {
  const HttpSourceConfig config = parse(R"(
type: http
listen: "127.0.0.1:0"
path: /events
max_body_bytes: 1MiB
max_header_bytes: 8KiB
max_connections: 50
header_timeout: 2s
body_timeout: 300ms
idle_timeout: 1m
overload: wait
admission_timeout: 750ms
ack_mode: accepted
wrap_plain_json: true
wrap_source: /legacy
wrap_type: legacy.event
retry_after: 5
auth: { bearer_token: tok }
)");
  EXPECT_EQ(config.listen_host, "127.0.0.1");
  EXPECT_EQ(config.listen_port, 0);
  EXPECT_EQ(config.path, "/events");
  EXPECT_EQ(config.max_body_bytes, 1u << 20);
  EXPECT_EQ(config.max_header_bytes, 8u << 10);
  EXPECT_EQ(config.max_connections, 50u);
  EXPECT_EQ(config.header_timeout, std::chrono::seconds(2));
  EXPECT_EQ(config.body_timeout, std::chrono::milliseconds(300));
  EXPECT_EQ(config.idle_timeout, std::chrono::minutes(1));
  EXPECT_EQ(config.overload, OverloadPolicy::wait);
  EXPECT_EQ(config.admission_timeout, std::chrono::milliseconds(750));
  EXPECT_FALSE(config.ack_delivered);
  EXPECT_TRUE(config.wrap_plain_json);
  EXPECT_EQ(config.wrap_source, "/legacy");
  EXPECT_EQ(config.wrap_type, "legacy.event");
  EXPECT_EQ(config.retry_after_seconds, 5u);
  EXPECT_EQ(config.bearer_token, "tok");
}

TEST(HttpSourceConfig, BearerTokenFromFile) {
  const std::string file = ::testing::TempDir() + "sluice_http_token";
  {
    std::ofstream out(file);
    out << "from-file\n";
  }
  const HttpSourceConfig config = parse("auth:\n  bearer_token_file: " + file + "\n");
  EXPECT_EQ(config.bearer_token, "from-file");
  std::remove(file.c_str());
}

TEST(HttpSourceConfig, ErrorsNameTheKey) {
  EXPECT_NE(error_of("lisen: ':80'\n").find("lisen"), std::string::npos);
  EXPECT_NE(error_of("overload: drop\n").find("overload"), std::string::npos);
  EXPECT_NE(error_of("ack_mode: later\n").find("ack_mode"), std::string::npos);
  EXPECT_NE(error_of("path: events\n").find("path"), std::string::npos);
  EXPECT_NE(error_of("max_body_bytes: 0\n").find("max_body_bytes"), std::string::npos);
  EXPECT_NE(error_of("max_header_bytes: 10\n").find("max_header_bytes"), std::string::npos);
  EXPECT_NE(error_of("max_connections: 0\n").find("max_connections"), std::string::npos);
  EXPECT_NE(error_of("body_timeout: 0\n").find("body_timeout"), std::string::npos);
  EXPECT_NE(error_of("retry_after: -1\n").find("retry_after"), std::string::npos);
  EXPECT_NE(error_of("listen: nonsense\n").find("listen"), std::string::npos);
  EXPECT_NE(error_of("auth: {}\n").find("bearer_token"), std::string::npos);
  EXPECT_NE(error_of("auth: { bearer_token: x, user: y }\n").find("user"), std::string::npos);
  EXPECT_NE(error_of("auth: { bearer_token: x, bearer_token_file: /y }\n").find("bearer_token"), std::string::npos);
  // The file and line are named too.
  EXPECT_NE(error_of("type: http\noverload: drop\n").find("test.yaml:2"), std::string::npos);
}

TEST(HttpSourceConfig, TokenIsNotEchoedInErrors) {
  const std::string message = error_of("auth: { bearer_token: supersecret, extra: 1 }\n");
  EXPECT_NE(message.find("extra"), std::string::npos);
  EXPECT_EQ(message.find("supersecret"), std::string::npos);
}

TEST(HttpSourceConfig, TlsBasicAuthAndLimits) {
  const std::string dir = ::testing::TempDir();
  const std::string cert = dir + "sluice_http_cert.pem";
  const std::string key = dir + "sluice_http_key.pem";
  const std::string password = dir + "sluice_http_password";
  std::ofstream(cert) << "not parsed until start\n";
  std::ofstream(key) << "not parsed until start\n";
  std::ofstream(password) << "pw-from-file\n";
  const HttpSourceConfig config = parse("tls:\n  cert_file: " + cert + "\n  key_file: " + key +
                                        "\n  client_ca_file: " + cert + "\n  min_version: \"1.3\"\n"
                                        "auth:\n  basic:\n    username: ops\n    password_file: " + password +
                                        "\nmax_requests_per_second: 250.5\nmax_events_per_request: 100\n"
                                        "max_requests_per_connection: 1000\n");
  ASSERT_TRUE(config.tls);
  EXPECT_EQ(config.tls->cert_file, cert);
  EXPECT_EQ(config.tls->key_file, key);
  EXPECT_TRUE(config.tls->mutual());
  EXPECT_EQ(config.tls->min_version, TlsVersion::v1_3);
  EXPECT_EQ(config.basic_credentials, basic_credentials("ops", "pw-from-file"));
  EXPECT_FALSE(config.bearer_token);
  EXPECT_DOUBLE_EQ(config.max_requests_per_second, 250.5);
  EXPECT_EQ(config.max_events_per_request, 100u);
  EXPECT_EQ(config.max_requests_per_connection, 1000u);

  const HttpSourceConfig defaults = parse("type: http\n");
  EXPECT_FALSE(defaults.tls);
  EXPECT_FALSE(defaults.basic_credentials);
  EXPECT_EQ(defaults.max_requests_per_second, 0);
  EXPECT_EQ(defaults.max_events_per_request, 0u);
  EXPECT_EQ(defaults.max_requests_per_connection, 0u);

  // Errors name file:line and the full key.
  const std::string missing_key = error_of("type: http\ntls:\n  cert_file: " + cert + "\n");
  EXPECT_NE(missing_key.find("test.yaml:3"), std::string::npos) << missing_key;
  EXPECT_NE(missing_key.find("tls.key_file"), std::string::npos) << missing_key;
  const std::string unreadable = error_of("tls:\n  cert_file: /nonexistent/cert.pem\n  key_file: " + key + "\n");
  EXPECT_NE(unreadable.find("tls.cert_file"), std::string::npos) << unreadable;
  EXPECT_NE(unreadable.find("/nonexistent/cert.pem"), std::string::npos) << unreadable;
  EXPECT_NE(error_of("tls: { cert_file: " + cert + ", key_file: " + key + ", min_version: '1.1' }\n")
                .find("tls.min_version"),
            std::string::npos);
  EXPECT_NE(error_of("tls: { cert_file: " + cert + ", key_file: " + key + ", ciphers: x }\n").find("ciphers"),
            std::string::npos);
  EXPECT_NE(error_of("auth: { basic: { password: x } }\n").find("auth.basic.username"), std::string::npos);
  EXPECT_NE(error_of("auth: { basic: { username: 'a:b', password: x } }\n").find("auth.basic.username"),
            std::string::npos);
  EXPECT_NE(error_of("auth: { basic: { username: ops } }\n").find("auth.basic.password"), std::string::npos);
  const std::string missing_file = error_of("auth: { basic: { username: ops, password_file: /nonexistent/pw } }\n");
  EXPECT_NE(missing_file.find("auth.basic.password_file"), std::string::npos) << missing_file;
  EXPECT_NE(error_of("max_requests_per_second: -1\n").find("max_requests_per_second"), std::string::npos);
  EXPECT_NE(error_of("max_events_per_request: lots\n").find("max_events_per_request"), std::string::npos);
  EXPECT_NE(error_of("max_requests_per_connection: -5\n").find("max_requests_per_connection"), std::string::npos);
  std::remove(cert.c_str());
  std::remove(key.c_str());
  std::remove(password.c_str());
}

TEST(HttpSourceConfig, BasicPasswordIsNotEchoedInErrors) {
  const std::string message = error_of("auth: { basic: { username: ops, password: hunter2, pasword: x } }\n");
  EXPECT_NE(message.find("pasword"), std::string::npos);
  EXPECT_EQ(message.find("hunter2"), std::string::npos);
}

}  // namespace
}  // namespace sluice
