#pragma once
// Throwaway certificates made by the `openssl` command at test time: a CA, a server certificate
// for localhost / 127.0.0.1 signed by it, a client certificate signed by it, and a second,
// unrelated CA with its own client certificate (for "wrong CA" cases). EC P-256 keys, valid two
// days. Nothing here is a secret; the directory is the caller's temp dir.

#include <string>

namespace sluice::testing {

class TestCertificates {
 public:
  // Makes every file under `dir` (created if missing). Throws std::runtime_error with openssl's
  // output when a step fails or /usr/bin/openssl is missing (tools/dev installs it).
  static TestCertificates make(const std::string& dir);
  // True when /usr/bin/openssl can be run.
  static bool available();

  std::string ca_file() const { return dir_ + "/ca.pem"; }
  std::string server_cert() const { return dir_ + "/server.pem"; }
  std::string server_key() const { return dir_ + "/server.key"; }
  std::string client_cert() const { return dir_ + "/client.pem"; }
  std::string client_key() const { return dir_ + "/client.key"; }
  // Signed by another CA that the server does not trust.
  std::string other_ca_file() const { return dir_ + "/other-ca.pem"; }
  std::string other_client_cert() const { return dir_ + "/other-client.pem"; }
  std::string other_client_key() const { return dir_ + "/other-client.key"; }
  const std::string& dir() const noexcept { return dir_; }

 private:
  explicit TestCertificates(std::string dir) : dir_(std::move(dir)) {}
  std::string dir_;
};

}  // namespace sluice::testing
