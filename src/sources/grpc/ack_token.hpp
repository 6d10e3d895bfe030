#pragma once
// The AckToken of one gRPC batch. Hands the outcome to whoever answers the client (a stream's ack
// queue, a unary call) and observes the source's ack metrics on the way. No grpc headers.

#include "sources/grpc/source_state.hpp"
#include "sources/http/inflight_charge.hpp"

#include <sluice/core/ack.hpp>

#include <chrono>
#include <cstdint>
#include <memory>

namespace sluice {

// Receives batch outcomes. on_outcome() is called on whatever thread resolved the batch (a worker,
// a sink's delivery thread): it must only hand off (queue the answer, start a grpc operation),
// never block or take a lock held across a grpc callback.
class OutcomeReceiver {
 public:
  virtual ~OutcomeReceiver() = default;
  virtual void on_outcome(std::uint64_t sequence, BatchOutcome outcome) noexcept = 0;
};

class GrpcAckToken final : public AckToken {
 public:
  GrpcAckToken(std::shared_ptr<GrpcSourceState> state, std::shared_ptr<OutcomeReceiver> receiver,
               std::uint64_t sequence, InflightCharge charge, std::chrono::steady_clock::time_point received_at) noexcept;
  // Any thread; only hands off.
  void complete(BatchOutcome outcome) noexcept override;

 private:
  std::shared_ptr<GrpcSourceState> state_;
  std::shared_ptr<OutcomeReceiver> receiver_;
  std::uint64_t sequence_;
  InflightCharge charge_;  // released with the token, i.e. right before the batch releases its budget
  std::chrono::steady_clock::time_point received_at_;
};

}  // namespace sluice
