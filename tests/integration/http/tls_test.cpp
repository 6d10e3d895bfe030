// The HTTP source and the admin listener over TLS with real certificates (made by `openssl` at
// test time), client certificates (mutual TLS), Basic auth and secrets from files, and the
// per-source limits: requests per second, requests per connection, events per request. The
// Kafka cases run the real decode/route stage into the embedded librdkafka mock cluster.

#include "admin/admin_server.hpp"
#include "app/component_list.hpp"
#include "app/pipeline_config.hpp"
#include "app/route_assembly.hpp"
#include "config/config_node.hpp"
#include "kafka/kafka_test_consumer.hpp"
#include "net/http_auth.hpp"
#include "raw_client.hpp"
#include "sinks/kafka/kafka_sink.hpp"
#include "sources/http/http_source.hpp"
#include "support/test_certificates.hpp"
#include "test_pipeline.hpp"
#include "tls_client.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

namespace sluice::test {
namespace {

using namespace std::chrono_literals;
using testing::TestCertificates;

constexpr std::string_view kEvent =
    R"({"specversion":"1.0","id":"tls-1","source":"/test","type":"test.event","data":{"n":1}})";

// One temp dir and one set of certificates for the whole binary.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "sluice-tls-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
};

TempDir& temp_dir() {
  static TempDir dir;
  return dir;
}

const TestCertificates& certificates() {
  static const TestCertificates made = TestCertificates::make(temp_dir().path() + "/certs");
  return made;
}

std::string write_secret(const std::string& name, const std::string& contents) {
  const std::string path = temp_dir().path() + "/" + name;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << contents;
  return path;
}

std::string tls_yaml(bool mutual) {
  const TestCertificates& certs = certificates();
  std::string yaml = fmt::format("tls:\n  cert_file: {}\n  key_file: {}\n", certs.server_cert(), certs.server_key());
  if (mutual) yaml += fmt::format("  client_ca_file: {}\n", certs.ca_file());
  return yaml;
}

TlsClientOptions trusting_client() { return {certificates().ca_file(), "", ""}; }
TlsClientOptions client_with_certificate() {
  return {certificates().ca_file(), certificates().client_cert(), certificates().client_key()};
}
TlsClientOptions client_from_other_ca() {
  return {certificates().ca_file(), certificates().other_client_cert(), certificates().other_client_key()};
}

std::string post_event(const std::vector<std::pair<std::string, std::string>>& extra = {}) {
  return post_text("application/cloudevents+json", kEvent, extra);
}

// --- HTTPS -------------------------------------------------------------------------------------

TEST(HttpsSource, PostIsAnsweredAfterDeliveryOverTls) {
  Harness harness({tls_yaml(false)});
  const auto reply = tls_round_trip(harness.port(), trusting_client(), post_event());
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200u);
  EXPECT_EQ(reply->body, R"({"accepted":1,"filtered":0})");
  EXPECT_EQ(harness.sink.delivered(), 1u);
  EXPECT_EQ(harness.observed->body, kEvent);
}

TEST(HttpsSource, KeepAliveServesSeveralRequestsOnOneTlsConnection) {
  Harness harness({tls_yaml(false)});
  TlsClient client(harness.port(), trusting_client());
  ASSERT_FALSE(client.handshake());
  for (int i = 0; i < 3; ++i) {
    client.send(post_event());
    const auto reply = client.read_reply();
    ASSERT_TRUE(reply) << "request " << i;
    EXPECT_EQ(reply->status, 200u);
    EXPECT_TRUE(reply->keep_alive);
  }
  // Two requests in one write: the second waits decrypted inside the TLS layer while the first
  // is processed, and must still be served.
  client.send(post_event() + post_event());
  for (int i = 0; i < 2; ++i) {
    const auto reply = client.read_reply();
    ASSERT_TRUE(reply) << "pipelined request " << i;
    EXPECT_EQ(reply->status, 200u);
  }
  EXPECT_EQ(harness.sink.delivered(), 5u);
}

