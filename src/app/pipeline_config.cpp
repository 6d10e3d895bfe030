#include "app/pipeline_config.hpp"

namespace sluice {

ProcessConfig parse_process_config(const ConfigNode& root) {
  ProcessConfig config;
  config.pipeline.event_overhead_bytes = ProcessConfig::kDefaultEventOverheadBytes;
  if (auto pipeline = root.child("pipeline")) {
    config.pipeline.workers = static_cast<std::size_t>(pipeline->integer("workers", 0, 0, 256));
    config.io_threads = static_cast<std::size_t>(pipeline->integer("io_threads", 1, 1, 64));
    config.pipeline.budget_bytes = pipeline->bytes("budget_bytes", config.pipeline.budget_bytes);
    config.pipeline.budget_events = static_cast<std::uint64_t>(
        pipeline->integer("budget_events", static_cast<std::int64_t>(config.pipeline.budget_events), 1,
                          1'000'000'000));
    config.pipeline.event_overhead_bytes =
        pipeline->bytes("event_overhead_bytes", config.pipeline.event_overhead_bytes);
    config.pipeline.block_timeout = pipeline->duration("block_timeout", config.pipeline.block_timeout);
    config.shutdown_timeout = pipeline->duration("shutdown_timeout", config.shutdown_timeout);
    config.max_events_per_batch = static_cast<std::uint32_t>(
        pipeline->integer("max_events_per_batch", config.max_events_per_batch, 1, 10'000'000));
    if (config.pipeline.budget_bytes < 64 * 1024) pipeline->fail("budget_bytes", "must be at least 64KiB");
    pipeline->reject_unknown_keys();
  }
  if (auto log = root.child("log")) {
    config.log_level = log->choice("level", "info", {"trace", "debug", "info", "warn", "error", "off"});
    log->reject_unknown_keys();
  }
  return config;
}

}  // namespace sluice
