#include "pipeline_harness.hpp"

#include "config/config_node.hpp"
#include "stages/route/batch_processor.hpp"
#include "stages/route/router.hpp"

#include <array>

namespace sluice::testing {

TestSink::TestSink(SinkQueue& queue) : queue_(queue), thread_([this] { run(); }) {}

TestSink::~TestSink() { stop(); }

void TestSink::run() {
  std::array<OutRecord*, 64> records{};
  while (!stopped_.load()) {
    const std::size_t count = queue_.pop(records, std::chrono::milliseconds(20));
    for (std::size_t i = 0; i < count; ++i) {
      OutRecord* record = records[i];
      if (record == nullptr) continue;
      {
        std::lock_guard lock(mutex_);
        ++received_;
        ++seen_[std::string(record->event->id)];
      }
      switch (mode_.load()) {
        case Mode::deliver:
          note_delivered(*record);
          SinkQueue::complete(record, DeliveryStatus::delivered);
          break;
        case Mode::fail:
          SinkQueue::complete(record, DeliveryStatus::retryable_failure, "test sink is down");
          break;
        case Mode::hold: {
          std::lock_guard lock(mutex_);
          held_.push_back(record);
          break;
        }
      }
    }
  }
}

void TestSink::note_delivered(const OutRecord& record) {
  const Event& event = *record.event;
  SeenEvent seen{std::string(event.id),     std::string(event.type),
                 std::string(event.source), std::string(event.datacontenttype),
                 std::string(event.data),   {}};
  for (const Extension& extension : event.extensions) seen.extensions[std::string(extension.name)] = extension.value;
  std::lock_guard lock(mutex_);
  delivered_.push_back(std::move(seen));
}

void TestSink::release(DeliveryStatus status) {
  std::vector<OutRecord*> held;
  {
    std::lock_guard lock(mutex_);
    held.swap(held_);
  }
  for (OutRecord* record : held) {
    if (status == DeliveryStatus::delivered) note_delivered(*record);
    SinkQueue::complete(record, status, "test sink is down");
  }
}

void TestSink::stop() {
  if (stopped_.exchange(true)) return;
  queue_.wake_consumer();
  thread_.join();
  release(DeliveryStatus::retryable_failure);
  std::array<OutRecord*, 64> records{};
  while (const std::size_t count = queue_.pop(records, std::chrono::microseconds(0))) {
    for (std::size_t i = 0; i < count; ++i) {
      if (records[i] != nullptr)
        SinkQueue::complete(records[i], DeliveryStatus::retryable_failure, "test sink stopped");
    }
  }
}

std::size_t TestSink::held() const {
  std::lock_guard lock(mutex_);
  return held_.size();
}

std::size_t TestSink::received() const {
  std::lock_guard lock(mutex_);
  return received_;
}

std::vector<SeenEvent> TestSink::delivered() const {
  std::lock_guard lock(mutex_);
  return delivered_;
}

int TestSink::times_seen(const std::string& id) const {
  std::lock_guard lock(mutex_);
  const auto found = seen_.find(id);
  return found == seen_.end() ? 0 : found->second;
}

PipelineHarness::PipelineHarness(std::uint64_t budget_bytes) {
  std::vector<Route> routes;
  Route all;
  all.name = "all";
  all.sinks.push_back(&queue_);
  routes.push_back(std::move(all));
  auto router = std::make_shared<const Router>(std::move(routes));

  PipelineOptions options;
  options.workers = 2;
  options.budget_bytes = budget_bytes;
  pipeline_ = std::make_unique<Pipeline>(options, telemetry_, make_stage_processor_factory(router, DecodeOptions{}));
  pipeline_->start();
  sink_ = std::make_unique<TestSink>(queue_);
}

PipelineHarness::~PipelineHarness() {
  // As the application shuts down: stop taking input, let what is in flight finish (the sink now
  // fails whatever it gets, so nothing waits on it), then close the sources.
  for (auto& source : sources_) source->stop_accepting();
  sink_->set_mode(TestSink::Mode::fail);
  sink_->release(DeliveryStatus::retryable_failure);
  pipeline_->drain(std::chrono::steady_clock::now() + std::chrono::seconds(10));
  for (auto& source : sources_) source->stop();
  sink_->stop();
  pipeline_->stop();
}

NatsSource& PipelineHarness::add_source(const std::string& name, const std::string& yaml) {
  const ConfigNode root = load_config_text("sources:\n  " + name + ":\n    type: nats\n" + yaml, name + ".yaml");
  const auto node = root.child("sources")->child(name);
  contexts_.push_back(std::make_unique<SourceContext>(SourceContext{name, *pipeline_, telemetry_, io_}));
  std::unique_ptr<Source> source = make_nats_source(*node, *contexts_.back());
  auto* nats = dynamic_cast<NatsSource*>(source.get());
  source->start();
  sources_.push_back(std::move(source));
  return *nats;
}

}  // namespace sluice::testing
