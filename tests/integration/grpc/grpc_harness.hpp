#pragma once
// A real Pipeline (the real decode/route stage, one route to every event) fed by a real GrpcSource
// on 127.0.0.1 port 0, draining into a test double of a *sink* that completes records as the test
// says: delivered, failed (retryable), or held until released. Clients are real grpc clients.

#include "sluice_ingest.grpc.pb.h"
#include "sources/grpc/grpc_source.hpp"

#include <sluice/api/component_context.hpp>
#include <sluice/core/pipeline.hpp>
#include <sluice/core/sink_queue.hpp>
#include <sluice/core/telemetry.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sluice::grpc_test {

namespace pb = io::cloudevents::v1;
namespace ingest = sluice::ingest::v1;

// What the sink saw of one delivered event, copied (the batch is freed once its records complete).
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
  void release(DeliveryStatus status = DeliveryStatus::delivered);
  // Stops the thread; completes what is still held or queued as a retryable failure.
  void stop();

  std::size_t held() const;
  std::vector<SeenEvent> delivered() const;

 private:
  void run();
  void note_delivered(const OutRecord& record);

  SinkQueue& queue_;
  std::atomic<Mode> mode_{Mode::deliver};
  std::atomic<bool> stopped_{false};
  mutable std::mutex mutex_;
  std::vector<OutRecord*> held_;
  std::vector<SeenEvent> delivered_;
  std::thread thread_;
};

struct HarnessOptions {
  std::string source_yaml;  // extra keys of the source's mapping, each line indented by 4 spaces
  std::uint64_t budget_bytes = 64ull << 20;
  bool start = true;  // false: the test sets the source up further and calls start() itself
};

class GrpcHarness {
 public:
  explicit GrpcHarness(HarnessOptions options = {});
  ~GrpcHarness();

  GrpcSource& source() noexcept { return *source_; }
  Pipeline& pipeline() noexcept { return *pipeline_; }
  TestSink& sink() noexcept { return *sink_; }
  Telemetry& telemetry() noexcept { return telemetry_; }
  ComponentMetrics& metrics() { return telemetry_.component("source", "grpc"); }
  double error_count(const std::string& reason) { return metrics().error(reason).Value(); }
  boost::asio::io_context& io() noexcept { return io_; }
  SourceContext& context() noexcept { return *context_; }

  std::string target() const { return "127.0.0.1:" + std::to_string(source_->port()); }
  std::shared_ptr<grpc::Channel> channel() const;
  std::unique_ptr<ingest::Ingest::Stub> stub() const;

 private:
  Telemetry telemetry_;
  SinkQueue queue_{"test-sink", 256ull << 20};
  std::unique_ptr<Pipeline> pipeline_;
  std::unique_ptr<TestSink> sink_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::vector<std::thread> io_threads_;
  std::unique_ptr<SourceContext> context_;
  std::unique_ptr<GrpcSource> source_;
};

// A valid event with `padding` bytes of JSON data.
pb::CloudEvent make_event(const std::string& id, std::size_t padding = 16);
pb::CloudEventBatch make_batch(const std::string& prefix, int events, std::size_t padding = 16);
// One PublishStream message.
ingest::PublishRequest stream_request(std::uint64_t sequence, pb::CloudEventBatch batch);

// Polls `condition` until it holds or `timeout` passes; returns its last value.
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout = std::chrono::seconds(15)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return condition();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

// A client context whose deadline keeps a broken test from hanging.
void set_deadline(grpc::ClientContext& context, std::chrono::milliseconds timeout = std::chrono::seconds(20));

}  // namespace sluice::grpc_test
