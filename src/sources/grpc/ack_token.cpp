#include "sources/grpc/ack_token.hpp"

namespace sluice {

GrpcAckToken::GrpcAckToken(std::shared_ptr<GrpcSourceState> state, std::shared_ptr<OutcomeReceiver> receiver,
                           std::uint64_t sequence, InflightCharge charge,
                           std::chrono::steady_clock::time_point received_at) noexcept
    : state_(std::move(state)),
      receiver_(std::move(receiver)),
      sequence_(sequence),
      charge_(std::move(charge)),
      received_at_(received_at) {}

void GrpcAckToken::complete(BatchOutcome outcome) noexcept {
  const std::chrono::duration<double> latency = std::chrono::steady_clock::now() - received_at_;
  state_->metrics.ack_latency_seconds.Observe(latency.count());
  if (outcome.status == BatchOutcome::Status::delivered || outcome.status == BatchOutcome::Status::accepted) {
    state_->metrics.events_in.Increment(static_cast<double>(outcome.accepted) + outcome.filtered);
  } else {
    state_->errors.for_status(outcome.status).Increment();
  }
  if (auto receiver = std::move(receiver_)) receiver->on_outcome(sequence_, std::move(outcome));
}

}  // namespace sluice