TEST(HttpsSource, PlainHttpOnTheTlsPortIsToldSoAndTheServerStaysHealthy) {
  Harness harness({tls_yaml(false)});
  RawClient plain(harness.port());
  plain.send(post_event());
  const auto refused = plain.read_reply();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400u);
  EXPECT_NE(refused->body.find("TLS"), std::string::npos);
  EXPECT_TRUE(plain.wait_closed(5s));
  EXPECT_EQ(harness.sink.delivered(), 0u);
  EXPECT_TRUE(eventually([&] { return harness.error_count("tls_handshake_failed") == 1; }));

  // Garbage that is not even HTTP: closed without an answer.
  RawClient garbage(harness.port());
  garbage.send(std::string(64, '\x01'));
  EXPECT_TRUE(garbage.wait_closed(5s));

  const auto reply = tls_round_trip(harness.port(), trusting_client(), post_event());
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200u);
}

TEST(HttpsSource, ClientThatNeverHandshakesIsClosedAfterHeaderTimeout) {
  Harness harness({tls_yaml(false) + "header_timeout: 200ms\n"});
  RawClient silent(harness.port());
  ASSERT_TRUE(silent.connected());
  EXPECT_TRUE(silent.wait_closed(5s));
  EXPECT_TRUE(eventually([&] { return harness.error_count("header_timeout") == 1; }));
}

TEST(HttpsSource, MutualTlsRefusesMissingOrForeignClientCertificates) {
  Harness harness({tls_yaml(true)});
  // TLS 1.3 reports a refused client certificate after the client's side of the handshake, on
  // its first read: either way no answer arrives.
  EXPECT_FALSE(tls_round_trip(harness.port(), trusting_client(), post_event()));
  EXPECT_FALSE(tls_round_trip(harness.port(), client_from_other_ca(), post_event()));
  EXPECT_TRUE(eventually([&] { return harness.error_count("tls_handshake_failed") == 2; }));
  EXPECT_EQ(harness.sink.delivered(), 0u);

  const auto reply = tls_round_trip(harness.port(), client_with_certificate(), post_event());
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200u);
  EXPECT_EQ(harness.sink.delivered(), 1u);
}

TEST(HttpsSource, MinimumVersionIsEnforced) {
  Harness harness({tls_yaml(false) + "  min_version: \"1.3\"\n"});
  TlsClientOptions options = trusting_client();
  TlsClient tls12(harness.port(), options, TlsClient::Version::v1_2_only);
  EXPECT_TRUE(tls12.handshake());
  TlsClient tls13(harness.port(), options);
  EXPECT_FALSE(tls13.handshake());
}

TEST(HttpsSource, StartNamesTheKeyOfACertificateThatCannotBeUsed) {
  Telemetry telemetry;
  PipelineOptions options;
  options.workers = 1;
  Pipeline pipeline(options, telemetry, [] { return std::unique_ptr<BatchProcessor>(); });
  boost::asio::io_context io;
  const TestCertificates& certs = certificates();
  // The client's key does not belong to the server's certificate.
  const std::string yaml = fmt::format("type: http\nlisten: \"127.0.0.1:0\"\ntls:\n  cert_file: {}\n  key_file: {}\n",
                                       certs.server_cert(), certs.client_key());
  SourceContext context{"web", pipeline, telemetry, io};
  HttpSource source(parse_http_source_config(load_config_text(yaml, "test.yaml")), context);
  try {
    source.start();
    FAIL() << "start() accepted a key that does not match the certificate";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("sources.web.tls.key_file"), std::string::npos) << error.what();
  }
  EXPECT_FALSE(source.ready());
}

// --- Authentication ------------------------------------------------------------------------------

