#pragma once
// A blocking HTTPS client for tests: TLS over a real socket (OpenSSL through Asio), optionally
// with a client certificate, sending raw request bytes and reading one response at a time. Every
// step has a deadline.

#include "raw_client.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::test {

struct TlsClientOptions {
  std::string ca_file;    // the CA that signed the server's certificate (verified, with host 127.0.0.1)
  std::string cert_file;  // client certificate (mutual TLS); empty: none
  std::string key_file;
};

class TlsClient {
 public:
  enum class Version { any, v1_2_only };
  TlsClient(std::uint16_t port, const TlsClientOptions& options, Version version = Version::any);

  // Connects and handshakes; the error (empty on success) says why it failed.
  boost::system::error_code handshake(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  void send(std::string_view bytes);
  std::optional<Reply> read_reply(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // True once the server closed the connection (close_notify, EOF or reset) within `timeout`.
  bool wait_closed(std::chrono::milliseconds timeout);

 private:
  // Runs the io_context until `done` or the deadline; on timeout the socket is closed.
  bool run_until(const bool& done, std::chrono::milliseconds timeout);

  std::uint16_t port_;
  boost::asio::io_context io_;
  boost::asio::ssl::context context_;
  // After the context is complete (made by make_context): OpenSSL copies certificate and version
  // settings into a connection when the connection is created.
  boost::asio::ssl::stream<boost::asio::ip::tcp::socket> stream_;
  boost::beast::flat_buffer buffer_;
};

// One request over a fresh TLS connection; nullopt when the handshake or the answer failed.
std::optional<Reply> tls_round_trip(std::uint16_t port, const TlsClientOptions& options, std::string_view request);

}  // namespace sluice::test
