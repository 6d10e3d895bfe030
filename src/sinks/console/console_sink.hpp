#pragma once
// The console sink: prints each record as a line on stdout or stderr (NDJSON by default) and
// completes it as delivered once written. For trying sluice out and for debugging routes.

#include "sinks/console/config.hpp"

#include <sluice/api/component_context.hpp>
#include <sluice/api/sink.hpp>

#include <atomic>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace sluice {
class ConfigNode;
}

namespace sluice::console {

// One writer thread: pops records in bulk, renders them into one buffer and writes it with one
// fwrite (stdio locks the FILE per call, so other writers' lines never interleave with ours).
// Thread-safety as Sink.
class ConsoleSink final : public Sink {
 public:
  // `stream` overrides the configured one (tests pass a temporary file). Not owned.
  ConsoleSink(ConsoleSinkConfig config, SinkContext& context, std::FILE* stream = nullptr);
  ~ConsoleSink() override;

  std::string_view name() const noexcept override { return config_.name; }
  SinkQueue& queue() noexcept override { return queue_; }
  void start() override;
  bool ready() const noexcept override { return started_.load(std::memory_order_acquire); }
  void stop(std::chrono::steady_clock::time_point deadline) noexcept override;

 private:
  void run();
  // Writes the records and completes them. Returns false if nothing was popped.
  bool write_bulk(std::chrono::microseconds timeout);
  void observe_latency(std::chrono::steady_clock::duration latency, std::size_t records);

  ConsoleSinkConfig config_;
  SinkQueue queue_;
  ComponentMetrics& metrics_;
  std::FILE* stream_;
  std::thread thread_;
  std::atomic<bool> started_{false};
  std::atomic<bool> stopping_{false};
  bool stopped_ = false;
  // Writer thread only (or the stopping thread after the writer has finished).
  std::vector<OutRecord*> records_;
  std::string buffer_;
  std::string scratch_;
  std::vector<double> bucket_bounds_;
  std::vector<double> buckets_;
};

}  // namespace sluice::console

namespace sluice {

// Parses `node` (sinks.<name>) and builds the sink; throws ConfigError naming the key.
std::unique_ptr<Sink> make_console_sink(const ConfigNode& node, SinkContext& context);

}  // namespace sluice