TEST(HttpAuth, BasicAuthAnswers401Then403Then200) {
  Harness harness({"auth:\n  basic:\n    username: ingest\n    password: \"s3cr3t pass\"\n"});
  const auto missing = round_trip(harness.port(), post_event());
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 401u);
  EXPECT_EQ(missing->header("www-authenticate"), R"(Basic realm="sluice")");

  const auto wrong =
      round_trip(harness.port(), post_event({{"Authorization", "Basic " + basic_credentials("ingest", "guess")}}));
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 403u);
  EXPECT_EQ(wrong->body.find("guess"), std::string::npos);

  const auto right = round_trip(harness.port(),
                                post_event({{"Authorization", "Basic " + basic_credentials("ingest", "s3cr3t pass")}}));
  ASSERT_TRUE(right);
  EXPECT_EQ(right->status, 200u);
  EXPECT_EQ(harness.sink.delivered(), 1u);
  EXPECT_EQ(harness.error_count("unauthorized"), 1);
  EXPECT_EQ(harness.error_count("forbidden"), 1);
}

TEST(HttpAuth, SecretsFromFilesWithTheirTrailingNewlineStripped) {
  const std::string token_file = write_secret("token", "file-token\n");
  const std::string password_file = write_secret("password", "file-password\n");
  Harness harness({fmt::format("auth:\n  bearer_token_file: {}\n  basic:\n    username: ops\n    password_file: {}\n",
                               token_file, password_file)});
  const auto bearer = round_trip(harness.port(), post_event({{"Authorization", "Bearer file-token"}}));
  ASSERT_TRUE(bearer);
  EXPECT_EQ(bearer->status, 200u);
  const auto basic = round_trip(harness.port(),
                                post_event({{"Authorization", "Basic " + basic_credentials("ops", "file-password")}}));
  ASSERT_TRUE(basic);
  EXPECT_EQ(basic->status, 200u);
  const auto with_newline = round_trip(harness.port(), post_event({{"Authorization", "Bearer file-token\\n"}}));
  ASSERT_TRUE(with_newline);
  EXPECT_EQ(with_newline->status, 403u);
}

TEST(HttpAuth, BearerTokenOverTls) {
  Harness harness({tls_yaml(false) + "auth:\n  bearer_token: tls-token\n"});
  const auto missing = tls_round_trip(harness.port(), trusting_client(), post_event());
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 401u);
  const auto right =
      tls_round_trip(harness.port(), trusting_client(), post_event({{"Authorization", "Bearer tls-token"}}));
  ASSERT_TRUE(right);
  EXPECT_EQ(right->status, 200u);
}

// --- Limits --------------------------------------------------------------------------------------

TEST(HttpLimits, RequestRateOverTheLimitIs429ThenRecovers) {
  // One request per 2 s, bursts of one: the second request right after the first is refused.
  Harness harness({"max_requests_per_second: 0.5\n"});
  const auto first = round_trip(harness.port(), post_event());
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200u);
  const auto second = round_trip(harness.port(), post_event());
  ASSERT_TRUE(second);
  ASSERT_EQ(second->status, 429u);
  EXPECT_NE(second->body.find("max_requests_per_second"), std::string::npos);
  const int retry_after = std::atoi(second->header("retry-after").c_str());
  EXPECT_GE(retry_after, 1);
  EXPECT_LE(retry_after, 2);
  EXPECT_EQ(harness.error_count("rate_limited"), 1);
  EXPECT_EQ(harness.sink.delivered(), 1u);

  // Refusals take no token: once the interval has passed the source accepts again.
  EXPECT_TRUE(eventually(
      [&] {
        const auto reply = round_trip(harness.port(), post_event());
        return reply && reply->status == 200u;
      },
      10s));
  EXPECT_EQ(harness.sink.delivered(), 2u);
}

TEST(HttpLimits, MaxRequestsPerConnectionClosesAfterTheLastAnswer) {
  Harness harness({"max_requests_per_connection: 2\n"});
  RawClient client(harness.port());
  client.send(post_event());
  const auto first = client.read_reply();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200u);
  EXPECT_TRUE(first->keep_alive);
  client.send(post_event());
  const auto second = client.read_reply();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 200u);
  EXPECT_FALSE(second->keep_alive);
  EXPECT_EQ(second->header("connection"), "close");
  EXPECT_TRUE(client.wait_closed(5s));
  EXPECT_EQ(harness.sink.delivered(), 2u);

  // A new connection starts counting again.
  const auto fresh = round_trip(harness.port(), post_event());
  ASSERT_TRUE(fresh);
  EXPECT_TRUE(fresh->keep_alive);
}

