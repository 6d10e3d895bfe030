#include "sinks/amqp/amqp_sink.hpp"

#include "config/config_node.hpp"
#include "sinks/amqp/amqp_publisher.hpp"

#include <prometheus/counter.h>
#include <spdlog/spdlog.h>

#include <array>

namespace sluice::amqp {
namespace {

prometheus::Counter& republished_counter(Telemetry& telemetry, const std::string& name) {
  return prometheus::BuildCounter()
      .Name("sluice_sink_republished_total")
      .Help("Records published again after a lost connection: possible duplicates downstream")
      .Register(telemetry.registry())
      .Add({{"kind", "sink"}, {"component", name}});
}

}  // namespace

AmqpSink::AmqpSink(AmqpSinkConfig config, SinkContext& context)
    : config_(std::move(config)),
      queue_(config_.name, context.share_bytes),
      metrics_(context.telemetry.component("sink", config_.name)),
      republished_(republished_counter(context.telemetry, config_.name)),
      group_(std::make_unique<PublisherGroup>()) {}

AmqpSink::~AmqpSink() {
  if (!stopped_) stop(std::chrono::steady_clock::now());
}

void AmqpSink::start() {
  std::vector<std::unique_ptr<AmqpPublisher>> publishers;
  for (int i = 0; i < config_.connections; ++i) {
    auto publisher = std::make_unique<AmqpPublisher>(config_, i, queue_, PublisherMetrics{metrics_, republished_},
                                                     *group_);
    publisher->connect();  // throws one line naming the key; the ones opened so far close
    publishers.push_back(std::move(publisher));
  }
  publishers_ = std::move(publishers);
  for (auto& publisher : publishers_) publisher->start();
  started_ = true;
  spdlog::info("{}: publishing to exchange '{}' on {} with {} connection(s), {} unconfirmed each",
               config_.key_prefix, config_.exchange, config_.display_url, config_.connections,
               config_.max_unconfirmed);
}

bool AmqpSink::ready() const noexcept {
  for (const auto& publisher : publishers_) {
    if (publisher->ready()) return true;
  }
  return false;
}

std::uint64_t AmqpSink::republished() const noexcept {
  std::uint64_t total = 0;
  for (const auto& publisher : publishers_) total += publisher->republished();
  return total;
}

int AmqpSink::blocked_connections() const noexcept {
  int blocked = 0;
  for (const auto& publisher : publishers_) blocked += publisher->blocked() ? 1 : 0;
  return blocked;
}

void AmqpSink::stop(std::chrono::steady_clock::time_point deadline) noexcept {
  if (stopped_) return;
  stopped_ = true;
  // All at once, so that every connection drains its confirms in parallel up to the deadline.
  for (auto& publisher : publishers_) {
    publisher->request_stop(deadline);
    queue_.wake_consumer();  // one wake-up per publisher that may sit in pop()
  }
  // The publishers stay (stopped) until the destructor: ready() may be asked from other threads.
  for (auto& publisher : publishers_) publisher->join();
  fail_queued("shutting down");
}

void AmqpSink::fail_queued(std::string_view reason) noexcept {
  std::array<OutRecord*, 256> records{};
  std::uint64_t failed = 0;
  for (;;) {
    const std::size_t count = queue_.pop(records, std::chrono::microseconds(0));
    if (count == 0) break;
    for (std::size_t i = 0; i < count; ++i) {
      if (records[i] == nullptr) continue;  // a wake-up
      SinkQueue::complete(records[i], DeliveryStatus::retryable_failure, reason);
      ++failed;
    }
  }
  if (failed > 0) {
    metrics_.error("shutting_down").Increment(static_cast<double>(failed));
    spdlog::warn("{}: {} queued record(s) failed at shutdown", config_.key_prefix, failed);
  }
  metrics_.inflight_bytes.Set(static_cast<double>(queue_.bytes_in_use()));
  metrics_.queue_depth.Set(0);
}

}  // namespace sluice::amqp

namespace sluice {

std::unique_ptr<Sink> make_amqp_sink(const ConfigNode& node, SinkContext& context) {
  return std::make_unique<amqp::AmqpSink>(amqp::parse_amqp_sink_config(node), context);
}

}  // namespace sluice
