// AdminSession over TLS (admin.tls).
#include "admin/admin_session_impl.hpp"

#include <boost/beast/ssl/ssl_stream.hpp>

namespace sluice {

using AdminTlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

template class AdminSession<AdminTlsStream>;

void admin_session_detail::launch_admin_tls_session(asio::ip::tcp::socket socket, std::shared_ptr<AdminState> state) {
  boost::asio::ssl::context& tls = *state->tls_context;
  std::make_shared<AdminSession<AdminTlsStream>>(std::move(state), boost::beast::tcp_stream(std::move(socket)), tls)
      ->start();
}

}  // namespace sluice
