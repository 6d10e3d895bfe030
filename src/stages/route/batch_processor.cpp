#include "stages/route/batch_processor.hpp"

#include "stages/filter/filter_context.hpp"

#include <spdlog/spdlog.h>

namespace sluice {

StageProcessor::StageProcessor(std::shared_ptr<const Router> router, DecodeOptions options)
    : decoder_(options), router_(std::move(router)), context_(std::make_unique<FilterContext>()) {}

StageProcessor::~StageProcessor() = default;

std::optional<BatchOutcome> StageProcessor::decode(IngressBatch& batch) {
  routed_ = nullptr;
  // Set before decoding: with a dead letter for invalid events, the decoder keeps them for it.
  batch.dead_letter_policy = router_ ? router_->dead_letter() : nullptr;
  if (auto rejected = decoder_.decode(batch)) return rejected;
  if (auto rejected = route_now(batch)) return rejected;
  routed_ = &batch;
  return std::nullopt;
}

void StageProcessor::route(IngressBatch& batch) {
  const bool done = routed_ == &batch;
  routed_ = nullptr;
  if (done) return;
  if (auto rejected = route_now(batch)) {
    // Cannot be answered from here; the batch goes on with no records (all counted filtered).
    spdlog::warn("batch from '{}' could not be routed: {}", batch.source_name(), rejected->reason);
    batch.filtered = static_cast<std::uint32_t>(batch.events.size() + batch.invalid_events.size());
  }
}

std::optional<BatchOutcome> StageProcessor::route_now(IngressBatch& batch) {
  if (!router_) {
    batch.records.clear();
    batch.filtered = static_cast<std::uint32_t>(batch.events.size() + batch.invalid_events.size());
    return std::nullopt;
  }
  return router_->route(batch, *context_);
}

BatchProcessorFactory make_stage_processor_factory(std::shared_ptr<const Router> router, DecodeOptions options) {
  return [router = std::move(router), options]() -> std::unique_ptr<BatchProcessor> {
    return std::make_unique<StageProcessor>(router, options);
  };
}

}  // namespace sluice
