#include "admin/admin_routes.hpp"

#include "net/http_auth.hpp"

#include <gtest/gtest.h>

namespace sluice {
namespace {

class AdminRoutesTest : public ::testing::Test {
 protected:
  AdminRoutes routes(std::optional<std::string> credentials = std::nullopt,
                     std::optional<std::string> bearer_token = std::nullopt) {
    return AdminRoutes(telemetry_, [this](std::string& detail) {
      if (!ready_) detail = "source 'http' is not listening";
      return ready_;
    }, std::move(credentials), std::move(bearer_token));
  }
  Telemetry telemetry_;
  bool ready_ = true;
};

TEST_F(AdminRoutesTest, Metrics) {
  telemetry_.component("source", "http").events_in.Increment(2);
  const AdminResponse response = routes().handle({"GET", "/metrics", ""});
  EXPECT_EQ(response.status, 200u);
  EXPECT_EQ(response.content_type, "text/plain; version=0.0.4");
  EXPECT_NE(response.body.find("sluice_events_received_total"), std::string::npos);
}

TEST_F(AdminRoutesTest, StatsHealthzReadyz) {
  const AdminRoutes admin = routes();
  EXPECT_EQ(admin.handle({"GET", "/stats", ""}).body, telemetry_.render_stats_json());
  EXPECT_EQ(admin.handle({"GET", "/healthz", ""}).body, R"({"status":"ok"})");
  EXPECT_EQ(admin.handle({"HEAD", "/readyz?verbose=1", ""}).status, 200u);
  ready_ = false;
  const AdminResponse not_ready = admin.handle({"GET", "/readyz", ""});
  EXPECT_EQ(not_ready.status, 503u);
  EXPECT_EQ(not_ready.body, R"({"status":"not_ready","detail":"source 'http' is not listening"})");
}

TEST_F(AdminRoutesTest, UnknownPathAndMethod) {
  EXPECT_EQ(routes().handle({"GET", "/", ""}).status, 404u);
  const AdminResponse post = routes().handle({"POST", "/metrics", ""});
  EXPECT_EQ(post.status, 405u);
  EXPECT_TRUE(post.allow_get);
}

TEST_F(AdminRoutesTest, BasicAuthGuardsAllButHealthz) {
  const AdminRoutes admin = routes(basic_credentials("ops", "pw"));
  const AdminResponse anonymous = admin.handle({"GET", "/metrics", ""});
  EXPECT_EQ(anonymous.status, 401u);
  EXPECT_EQ(anonymous.www_authenticate, R"(Basic realm="sluice-admin")");
  EXPECT_EQ(admin.handle({"GET", "/stats", "Basic b3BzOnd4"}).status, 401u);
  EXPECT_EQ(admin.handle({"GET", "/readyz", ""}).status, 401u);
  const std::string header = "Basic " + basic_credentials("ops", "pw");
  EXPECT_EQ(admin.handle({"GET", "/metrics", header}).status, 200u);
  EXPECT_EQ(admin.handle({"GET", "/healthz", ""}).status, 200u);
}

TEST_F(AdminRoutesTest, BearerTokenAloneOrBesideBasicAuth) {
  const AdminRoutes bearer_only = routes(std::nullopt, "t0ken");
  const AdminResponse anonymous = bearer_only.handle({"GET", "/metrics", ""});
  EXPECT_EQ(anonymous.status, 401u);
  EXPECT_EQ(anonymous.www_authenticate, R"(Bearer realm="sluice-admin")");
  EXPECT_EQ(bearer_only.handle({"GET", "/stats", "Bearer t0ken"}).status, 200u);
  EXPECT_EQ(bearer_only.handle({"GET", "/stats", "Bearer t0ke"}).status, 401u);
  EXPECT_EQ(bearer_only.handle({"GET", "/stats", "Basic " + basic_credentials("ops", "pw")}).status, 401u);

  const AdminRoutes both = routes(basic_credentials("ops", "pw"), "t0ken");
  EXPECT_EQ(both.handle({"GET", "/stats", "Bearer t0ken"}).status, 200u);
  EXPECT_EQ(both.handle({"GET", "/stats", "Basic " + basic_credentials("ops", "pw")}).status, 200u);
  EXPECT_EQ(both.handle({"GET", "/stats", "Bearer nope"}).status, 401u);
}

}  // namespace
}  // namespace sluice
