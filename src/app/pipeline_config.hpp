#pragma once
// The process-wide sections of the configuration: `pipeline:` and `log:`.

#include "config/config_node.hpp"

#include <sluice/core/pipeline.hpp>

#include <chrono>
#include <cstddef>
#include <string>

namespace sluice {

struct ProcessConfig {
  // An in-flight event costs about 1 KiB besides its body (decoded event, out record, the Kafka
  // client's message): charged to budget_bytes so that it bounds memory (BENCHMARKS.md, overload).
  static constexpr std::uint64_t kDefaultEventOverheadBytes = 1024;
  PipelineOptions pipeline;
  std::size_t io_threads = 1;
  std::chrono::milliseconds shutdown_timeout{10'000};
  std::uint32_t max_events_per_batch = 10'000;
  std::string log_level = "info";
};

ProcessConfig parse_process_config(const ConfigNode& root);

}  // namespace sluice
