// The NATS source's TLS, mutual TLS and authentication against real nats-servers configured for
// them (tests/support/nats_fixture), with certificates made by openssl at test time. Each test
// starts its own server because the security settings are the server's. `credentials_file` runs
// against an operator-mode server whose JWTs nats_credentials.cpp makes (Debian ships no nsc).

#include "nats_credentials.hpp"
#include "pipeline_harness.hpp"
#include "support/nats_fixture.hpp"
#include "support/test_certificates.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <optional>

namespace sluice {
namespace {

using namespace std::chrono_literals;
using testing::eventually;
using testing::make_nats_operator_setup;
using testing::NatsClient;
using testing::NatsSecurity;
using testing::NatsServer;
using testing::PipelineHarness;
using testing::TestCertificates;

// A failed connection attempt must end by itself: connect_timeout bounds each attempt, and this
// deadline turns a hang into a failure instead of a stuck test binary.
constexpr auto kStartDeadline = 30s;
constexpr std::string_view kSubject = "secure.events";

std::string event_json(const std::string& id) {
  return fmt::format(R"({{"specversion":"1.0","id":"{}","source":"/test","type":"com.example.secure"}})", id);
}

// The body of a source's YAML after `url:` and `tls:`/credentials lines.
std::string subscription_yaml() {
  return fmt::format("    connect_timeout: 2s\n    subscriptions: [{{ subject: {}, payload: structured }}]\n",
                     kSubject);
}

std::string write_secret_file(const std::string& name, const std::string& secret) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path, std::ios::trunc) << secret << "\n";
  return path;
}

class NatsSecurityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { certificates_.emplace(TestCertificates::make(::testing::TempDir() + "nats-certs")); }
  static void TearDownTestSuite() {
    if (!certificates_) return;
    std::error_code ignored;
    std::filesystem::remove_all(certificates_->dir(), ignored);
    certificates_.reset();
  }

  static const TestCertificates& certs() { return *certificates_; }

  static NatsSecurity tls_security(bool verify_clients) {
    NatsSecurity security;
    security.server_cert = certs().server_cert();
    security.server_key = certs().server_key();
    security.ca_file = certs().ca_file();
    security.verify_clients = verify_clients;
    if (verify_clients) {
      security.client_cert = certs().client_cert();
      security.client_key = certs().client_key();
    }
    return security;
  }

  // Starts the source on another thread and waits for it up to kStartDeadline. Returns the start
  // error, or "(started)".
  static std::string start_error(PipelineHarness& harness, const std::string& name, const std::string& yaml) {
    auto attempt = std::async(std::launch::async, [&]() -> std::string {
      try {
        harness.add_source(name, yaml);
      } catch (const std::exception& error) {
        return error.what();
      }
      return "(started)";
    });
    if (attempt.wait_for(kStartDeadline) != std::future_status::ready) {
      ADD_FAILURE() << "source '" << name << "' neither connected nor failed within " << kStartDeadline.count() << "s";
    }
    return attempt.get();
  }

  // Publishes one event with the server's own (accepted) client and waits until the sink has it.
  static bool delivers(PipelineHarness& harness, const NatsServer& server, const std::string& id) {
    NatsClient client(server.address(), server.security());
    client.publish(std::string(kSubject), event_json(id));
    client.flush();
    return eventually([&] {
      for (const auto& event : harness.sink().delivered()) {
        if (event.id == id) return true;
      }
      return false;
    });
  }

 private:
  static inline std::optional<TestCertificates> certificates_;
};

TEST_F(NatsSecurityTest, DeliversOverTls) {
  NatsServer server(tls_security(false));
  PipelineHarness harness;
  EXPECT_EQ(start_error(harness, "tls",
                        "    url: " + server.address() + "\n    tls: { ca_file: " + certs().ca_file() + " }\n" +
                            subscription_yaml()),
            "(started)");
  EXPECT_TRUE(delivers(harness, server, "over-tls"));
}

