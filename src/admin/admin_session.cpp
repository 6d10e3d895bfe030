// AdminSession over plain TCP, and the launcher that picks plain or TLS.
#include "admin/admin_session_impl.hpp"

namespace sluice {

template class AdminSession<boost::beast::tcp_stream>;

void launch_admin_session(boost::asio::ip::tcp::socket socket, std::shared_ptr<AdminState> state) {
  if (state->tls_context) {
    admin_session_detail::launch_admin_tls_session(std::move(socket), std::move(state));
    return;
  }
  std::make_shared<AdminSession<boost::beast::tcp_stream>>(std::move(state), std::move(socket))->start();
}

}  // namespace sluice
