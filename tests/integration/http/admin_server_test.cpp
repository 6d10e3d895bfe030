// The admin listener over real sockets.

#include "admin/admin_server.hpp"
#include "raw_client.hpp"

#include <sluice/core/telemetry.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace sluice::test {
namespace {

using namespace std::chrono_literals;

class AdminHarness {
 public:
  explicit AdminHarness(AdminConfig config) : work_(boost::asio::make_work_guard(io_)) {
    config.listen_host = "127.0.0.1";
    config.listen_port = 0;
    telemetry.component("source", "http").events_in.Increment(5);
    server = std::make_unique<AdminServer>(io_, std::move(config), telemetry, [this](std::string& detail) {
      if (!ready.load()) detail = "sink 'kafka' is not connected";
      return ready.load();
    });
    server->start();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~AdminHarness() {
    server->stop();
    work_.reset();
    io_.stop();
    thread_.join();
    server.reset();
  }

  std::optional<Reply> get(std::string_view target, std::vector<std::pair<std::string, std::string>> headers = {}) {
    return round_trip(server->local_port(), request_text("GET", target, "", headers));
  }

  // Declared first so it is destroyed last: the server's objects belong to it.
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  Telemetry telemetry;
  std::atomic<bool> ready{true};
  std::unique_ptr<AdminServer> server;
  std::thread thread_;
};

TEST(AdminServer, MetricsInPrometheusText) {
  AdminHarness harness({});
  ASSERT_NE(harness.server->local_port(), 0);
  const auto reply = harness.get("/metrics");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200u);
  EXPECT_EQ(reply->header("content-type"), "text/plain; version=0.0.4");
  EXPECT_NE(reply->body.find("sluice_events_received_total"), std::string::npos);
  EXPECT_NE(reply->body.find("component=\"http\""), std::string::npos);
}

TEST(AdminServer, StatsHealthzAndUnknownPaths) {
  AdminHarness harness({});
  const auto stats = harness.get("/stats");
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->status, 200u);
  EXPECT_EQ(stats->header("content-type"), "application/json");
  EXPECT_EQ(stats->body, harness.telemetry.render_stats_json());

  const auto health = harness.get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200u);
  EXPECT_EQ(health->body, R"({"status":"ok"})");

  const auto missing = harness.get("/nope");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404u);

  const auto post = round_trip(harness.server->local_port(), request_text("POST", "/metrics", "x", {}));
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405u);
  EXPECT_EQ(post->header("allow"), "GET, HEAD");
}

TEST(AdminServer, ReadyzFollowsTheCallback) {
  AdminHarness harness({});
  const auto ready = harness.get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200u);

  harness.ready = false;
  const auto not_ready = harness.get("/readyz");
  ASSERT_TRUE(not_ready);
  EXPECT_EQ(not_ready->status, 503u);
  EXPECT_NE(not_ready->body.find("sink 'kafka' is not connected"), std::string::npos);

  harness.ready = true;
  const auto again = harness.get("/readyz");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200u);
}

TEST(AdminServer, KeepAliveAcrossScrapes) {
  AdminHarness harness({});
  RawClient client(harness.server->local_port());
  for (int i = 0; i < 3; ++i) {
    client.send(request_text("GET", "/metrics", "", {}));
    const auto reply = client.read_reply();
    ASSERT_TRUE(reply) << "scrape " << i;
    EXPECT_EQ(reply->status, 200u);
    EXPECT_TRUE(reply->keep_alive);
  }
}

TEST(AdminServer, BasicAuth) {
  AdminConfig config;
  config.username = "ops";
  config.password = "pa:ss";
  AdminHarness harness(std::move(config));

  const auto anonymous = harness.get("/metrics");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401u);
  EXPECT_EQ(anonymous->header("www-authenticate"), R"(Basic realm="sluice-admin")");
  EXPECT_EQ(anonymous->body.find("sluice_events_received_total"), std::string::npos);

  // base64("ops:wrong") and base64("ops:pa:ss")
  const auto wrong = harness.get("/metrics", {{"Authorization", "Basic b3BzOndyb25n"}});
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401u);

  const auto right = harness.get("/metrics", {{"Authorization", "Basic b3BzOnBhOnNz"}});
  ASSERT_TRUE(right);
  EXPECT_EQ(right->status, 200u);
  EXPECT_NE(right->body.find("sluice_events_received_total"), std::string::npos);

  const auto readyz = harness.get("/readyz");
  ASSERT_TRUE(readyz);
  EXPECT_EQ(readyz->status, 401u);

  // Liveness stays open for probes.
  const auto health = harness.get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200u);
}

TEST(AdminServer, StopClosesTheListener) {
  AdminHarness harness({});
  const std::uint16_t port = harness.server->local_port();
  ASSERT_TRUE(harness.get("/healthz"));
  harness.server->stop();
  EXPECT_TRUE(eventually([&] { return !RawClient(port).connected(); }));
}

}  // namespace
}  // namespace sluice::test
