#pragma once
// TLS for sluice's own HTTP listeners (the HTTP source and the admin listener): the `tls:`
// mapping and the OpenSSL server context made from it. The ssl headers stay out of this header
// so that only the TLS sessions pay for them.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace boost::asio::ssl {
class context;
}

namespace sluice {

class ConfigNode;

enum class TlsVersion : std::uint8_t { v1_2, v1_3 };

struct ListenerTlsConfig {
  std::string cert_file;       // PEM certificate chain, the server's certificate first
  std::string key_file;        // PEM private key (unencrypted)
  std::string client_ca_file;  // non-empty: mutual TLS, every client must present a certificate it signed
  TlsVersion min_version = TlsVersion::v1_2;
  bool mutual() const noexcept { return !client_ca_file.empty(); }
};

// Reads `parent.tls` when present:
//   tls: { cert_file: server.pem, key_file: server.key, client_ca_file: clients-ca.pem, min_version: "1.2" }
// Checks that the files can be opened (so `sluice validate` reports a wrong path); their contents
// are loaded by make_server_tls_context. Throws ConfigError naming file, line and key.
std::optional<ListenerTlsConfig> parse_listener_tls(const ConfigNode& parent);

// A server context: the certificate chain and key (checked to match), TLS >= min_version, and for
// mutual TLS the client CA (verify the peer, refuse a handshake without a certificate). Throws
// std::runtime_error naming `<key_prefix>.tls.<key>` and OpenSSL's reason.
std::shared_ptr<boost::asio::ssl::context> make_server_tls_context(const ListenerTlsConfig& config,
                                                                   std::string_view key_prefix);

}  // namespace sluice
