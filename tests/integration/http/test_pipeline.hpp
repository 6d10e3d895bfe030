#pragma once
// A real Pipeline and io_context around one HttpSource, with a stand-in decoder and a sink whose
// behaviour each test chooses (deliver, fail, or hold records like a stuck broker).

#include "raw_client.hpp"
#include "sources/http/http_source.hpp"

#include <sluice/core/pipeline.hpp>
#include <sluice/core/sink_queue.hpp>
#include <sluice/core/telemetry.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sluice::test {

class TestSink {
 public:
  enum class Mode { deliver, fail, hold };
  TestSink();
  ~TestSink();

  SinkQueue& queue() noexcept { return queue_; }
  void set_mode(Mode mode);
  // Completes every held record as delivered.
  void release_held();
  std::size_t delivered() const noexcept { return delivered_.load(); }
  std::size_t held() const;
  bool wait_held(std::size_t count, std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;
  // Stops the consumer thread; everything still here is failed so no batch waits forever.
  void stop();

 private:
  void run();
  SinkQueue queue_;
  std::atomic<Mode> mode_{Mode::deliver};
  std::atomic<std::size_t> delivered_{0};
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<OutRecord*> held_;
  std::thread thread_;
};

// What the stand-in processor saw of the last batch.
struct Observed {
  std::mutex mutex;
  ContentMode mode = ContentMode::structured;
  std::map<std::string, std::string> binary_attributes;
  std::string wrap_source;
  std::string wrap_type;
  std::string body;
};

struct HarnessOptions {
  std::string source_yaml;  // extra keys of the source's mapping, one per line
  std::uint64_t budget_bytes = 64ull << 20;
};

class Harness {
 public:
  explicit Harness(HarnessOptions options);
  ~Harness();

  std::uint16_t port() const noexcept { return source->local_port(); }
  std::uint64_t budget_in_use() { return pipeline->admission().bytes_in_use(); }
  double error_count(std::string_view reason) { return telemetry.component("source", "http").error(reason).Value(); }

  Telemetry telemetry;
  TestSink sink;
  std::shared_ptr<Observed> observed = std::make_shared<Observed>();
  std::unique_ptr<Pipeline> pipeline;
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work;
  std::vector<std::thread> io_threads;
  std::unique_ptr<HttpSource> source;
};

}  // namespace sluice::test
