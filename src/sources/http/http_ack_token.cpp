#include "sources/http/http_ack_token.hpp"

#include "sources/http/http_connection.hpp"

namespace sluice {

HttpAckToken::HttpAckToken(std::shared_ptr<HttpConnection> session, InflightCharge charge) noexcept
    : session_(std::move(session)), charge_(std::move(charge)) {}

void HttpAckToken::complete(BatchOutcome outcome) noexcept {
  if (auto session = std::move(session_)) session->deliver(std::move(outcome));
}

}  // namespace sluice
