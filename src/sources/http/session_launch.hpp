#pragma once
// Starting a session for an accepted socket, plain or TLS. Declared apart from the session
// template so that the listener includes neither the template's definition nor the ssl headers.

#include "sources/http/source_state.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <memory>

namespace boost::asio::ssl {
class context;
}

namespace sluice {

// `overflow`: the connection is over max_connections and is only told so (503) and closed.
void launch_plain_session(boost::asio::ip::tcp::socket socket, std::shared_ptr<HttpSourceState> state, bool overflow);
// The TLS handshake runs under header_timeout before the first request is read.
void launch_tls_session(boost::asio::ip::tcp::socket socket, std::shared_ptr<HttpSourceState> state, bool overflow,
                        boost::asio::ssl::context& tls);

}  // namespace sluice
