#pragma once
// The AckToken of one HTTP request: hands the batch's outcome to the session's strand, which
// writes the response. Holds the session (and the request's in-flight charge) until then.

#include "sources/http/inflight_charge.hpp"

#include <sluice/core/ack.hpp>

#include <memory>

namespace sluice {

class HttpConnection;

class HttpAckToken final : public AckToken {
 public:
  HttpAckToken(std::shared_ptr<HttpConnection> session, InflightCharge charge) noexcept;
  // Any thread; only posts to the session's strand (never blocks, never writes inline).
  void complete(BatchOutcome outcome) noexcept override;

 private:
  std::shared_ptr<HttpConnection> session_;
  InflightCharge charge_;  // released with the token, i.e. when the batch releases its budget
};

}  // namespace sluice