// --- Admin listener ------------------------------------------------------------------------------

class AdminTlsHarness {
 public:
  explicit AdminTlsHarness(AdminConfig config) : work_(boost::asio::make_work_guard(io_)) {
    config.listen_host = "127.0.0.1";
    config.listen_port = 0;
    server = std::make_unique<AdminServer>(io_, std::move(config), telemetry, [](std::string&) { return true; });
    server->start();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~AdminTlsHarness() {
    server->stop();
    work_.reset();
    io_.stop();
    thread_.join();
    server.reset();
  }
  std::uint16_t port() const { return server->local_port(); }

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  Telemetry telemetry;
  std::unique_ptr<AdminServer> server;
  std::thread thread_;
};

AdminConfig admin_tls_config(bool mutual) {
  AdminConfig config;
  config.tls = ListenerTlsConfig{certificates().server_cert(), certificates().server_key(),
                                 mutual ? certificates().ca_file() : "", TlsVersion::v1_2};
  return config;
}

TEST(AdminTls, MetricsOverTlsWithBearerToken) {
  AdminConfig config = admin_tls_config(false);
  config.bearer_token = "admin-token";
  AdminTlsHarness harness(std::move(config));
  const auto anonymous = tls_round_trip(harness.port(), trusting_client(), request_text("GET", "/metrics", "", {}));
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401u);
  EXPECT_EQ(anonymous->header("www-authenticate"), R"(Bearer realm="sluice-admin")");
  const auto metrics = tls_round_trip(harness.port(), trusting_client(),
                                      request_text("GET", "/metrics", "", {{"Authorization", "Bearer admin-token"}}));
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200u);
  EXPECT_EQ(metrics->header("content-type"), "text/plain; version=0.0.4");

  // Plain HTTP on the TLS admin port gets no answer; the listener still serves TLS afterwards.
  EXPECT_FALSE(round_trip(harness.port(), request_text("GET", "/healthz", "", {}), 2s));
  const auto health = tls_round_trip(harness.port(), trusting_client(), request_text("GET", "/healthz", "", {}));
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200u);
}

TEST(AdminTls, MutualTlsNeedsAClientCertificateFromTheConfiguredCa) {
  AdminTlsHarness harness(admin_tls_config(true));
  const std::string request = request_text("GET", "/healthz", "", {});
  EXPECT_FALSE(tls_round_trip(harness.port(), trusting_client(), request));
  EXPECT_FALSE(tls_round_trip(harness.port(), client_from_other_ca(), request));
  const auto reply = tls_round_trip(harness.port(), client_with_certificate(), request);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200u);
  // Both refused handshakes are counted (the server may finish its side after the client's).
  EXPECT_TRUE(eventually([&] {
    return harness.telemetry.render_prometheus().find("sluice_admin_tls_handshake_failures_total 2") != std::string::npos;
  })) << harness.telemetry.render_prometheus();
}

// --- Through the real stage into Kafka (librdkafka mock cluster) --------------------------------

