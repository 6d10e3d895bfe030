#pragma once
// The decode/filter/route stage as the pipeline's workers see it.

#include <sluice/core/ack.hpp>
#include <sluice/core/batch.hpp>

#include <functional>
#include <memory>
#include <optional>

namespace sluice {

// One per worker thread (holds its parsers); never shared.
class BatchProcessor {
 public:
  virtual ~BatchProcessor() = default;
  // Fills batch.events from the buffer and validates every event. Returns the answer for the
  // client when the batch must be rejected (status `invalid`, with the index and reason of the
  // first bad event); nullopt when all events are valid.
  virtual std::optional<BatchOutcome> decode(IngressBatch& batch) = 0;
  // Evaluates the routes: fills batch.records (sink, topic, key per record) and batch.filtered.
  virtual void route(IngressBatch& batch) = 0;
};

using BatchProcessorFactory = std::function<std::unique_ptr<BatchProcessor>()>;

}  // namespace sluice
