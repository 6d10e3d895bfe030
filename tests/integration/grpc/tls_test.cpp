// The gRPC source over TLS and mutual TLS (`tls: {cert_file, key_file, client_ca_file}`) with real
// certificates made by openssl at test time and a real grpc client.

#include "grpc_harness.hpp"

#include "support/test_certificates.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sluice::grpc_test {
namespace {

using ingest::PublishResponse;
using sluice::testing::TestCertificates;

class CertificateDir {
 public:
  CertificateDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "sluice-grpc-tls-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~CertificateDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
};

const TestCertificates& certificates() {
  static CertificateDir dir;
  static const TestCertificates made = TestCertificates::make(dir.path());
  return made;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

HarnessOptions tls_options(bool mutual) {
  const TestCertificates& certs = certificates();
  HarnessOptions options;
  options.source_yaml = fmt::format("    tls:\n      cert_file: {}\n      key_file: {}\n", certs.server_cert(),
                                    certs.server_key());
  if (mutual) options.source_yaml += fmt::format("      client_ca_file: {}\n", certs.ca_file());
  return options;
}

// A TLS channel trusting the test CA, optionally presenting a client certificate.
std::shared_ptr<grpc::Channel> tls_channel(const GrpcHarness& harness, const std::string& cert_file = "",
                                           const std::string& key_file = "") {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = read_file(certificates().ca_file());
  if (!cert_file.empty()) {
    options.pem_cert_chain = read_file(cert_file);
    options.pem_private_key = read_file(key_file);
  }
  grpc::ChannelArguments arguments;
  arguments.SetSslTargetNameOverride("localhost");  // the server certificate's name
  return grpc::CreateCustomChannel(harness.target(), grpc::SslCredentials(options), arguments);
}

grpc::Status publish(const std::shared_ptr<grpc::Channel>& channel, const std::string& prefix,
                     PublishResponse* response) {
  auto stub = ingest::Ingest::NewStub(channel);
  grpc::ClientContext context;
  set_deadline(context, std::chrono::seconds(10));
  return stub->Publish(&context, make_batch(prefix, 2), response);
}

TEST(GrpcTls, PublishOverTlsIsAnsweredAfterDelivery) {
  GrpcHarness harness(tls_options(false));
  PublishResponse response;
  const grpc::Status status = publish(tls_channel(harness), "tls", &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.accepted(), 2u);
  const auto delivered = harness.sink().delivered();
  ASSERT_EQ(delivered.size(), 2u);
  EXPECT_EQ(delivered[0].id, "tls-0");
}

TEST(GrpcTls, CleartextClientIsRefusedAndTheServerKeepsServingTls) {
  GrpcHarness harness(tls_options(false));
  PublishResponse response;
  const grpc::Status plain = publish(harness.channel(), "plain", &response);
  EXPECT_EQ(plain.error_code(), grpc::StatusCode::UNAVAILABLE) << plain.error_message();
  EXPECT_TRUE(harness.sink().delivered().empty());

  const grpc::Status secure = publish(tls_channel(harness), "after", &response);
  ASSERT_TRUE(secure.ok()) << secure.error_message();
  EXPECT_EQ(harness.sink().delivered().size(), 2u);
}

TEST(GrpcTls, MutualTlsNeedsACertificateFromTheConfiguredCa) {
  GrpcHarness harness(tls_options(true));
  const TestCertificates& certs = certificates();
  PublishResponse response;
  const grpc::Status without = publish(tls_channel(harness), "none", &response);
  EXPECT_EQ(without.error_code(), grpc::StatusCode::UNAVAILABLE) << without.error_message();
  const grpc::Status foreign =
      publish(tls_channel(harness, certs.other_client_cert(), certs.other_client_key()), "foreign", &response);
  EXPECT_EQ(foreign.error_code(), grpc::StatusCode::UNAVAILABLE) << foreign.error_message();
  EXPECT_TRUE(harness.sink().delivered().empty());

  const grpc::Status trusted = publish(tls_channel(harness, certs.client_cert(), certs.client_key()), "mtls", &response);
  ASSERT_TRUE(trusted.ok()) << trusted.error_message();
  EXPECT_EQ(response.accepted(), 2u);
  EXPECT_EQ(harness.sink().delivered().size(), 2u);
}

TEST(GrpcTls, StartNamesTheKeyOfAMissingCertificate) {
  HarnessOptions options;
  options.start = false;
  options.source_yaml = fmt::format("    tls:\n      cert_file: {}/missing.pem\n      key_file: {}\n",
                                    certificates().dir(), certificates().server_key());
  GrpcHarness harness(options);
  try {
    harness.source().start();
    FAIL() << "start() accepted a missing certificate";
  } catch (const std::exception& error) {
    EXPECT_NE(std::string(error.what()).find("tls.cert_file"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace sluice::grpc_test
