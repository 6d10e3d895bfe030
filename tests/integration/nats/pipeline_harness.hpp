#pragma once
// A real Pipeline (the real decode/route stage) fed by real NatsSources, draining into a test
// double of a *sink* (not of a broker) that completes records as the test says: delivered, failed
// (retryable), or held until released. NATS itself is always the real server.

#include "sources/nats/nats_source.hpp"

#include <sluice/api/component_context.hpp>
#include <sluice/core/pipeline.hpp>
#include <sluice/core/sink_queue.hpp>
#include <sluice/core/telemetry.hpp>

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sluice::testing {

// What the sink saw of one event, copied: the batch is freed once its records complete.
struct SeenEvent {
  std::string id;
  std::string type;
  std::string source;
  std::string datacontenttype;
  std::string data;
  std::map<std::string, std::string> extensions;
};

class TestSink {
 public:
  enum class Mode { deliver, fail, hold };

  explicit TestSink(SinkQueue& queue);
  ~TestSink();
  TestSink(const TestSink&) = delete;
  TestSink& operator=(const TestSink&) = delete;

  void set_mode(Mode mode) noexcept { mode_.store(mode); }
  // Completes every held record with `status`.
  void release(DeliveryStatus status);
  // Stops the thread; completes what is still held or queued as a retryable failure.
  void stop();

  std::size_t held() const;
  std::size_t received() const;                 // records taken from the queue, in any mode
  std::vector<SeenEvent> delivered() const;     // completed as delivered, in order
  int times_seen(const std::string& id) const;  // how often the sink received this event id

 private:
  void run();
  void note_delivered(const OutRecord& record);

  SinkQueue& queue_;
  std::atomic<Mode> mode_{Mode::deliver};
  std::atomic<bool> stopped_{false};
  mutable std::mutex mutex_;
  std::vector<OutRecord*> held_;
  std::vector<SeenEvent> delivered_;
  std::map<std::string, int> seen_;
  std::size_t received_ = 0;
  std::thread thread_;
};

class PipelineHarness {
 public:
  explicit PipelineHarness(std::uint64_t budget_bytes = 64ull << 20);
  ~PipelineHarness();

  // Builds a source the way the application does: `yaml` is the body of `sources.<name>` (each
  // line indented by four spaces). Starts it.
  NatsSource& add_source(const std::string& name, const std::string& yaml);

  Pipeline& pipeline() noexcept { return *pipeline_; }
  TestSink& sink() noexcept { return *sink_; }
  ComponentMetrics& metrics(const std::string& source_name) { return telemetry_.component("source", source_name); }
  double error_count(const std::string& source_name, const std::string& reason) {
    return metrics(source_name).error(reason).Value();
  }

 private:
  Telemetry telemetry_;
  SinkQueue queue_{"test-sink", 256ull << 20};
  std::unique_ptr<Pipeline> pipeline_;
  boost::asio::io_context io_;
  std::unique_ptr<TestSink> sink_;
  std::vector<std::unique_ptr<SourceContext>> contexts_;
  std::vector<std::unique_ptr<Source>> sources_;
};

// Polls `condition` until it holds or `timeout` passes; returns its last value.
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout = std::chrono::seconds(15)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return condition();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace sluice::testing
