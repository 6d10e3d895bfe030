#include "sources/grpc/source_state.hpp"

namespace sluice {

GrpcErrorCounters::GrpcErrorCounters(ComponentMetrics& metrics)
    : malformed(metrics.error("malformed")),
      invalid(metrics.error("invalid")),
      overloaded(metrics.error("overloaded")),
      too_large(metrics.error("too_large")),
      unavailable(metrics.error("unavailable")),
      shutting_down(metrics.error("shutting_down")),
      cancelled(metrics.error("cancelled")) {}

prometheus::Counter& GrpcErrorCounters::for_status(BatchOutcome::Status status) noexcept {
  switch (status) {
    case BatchOutcome::Status::invalid: return invalid;
    case BatchOutcome::Status::overloaded: return overloaded;
    case BatchOutcome::Status::shutting_down: return shutting_down;
    default: return unavailable;
  }
}

std::uint64_t StreamRegistry::add(std::weak_ptr<StreamCore> stream) {
  std::lock_guard lock(mutex_);
  streams_.emplace(++next_id_, std::move(stream));
  return next_id_;
}

void StreamRegistry::remove(std::uint64_t id) noexcept {
  std::lock_guard lock(mutex_);
  streams_.erase(id);
}

std::vector<std::shared_ptr<StreamCore>> StreamRegistry::snapshot() const {
  std::vector<std::shared_ptr<StreamCore>> alive;
  std::lock_guard lock(mutex_);
  alive.reserve(streams_.size());
  for (const auto& [id, weak] : streams_) {
    if (auto stream = weak.lock()) alive.push_back(std::move(stream));
  }
  return alive;
}

GrpcSourceState::GrpcSourceState(GrpcSourceConfig config_in, std::string name_in, IngressPort& ingress_in,
                                 Telemetry& telemetry, boost::asio::io_context& io_in)
    : config(std::move(config_in)),
      name(std::move(name_in)),
      ingress(ingress_in),
      io(io_in),
      metrics(telemetry.component("source", name)),
      errors(metrics) {}

}  // namespace sluice
