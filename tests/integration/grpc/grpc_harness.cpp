#include "grpc_harness.hpp"

#include "config/config_node.hpp"
#include "stages/route/batch_processor.hpp"
#include "stages/route/router.hpp"

#include <fmt/format.h>

#include <array>

namespace sluice::grpc_test {

TestSink::TestSink(SinkQueue& queue) : queue_(queue), thread_([this] { run(); }) {}

TestSink::~TestSink() { stop(); }

void TestSink::run() {
  std::array<OutRecord*, 64> records{};
  while (!stopped_.load()) {
    const std::size_t count = queue_.pop(records, std::chrono::milliseconds(20));
    for (std::size_t i = 0; i < count; ++i) {
      OutRecord* record = records[i];
      if (record == nullptr) continue;
      switch (mode_.load()) {
        case Mode::deliver:
          note_delivered(*record);
          SinkQueue::complete(record, DeliveryStatus::delivered);
          break;
        case Mode::fail: SinkQueue::complete(record, DeliveryStatus::retryable_failure, "test sink is down"); break;
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
  SeenEvent seen{std::string(event.id), std::string(event.type), std::string(event.source),
                 std::string(event.datacontenttype), std::string(event.data), {}};
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
      if (records[i] != nullptr) SinkQueue::complete(records[i], DeliveryStatus::retryable_failure, "test sink stopped");
    }
  }
}

std::size_t TestSink::held() const {
  std::lock_guard lock(mutex_);
  return held_.size();
}

std::vector<SeenEvent> TestSink::delivered() const {
  std::lock_guard lock(mutex_);
  return delivered_;
}

GrpcHarness::GrpcHarness(HarnessOptions options) : work_(boost::asio::make_work_guard(io_)) {
  std::vector<Route> routes;
  Route all;
  all.name = "all";
  all.sinks.push_back(&queue_);
  routes.push_back(std::move(all));
  auto router = std::make_shared<const Router>(std::move(routes));

  PipelineOptions pipeline_options;
  pipeline_options.workers = 2;
  pipeline_options.budget_bytes = options.budget_bytes;
  pipeline_ = std::make_unique<Pipeline>(pipeline_options, telemetry_,
                                         make_stage_processor_factory(router, DecodeOptions{}));
  pipeline_->start();
  sink_ = std::make_unique<TestSink>(queue_);
  for (int i = 0; i < 2; ++i) io_threads_.emplace_back([this] { io_.run(); });

  const ConfigNode root = load_config_text(
      "sources:\n  grpc:\n    type: grpc\n    listen: \"127.0.0.1:0\"\n" + options.source_yaml, "grpc.yaml");
  context_ = std::make_unique<SourceContext>(SourceContext{"grpc", *pipeline_, telemetry_, io_});
  source_ = std::make_unique<GrpcSource>(parse_grpc_source_config(*root.child("sources")->child("grpc")), *context_);
  if (options.start) source_->start();
}

GrpcHarness::~GrpcHarness() {
  // As the application shuts down: stop taking input, let what is in flight finish (the sink now
  // fails whatever it gets, so nothing waits on it), close the source, then stop the rest.
  source_->stop_accepting();
  sink_->set_mode(TestSink::Mode::fail);
  sink_->release(DeliveryStatus::retryable_failure);
  pipeline_->drain(std::chrono::steady_clock::now() + std::chrono::seconds(10));
  source_->stop();
  sink_->stop();
  pipeline_->stop();
  work_.reset();
  io_.stop();
  for (auto& thread : io_threads_) thread.join();
  source_.reset();
}

std::shared_ptr<grpc::Channel> GrpcHarness::channel() const {
  return grpc::CreateChannel(target(), grpc::InsecureChannelCredentials());
}

std::unique_ptr<ingest::Ingest::Stub> GrpcHarness::stub() const { return ingest::Ingest::NewStub(channel()); }

pb::CloudEvent make_event(const std::string& id, std::size_t padding) {
  pb::CloudEvent event;
  event.set_id(id);
  event.set_source("/test/grpc");
  event.set_spec_version("1.0");
  event.set_type("com.example.grpc");
  (*event.mutable_attributes())["datacontenttype"].set_ce_string("application/json");
  event.set_text_data(fmt::format(R"({{"pad":"{}"}})", std::string(padding, 'x')));
  return event;
}

ingest::PublishRequest stream_request(std::uint64_t sequence, pb::CloudEventBatch batch) {
  ingest::PublishRequest out;
  out.set_sequence(sequence);
  *out.mutable_batch() = std::move(batch);
  return out;
}

pb::CloudEventBatch make_batch(const std::string& prefix, int events, std::size_t padding) {
  pb::CloudEventBatch batch;
  for (int i = 0; i < events; ++i) *batch.add_events() = make_event(fmt::format("{}-{}", prefix, i), padding);
  return batch;
}

void set_deadline(grpc::ClientContext& context, std::chrono::milliseconds timeout) {
  context.set_deadline(std::chrono::system_clock::now() + timeout);
}

}  // namespace sluice::grpc_test