TEST_F(NatsSecurityTest, MutualTlsNeedsTheSourcesClientCertificate) {
  NatsServer server(tls_security(true));
  PipelineHarness harness;
  const std::string url = "    url: " + server.address() + "\n";
  EXPECT_EQ(start_error(harness, "mtls",
                        url +
                            fmt::format("    tls: {{ ca_file: {}, cert_file: {}, key_file: {} }}\n", certs().ca_file(),
                                        certs().client_cert(), certs().client_key()) +
                            subscription_yaml()),
            "(started)");
  EXPECT_TRUE(delivers(harness, server, "over-mtls"));

  // The server refuses a source without a certificate, and one whose certificate another CA signed.
  const std::string without_cert =
      start_error(harness, "no-cert", url + "    tls: { ca_file: " + certs().ca_file() + " }\n" + subscription_yaml());
  EXPECT_NE(without_cert.find("sources.no-cert.url: cannot connect to " + server.address()), std::string::npos)
      << without_cert;
  EXPECT_NE(without_cert.find("if it verifies clients, set tls.cert_file and tls.key_file"), std::string::npos)
      << without_cert;
  const std::string foreign_cert =
      start_error(harness, "foreign-cert",
                  url +
                      fmt::format("    tls: {{ ca_file: {}, cert_file: {}, key_file: {} }}\n", certs().ca_file(),
                                  certs().other_client_cert(), certs().other_client_key()) +
                      subscription_yaml());
  EXPECT_NE(foreign_cert.find("sources.foreign-cert.url: cannot connect to " + server.address()), std::string::npos)
      << foreign_cert;
  EXPECT_NE(foreign_cert.find("it may not trust the certificate in tls.cert_file"), std::string::npos) << foreign_cert;
  EXPECT_EQ(harness.metrics("mtls").events_in.Value(), 1);
}

TEST_F(NatsSecurityTest, AServerCertificateFromAnUntrustedCaIsAClearConnectionError) {
  NatsServer server(tls_security(false));
  PipelineHarness harness;
  const std::string error =
      start_error(harness, "wrong-ca",
                  "    url: " + server.address() + "\n    tls: { ca_file: " + certs().other_ca_file() + " }\n" +
                      subscription_yaml());
  EXPECT_NE(error.find("sources.wrong-ca.url: cannot connect to " + server.address()), std::string::npos) << error;
  // The reason is OpenSSL's, passed on by cnats: the server's chain does not lead to a trusted CA.
  EXPECT_NE(error.find("SSL handshake error"), std::string::npos) << error;
  EXPECT_NE(error.find("unable to get local issuer certificate"), std::string::npos) << error;
}

TEST_F(NatsSecurityTest, UserAndPasswordFromTheConfigOrAFile) {
  NatsSecurity security;
  security.user = "ingest";
  security.password = "pa55-s3cret";
  NatsServer server(security);
  const std::string password_file = write_secret_file("nats-security-password", security.password);
  PipelineHarness harness;
  const std::string url = "    url: " + server.address() + "\n    user: ingest\n";
  EXPECT_EQ(start_error(harness, "inline", url + "    password: pa55-s3cret\n" + subscription_yaml()), "(started)");
  EXPECT_EQ(start_error(harness, "from-file", url + "    password_file: " + password_file + "\n" + subscription_yaml()),
            "(started)");
  EXPECT_TRUE(delivers(harness, server, "by-password"));
  // Both sources subscribed, so both received the one publication.
  EXPECT_TRUE(eventually([&] { return harness.sink().delivered().size() == 2; }));

  const std::string wrong = start_error(harness, "wrong", url + "    password: wrong-pa55\n" + subscription_yaml());
  EXPECT_NE(wrong.find("sources.wrong.url: cannot connect to " + server.address()), std::string::npos) << wrong;
  EXPECT_NE(wrong.find("Authorization Violation"), std::string::npos) << wrong;
  EXPECT_EQ(wrong.find("pa55"), std::string::npos) << "a password reached the error: " << wrong;
  std::remove(password_file.c_str());
}

