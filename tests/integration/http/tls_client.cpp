#include "tls_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <openssl/ssl.h>

#include <algorithm>
#include <cctype>

namespace sluice::test {
namespace asio = boost::asio;
namespace ssl = asio::ssl;
namespace http = boost::beast::http;
using boost::system::error_code;

namespace {

ssl::context make_context(const TlsClientOptions& options, TlsClient::Version version) {
  ssl::context context(ssl::context::tls_client);
  if (version == TlsClient::Version::v1_2_only) SSL_CTX_set_max_proto_version(context.native_handle(), TLS1_2_VERSION);
  context.load_verify_file(options.ca_file);
  context.set_verify_mode(ssl::verify_peer);
  if (!options.cert_file.empty()) {
    context.use_certificate_chain_file(options.cert_file);
    context.use_private_key_file(options.key_file, ssl::context::pem);
  }
  return context;
}

}  // namespace

TlsClient::TlsClient(std::uint16_t port, const TlsClientOptions& options, Version version)
    : port_(port), context_(make_context(options, version)), stream_(io_, context_) {
  stream_.set_verify_callback(ssl::host_name_verification("127.0.0.1"));
}

bool TlsClient::run_until(const bool& done, std::chrono::milliseconds timeout) {
  io_.restart();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done && std::chrono::steady_clock::now() < deadline) {
    io_.run_one_until(deadline);
  }
  if (done) return true;
  error_code ignored;
  stream_.lowest_layer().close(ignored);  // completes the pending operation with an error
  io_.restart();
  io_.run_for(std::chrono::seconds(1));
  return false;
}

error_code TlsClient::handshake(std::chrono::milliseconds timeout) {
  error_code result;
  stream_.lowest_layer().connect({asio::ip::make_address("127.0.0.1"), port_}, result);
  if (result) return result;
  bool done = false;
  stream_.async_handshake(ssl::stream_base::client, [&](error_code ec) {
    result = ec;
    done = true;
  });
  if (!run_until(done, timeout)) return asio::error::timed_out;
  return result;
}

void TlsClient::send(std::string_view bytes) {
  bool done = false;
  asio::async_write(stream_, asio::buffer(bytes.data(), bytes.size()), [&](error_code, std::size_t) { done = true; });
  run_until(done, std::chrono::seconds(5));
}

std::optional<Reply> TlsClient::read_reply(std::chrono::milliseconds timeout) {
  http::response_parser<http::string_body> parser;
  parser.body_limit(16 << 20);
  error_code result;
  bool done = false;
  http::async_read(stream_, buffer_, parser, [&](error_code ec, std::size_t) {
    result = ec;
    done = true;
  });
  if (!run_until(done, timeout) || result) return std::nullopt;
  const auto& response = parser.get();
  Reply reply;
  reply.status = response.result_int();
  for (const auto& field : response) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    reply.headers[name] = std::string(field.value());
  }
  reply.body = response.body();
  reply.keep_alive = response.keep_alive();
  return reply;
}

bool TlsClient::wait_closed(std::chrono::milliseconds timeout) {
  char scratch[4096];
  for (;;) {
    error_code result;
    bool done = false;
    stream_.async_read_some(asio::buffer(scratch), [&](error_code ec, std::size_t) {
      result = ec;
      done = true;
    });
    if (!run_until(done, timeout)) return false;
    if (result) return true;  // close_notify (eof), truncation or reset: closed
  }
}

std::optional<Reply> tls_round_trip(std::uint16_t port, const TlsClientOptions& options, std::string_view request) {
  TlsClient client(port, options);
  if (client.handshake()) return std::nullopt;
  client.send(request);
  return client.read_reply();
}

}  // namespace sluice::test
