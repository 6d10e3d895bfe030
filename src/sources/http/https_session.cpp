// HttpSession over TLS (Beast's ssl_stream, which coalesces small writes into one record), its
// launcher, and the OpenSSL details the template leaves to this file.
#include "sources/http/http_session_impl.hpp"
#include "sources/http/session_launch.hpp"

#include <boost/asio/ssl/error.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>

namespace sluice {

using TlsStream = boost::beast::ssl_stream<boost::asio::ip::tcp::socket>;

namespace http_session_detail {

bool is_plain_http_on_tls_port(const error_code& ec) noexcept {
  return ec.category() == asio::error::get_ssl_category() &&
         ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == SSL_R_HTTP_REQUEST;
}

std::string describe_tls_error(const error_code& ec) {
  if (ec.category() == asio::error::get_ssl_category()) {
    if (const char* reason = ERR_reason_error_string(static_cast<unsigned long>(ec.value()))) return reason;
  }
  return ec.message();
}

}  // namespace http_session_detail

template class HttpSession<TlsStream>;

void launch_tls_session(boost::asio::ip::tcp::socket socket, std::shared_ptr<HttpSourceState> state, bool overflow,
                        boost::asio::ssl::context& tls) {
  std::make_shared<HttpSession<TlsStream>>(std::move(state), overflow, std::move(socket), tls)->start();
}

}  // namespace sluice
