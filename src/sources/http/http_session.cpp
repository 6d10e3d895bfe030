// HttpSession over plain TCP, and its launcher.
#include "sources/http/http_session_impl.hpp"
#include "sources/http/session_launch.hpp"

namespace sluice {

template class HttpSession<boost::asio::ip::tcp::socket>;

void launch_plain_session(boost::asio::ip::tcp::socket socket, std::shared_ptr<HttpSourceState> state, bool overflow) {
  std::make_shared<HttpSession<boost::asio::ip::tcp::socket>>(std::move(state), overflow, std::move(socket))->start();
}

}  // namespace sluice