TEST_F(NatsSecurityTest, TokenFromTheConfigOrAFile) {
  NatsSecurity security;
  security.token = "t0ken-s3cret";
  NatsServer server(security);
  const std::string token_file = write_secret_file("nats-security-token", security.token);
  PipelineHarness harness;
  const std::string url = "    url: " + server.address() + "\n";
  EXPECT_EQ(start_error(harness, "inline", url + "    token: t0ken-s3cret\n" + subscription_yaml()), "(started)");
  EXPECT_EQ(start_error(harness, "from-file", url + "    token_file: " + token_file + "\n" + subscription_yaml()),
            "(started)");
  EXPECT_TRUE(delivers(harness, server, "by-token"));
  EXPECT_TRUE(eventually([&] { return harness.sink().delivered().size() == 2; }));

  const std::string wrong = start_error(harness, "wrong", url + "    token: wrong-t0ken\n" + subscription_yaml());
  EXPECT_NE(wrong.find("sources.wrong.url: cannot connect to " + server.address()), std::string::npos) << wrong;
  EXPECT_NE(wrong.find("Authorization Violation"), std::string::npos) << wrong;
  EXPECT_EQ(wrong.find("t0ken"), std::string::npos) << "a token reached the error: " << wrong;
  const std::string none = start_error(harness, "none", url + subscription_yaml());
  EXPECT_NE(none.find("Authorization Violation"), std::string::npos) << none;
  std::remove(token_file.c_str());
}

TEST_F(NatsSecurityTest, CredentialsFileAgainstAnOperatorModeServer) {
  const testing::NatsOperatorSetup setup = make_nats_operator_setup();
  NatsSecurity security;
  security.operator_jwt = setup.operator_jwt;
  security.system_account = setup.system_account;
  security.accounts = setup.accounts;
  security.credentials_file = write_secret_file("nats-security-user.creds", setup.user_credentials);
  NatsServer server(security);
  const std::string foreign_file = write_secret_file("nats-security-foreign.creds", setup.foreign_user_credentials);
  PipelineHarness harness;
  const std::string url = "    url: " + server.address() + "\n";
  EXPECT_EQ(start_error(harness, "creds",
                        url + "    credentials_file: " + security.credentials_file + "\n" + subscription_yaml()),
            "(started)");
  EXPECT_TRUE(delivers(harness, server, "by-credentials"));

  // A user signed by an account the server does not know, and no credentials at all.
  const std::string foreign =
      start_error(harness, "foreign", url + "    credentials_file: " + foreign_file + "\n" + subscription_yaml());
  EXPECT_NE(foreign.find("sources.foreign.url: cannot connect to " + server.address()), std::string::npos) << foreign;
  EXPECT_NE(foreign.find("Authorization Violation"), std::string::npos) << foreign;
  const std::string none = start_error(harness, "none", url + subscription_yaml());
  EXPECT_NE(none.find("Authorization Violation"), std::string::npos) << none;
  // A missing file is named with its key.
  const std::string missing = start_error(
      harness, "missing", url + "    credentials_file: " + foreign_file + ".absent\n" + subscription_yaml());
  EXPECT_NE(missing.find("sources.missing.credentials_file: cannot read '" + foreign_file + ".absent'"),
            std::string::npos)
      << missing;
  std::remove(security.credentials_file.c_str());
  std::remove(foreign_file.c_str());
}

TEST_F(NatsSecurityTest, TlsAndAPasswordTogether) {
  NatsSecurity security = tls_security(false);
  security.user = "ingest";
  security.password = "pa55-s3cret";
  NatsServer server(security);
  PipelineHarness harness;
  EXPECT_EQ(start_error(harness, "tls-user",
                        "    url: " + server.address() + "\n    user: ingest\n    password: pa55-s3cret\n" +
                            "    tls: { ca_file: " + certs().ca_file() + " }\n" + subscription_yaml()),
            "(started)");
  EXPECT_TRUE(delivers(harness, server, "tls-and-password"));
}

}  // namespace
}  // namespace sluice
