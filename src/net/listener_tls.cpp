#include "net/listener_tls.hpp"

#include "config/config_node.hpp"

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace sluice {
namespace ssl = boost::asio::ssl;

namespace {

// Session resumption with client certificates needs a session id context (else OpenSSL refuses
// resumed sessions with "session id context uninitialized").
constexpr std::string_view kSessionIdContext = "sluice";

void require_readable(const ConfigNode& tls, std::string_view key, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) tls.fail(key, fmt::format("cannot read '{}': {}", path, std::strerror(errno)));
}

std::string openssl_reason(const boost::system::error_code& ec) {
  // Asio's ssl errors carry OpenSSL's packed error code; the library's own text is clearer.
  if (ec.category() == boost::asio::error::get_ssl_category()) {
    if (const char* reason = ERR_reason_error_string(static_cast<unsigned long>(ec.value()))) return reason;
  }
  return ec.message();
}

}  // namespace

std::optional<ListenerTlsConfig> parse_listener_tls(const ConfigNode& parent) {
  const auto tls = parent.child("tls");
  if (!tls) return std::nullopt;
  ListenerTlsConfig config;
  config.cert_file = tls->string("cert_file", "");
  config.key_file = tls->string("key_file", "");
  config.client_ca_file = tls->string("client_ca_file", "");
  if (config.cert_file.empty()) tls->fail("cert_file", "is required with tls (a PEM certificate chain)");
  if (config.key_file.empty()) tls->fail("key_file", "is required with tls (a PEM private key)");
  config.min_version = tls->choice("min_version", "1.2", {"1.2", "1.3"}) == "1.3" ? TlsVersion::v1_3 : TlsVersion::v1_2;
  tls->reject_unknown_keys();
  require_readable(*tls, "cert_file", config.cert_file);
  require_readable(*tls, "key_file", config.key_file);
  if (config.mutual()) require_readable(*tls, "client_ca_file", config.client_ca_file);
  return config;
}

std::shared_ptr<ssl::context> make_server_tls_context(const ListenerTlsConfig& config, std::string_view key_prefix) {
  const auto fail = [&](std::string_view key, const std::string& path, const std::string& why) {
    throw std::runtime_error(fmt::format("{}.tls.{}: cannot use '{}': {}", key_prefix, key, path, why));
  };
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::single_dh_use);
  SSL_CTX* native = context->native_handle();
  SSL_CTX_set_min_proto_version(native, config.min_version == TlsVersion::v1_3 ? TLS1_3_VERSION : TLS1_2_VERSION);
  SSL_CTX_set_session_id_context(native, reinterpret_cast<const unsigned char*>(kSessionIdContext.data()),
                                 static_cast<unsigned>(kSessionIdContext.size()));

  boost::system::error_code ec;
  context->use_certificate_chain_file(config.cert_file, ec);
  if (ec) fail("cert_file", config.cert_file, openssl_reason(ec));
  context->use_private_key_file(config.key_file, ssl::context::pem, ec);
  if (ec) fail("key_file", config.key_file, openssl_reason(ec));
  if (SSL_CTX_check_private_key(native) != 1) {
    ERR_clear_error();
    fail("key_file", config.key_file, "the key does not belong to the certificate in cert_file");
  }
  if (config.mutual()) {
    context->load_verify_file(config.client_ca_file, ec);
    if (ec) fail("client_ca_file", config.client_ca_file, openssl_reason(ec));
    // Tells clients which CAs we accept, so one with several certificates picks the right one.
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(config.client_ca_file.c_str());
    if (names == nullptr) {
      ERR_clear_error();
      fail("client_ca_file", config.client_ca_file, "no CA certificate in the file");
    }
    SSL_CTX_set_client_CA_list(native, names);
    context->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  } else {
    context->set_verify_mode(ssl::verify_none);
  }
  return context;
}

}  // namespace sluice
