#pragma once
// The seam where JetStream messages that can never be delivered leave the source before they are
// terminated (Term): undecodable or invalid events, malformed ce-* headers, messages larger than
// the whole budget. Today they are counted as dead-lettered and logged; the dead-letter issue
// implements this interface with a publish to the dead-letter destination.

#include "sources/nats/source_metrics.hpp"

#include <nats/nats.h>

#include <memory>
#include <string_view>

namespace sluice {

class DeadLetters {
 public:
  virtual ~DeadLetters() = default;
  // Called on a source thread (fetch or ack thread) while `msg` is still valid and before it is
  // terminated. Thread-safe; must not block.
  virtual void on_rejected(natsMsg* msg, std::string_view reason) noexcept = 0;
};

// Counts `dead_lettered` and leaves a line for the source's log digest.
class CountingDeadLetters final : public DeadLetters {
 public:
  explicit CountingDeadLetters(std::shared_ptr<NatsSourceShared> shared) : shared_(std::move(shared)) {}
  void on_rejected(natsMsg* msg, std::string_view reason) noexcept override;

 private:
  std::shared_ptr<NatsSourceShared> shared_;
};

}  // namespace sluice