class KafkaHarness {
 public:
  explicit KafkaHarness(const std::string& source_yaml) : work_(boost::asio::make_work_guard(io_)) {
    const std::string yaml = fmt::format(R"(
pipeline: {{ workers: 1 }}
sinks:
  kafka: {{ type: kafka, brokers: embedded, topic: tls.events }}
sources:
  web:
    type: http
    listen: "127.0.0.1:0"
{}
)",
                                         indent(source_yaml));
    const ConfigNode root = load_config_text(yaml, "kafka-tls.yaml");
    const ProcessConfig process = parse_process_config(root);
    sink_context_ = std::make_unique<SinkContext>(SinkContext{"kafka", telemetry_, process.pipeline.budget_bytes});
    sinks_.push_back(make_sink(*root.child("sinks")->child("kafka"), *sink_context_));
    sinks_.front()->start();
    pipeline_ = std::make_unique<Pipeline>(process.pipeline, telemetry_,
                                           make_processor_factory(build_router(root, sinks_, telemetry_), process));
    pipeline_->start();
    source_context_ = std::make_unique<SourceContext>(SourceContext{"web", *pipeline_, telemetry_, io_});
    source_ = std::make_unique<HttpSource>(parse_http_source_config(*root.child("sources")->child("web")),
                                           *source_context_);
    source_->start();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~KafkaHarness() {
    source_->stop_accepting();
    pipeline_->drain(std::chrono::steady_clock::now() + 5s);
    for (auto& sink : sinks_) sink->stop(std::chrono::steady_clock::now() + 5s);
    source_->stop();
    pipeline_->stop();
    work_.reset();
    io_.stop();
    thread_.join();
  }

  std::uint16_t port() const { return source_->local_port(); }
  std::string bootstrap() const { return static_cast<const kafka::KafkaSink&>(*sinks_.front()).bootstrap_servers(); }

 private:
  static std::string indent(const std::string& yaml) {
    std::string out;
    std::size_t start = 0;
    while (start < yaml.size()) {
      const std::size_t end = yaml.find('\n', start);
      out += "    " + yaml.substr(start, end == std::string::npos ? std::string::npos : end - start + 1);
      if (end == std::string::npos) break;
      start = end + 1;
    }
    return out;
  }

  Telemetry telemetry_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::unique_ptr<SinkContext> sink_context_;
  std::vector<std::unique_ptr<Sink>> sinks_;
  std::unique_ptr<Pipeline> pipeline_;
  std::unique_ptr<SourceContext> source_context_;
  std::unique_ptr<HttpSource> source_;
  std::thread thread_;
};

TEST(HttpsToKafka, EventPostedOverMutualTlsIsInTheTopic) {
  KafkaHarness harness(tls_yaml(true));
  const auto reply = tls_round_trip(harness.port(), client_with_certificate(), post_event());
  ASSERT_TRUE(reply);
  ASSERT_EQ(reply->status, 200u) << reply->body;
  EXPECT_EQ(reply->body, R"({"accepted":1,"filtered":0})");

  testing::TestConsumer consumer(harness.bootstrap());
  const auto messages = consumer.consume("tls.events", 1, 20s);
  ASSERT_EQ(messages.size(), 1u);
  ASSERT_TRUE(messages.front().value);
  EXPECT_NE(messages.front().value->find(R"("id":"tls-1")"), std::string::npos) << *messages.front().value;
}

TEST(HttpsToKafka, MaxEventsPerRequestRefusesLargerBatchesWith400) {
  KafkaHarness harness(tls_yaml(false) + "max_events_per_request: 2\n");
  const auto event = [](int n) {
    return fmt::format(R"({{"specversion":"1.0","id":"b-{}","source":"/t","type":"t"}})", n);
  };
  const auto three = tls_round_trip(
      harness.port(), trusting_client(),
      post_text("application/cloudevents-batch+json", "[" + event(1) + "," + event(2) + "," + event(3) + "]"));
  ASSERT_TRUE(three);
  EXPECT_EQ(three->status, 400u);
  EXPECT_NE(three->body.find("more than 2 events"), std::string::npos) << three->body;

  const auto two = tls_round_trip(harness.port(), trusting_client(),
                                  post_text("application/cloudevents-batch+json", "[" + event(4) + "," + event(5) + "]"));
  ASSERT_TRUE(two);
  EXPECT_EQ(two->status, 200u) << two->body;
  testing::TestConsumer consumer(harness.bootstrap());
  const auto messages = consumer.consume("tls.events", 2, 20s);
  EXPECT_EQ(messages.size(), 2u);
  EXPECT_EQ(consumer.message_count("tls.events"), 2);  // nothing of the refused batch
}

}  // namespace
}  // namespace sluice::test
