#include "test_pipeline.hpp"

#include "config/config_node.hpp"

#include <sluice/api/component_context.hpp>
#include <sluice/api/stage.hpp>

#include <array>

namespace sluice::test {
namespace {

// Splits a body into "events" the way each content mode would, without real JSON parsing: an
// event containing "bad" is invalid, one containing "skip" matches no route.
std::vector<std::string_view> split_events(const IngressBatch& batch) {
  const std::string_view body = batch.body().view();
  std::vector<std::string_view> events;
  switch (batch.mode()) {
    case ContentMode::ndjson: {
      std::size_t start = 0;
      while (start < body.size()) {
        std::size_t end = body.find('\n', start);
        if (end == std::string_view::npos) end = body.size();
        if (end > start) events.push_back(body.substr(start, end - start));
        start = end + 1;
      }
      break;
    }
    case ContentMode::batch: {
      int depth = 0;
      std::size_t start = 0;
      for (std::size_t i = 0; i < body.size(); ++i) {
        if (body[i] == '{' && depth++ == 0) start = i;
        if (body[i] == '}' && --depth == 0) events.push_back(body.substr(start, i - start + 1));
      }
      break;
    }
    default:
      if (!body.empty() || batch.mode() == ContentMode::binary) events.push_back(body);
  }
  return events;
}

class StandInProcessor final : public BatchProcessor {
 public:
  StandInProcessor(SinkQueue& sink, std::shared_ptr<Observed> observed) : sink_(sink), observed_(std::move(observed)) {}

  std::optional<BatchOutcome> decode(IngressBatch& batch) override {
    {
      std::lock_guard lock(observed_->mutex);
      observed_->mode = batch.mode();
      observed_->binary_attributes.clear();
      for (const auto& [name, value] : batch.binary_attributes) {
        observed_->binary_attributes[std::string(name)] = std::string(value);
      }
      observed_->wrap_source = batch.wrap_source;
      observed_->wrap_type = batch.wrap_type;
      observed_->body = batch.body().view();
    }
    const auto pieces = split_events(batch);
    if (pieces.empty()) return invalid(0, "no event in the body");
    batch.events.resize(pieces.size());
    for (std::size_t i = 0; i < pieces.size(); ++i) {
      if (pieces[i].find("bad") != std::string_view::npos) return invalid(static_cast<std::int64_t>(i), "bad event");
      batch.events[i].data = pieces[i];
      batch.events[i].id = "stand-in";
    }
    return std::nullopt;
  }

  void route(IngressBatch& batch) override {
    for (const Event& event : batch.events) {
      if (event.data.find("skip") != std::string_view::npos) {
        ++batch.filtered;
        continue;
      }
      OutRecord record;
      record.batch = &batch;
      record.event = &event;
      record.sink = &sink_;
      record.topic = "test";
      record.bytes = static_cast<std::uint32_t>(event.data.size());
      batch.records.push_back(record);
    }
  }

 private:
  static BatchOutcome invalid(std::int64_t index, std::string reason) {
    BatchOutcome outcome;
    outcome.status = BatchOutcome::Status::invalid;
    outcome.error_index = index;
    outcome.reason = std::move(reason);
    return outcome;
  }

  SinkQueue& sink_;
  std::shared_ptr<Observed> observed_;
};

}  // namespace

TestSink::TestSink() : queue_("test", 64ull << 20), thread_([this] { run(); }) {}

TestSink::~TestSink() { stop(); }

void TestSink::set_mode(Mode mode) { mode_.store(mode); }

void TestSink::run() {
  std::array<OutRecord*, 64> records{};
  while (!stopping_.load()) {
    const std::size_t count = queue_.pop(records, std::chrono::milliseconds(20));
    for (std::size_t i = 0; i < count; ++i) {
      OutRecord* record = records[i];
      if (record == nullptr) continue;
      switch (mode_.load()) {
        case Mode::deliver:
          delivered_.fetch_add(1);
          SinkQueue::complete(record, DeliveryStatus::delivered);
          break;
        case Mode::fail:
          SinkQueue::complete(record, DeliveryStatus::retryable_failure, "test broker is down");
          break;
        case Mode::hold: {
          std::lock_guard lock(mutex_);
          held_.push_back(record);
          changed_.notify_all();
          break;
        }
      }
    }
  }
}

void TestSink::release_held() {
  std::vector<OutRecord*> records;
  {
    std::lock_guard lock(mutex_);
    records.swap(held_);
  }
  for (OutRecord* record : records) {
    delivered_.fetch_add(1);
    SinkQueue::complete(record, DeliveryStatus::delivered);
  }
}

std::size_t TestSink::held() const {
  std::lock_guard lock(mutex_);
  return held_.size();
}

bool TestSink::wait_held(std::size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return held_.size() >= count; });
}

void TestSink::stop() {
  if (stopping_.exchange(true)) return;
  queue_.wake_consumer();
  if (thread_.joinable()) thread_.join();
  std::vector<OutRecord*> records;
  {
    std::lock_guard lock(mutex_);
    records.swap(held_);
  }
  std::array<OutRecord*, 64> queued{};
  while (std::size_t count = queue_.pop(queued, std::chrono::microseconds(0))) {
    for (std::size_t i = 0; i < count; ++i) {
      if (queued[i] != nullptr) records.push_back(queued[i]);
    }
  }
  for (OutRecord* record : records) SinkQueue::complete(record, DeliveryStatus::retryable_failure, "test stopped");
}

Harness::Harness(HarnessOptions options) : work(boost::asio::make_work_guard(io)) {
  PipelineOptions pipeline_options;
  pipeline_options.workers = 2;
  pipeline_options.budget_bytes = options.budget_bytes;
  pipeline_options.block_timeout = std::chrono::milliseconds(2000);
  pipeline = std::make_unique<Pipeline>(pipeline_options, telemetry, [this] {
    return std::make_unique<StandInProcessor>(sink.queue(), observed);
  });
  pipeline->start();

  const std::string yaml = "type: http\nlisten: \"127.0.0.1:0\"\n" + options.source_yaml;
  SourceContext context{"http", *pipeline, telemetry, io};
  source = std::make_unique<HttpSource>(parse_http_source_config(load_config_text(yaml, "test.yaml")), context);
  source->start();
  for (int i = 0; i < 2; ++i) io_threads.emplace_back([this] { io.run(); });
}

Harness::~Harness() {
  // As the application does: close connections, stop the workers, let the sink resolve what it
  // still has (answers are posted to the still running io_context), then stop the io_context.
  source->stop();
  pipeline->stop();
  sink.stop();
  work.reset();
  io.stop();
  for (auto& thread : io_threads) thread.join();
  source.reset();
}

}  // namespace sluice::test
