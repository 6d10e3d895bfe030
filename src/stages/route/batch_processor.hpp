#pragma once
// The decode/filter/route stage as one BatchProcessor per worker.
//
// decode() decodes and validates the events and then also routes them, because a template field
// missing from an event rejects the whole batch (DESIGN §3: a request's events are validated
// together before any of them is routed) and only decode() can answer the client. route() then
// has nothing left to do for that batch; called on a batch that decode() did not route, it routes
// it (a routing failure there can only leave the batch without records).
//
// Thread-safety: one StageProcessor per worker; the Router it shares is immutable.

#include "stages/decode/cloud_event_decoder.hpp"
#include "stages/route/router.hpp"

#include <sluice/api/stage.hpp>

#include <memory>
#include <optional>

namespace sluice {

struct FilterContext;

class StageProcessor final : public BatchProcessor {
 public:
  // A null router routes nothing: every valid event is counted as filtered.
  StageProcessor(std::shared_ptr<const Router> router, DecodeOptions options);
  ~StageProcessor() override;

  std::optional<BatchOutcome> decode(IngressBatch& batch) override;
  void route(IngressBatch& batch) override;

 private:
  std::optional<BatchOutcome> route_now(IngressBatch& batch);

  CloudEventDecoder decoder_;
  std::shared_ptr<const Router> router_;
  std::unique_ptr<FilterContext> context_;
  const IngressBatch* routed_ = nullptr;  // the batch decode() already routed
};

// One StageProcessor per call (the pipeline calls it once per worker thread).
BatchProcessorFactory make_stage_processor_factory(std::shared_ptr<const Router> router, DecodeOptions options);

}  // namespace sluice
