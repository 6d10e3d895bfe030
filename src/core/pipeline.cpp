#include <sluice/core/pipeline.hpp>
#include <sluice/core/sink_queue.hpp>
#include <sluice/core/thread_name.hpp>

#include "core/waiting_room.hpp"

#include <concurrentqueue/blockingconcurrentqueue.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>

namespace sluice {
namespace {

constexpr std::size_t kDequeueBulk = 16;
constexpr auto kIdleWait = std::chrono::milliseconds(100);

BatchOutcome outcome_of(BatchOutcome::Status status, std::string reason) {
  BatchOutcome outcome;
  outcome.status = status;
  outcome.reason = std::move(reason);
  return outcome;
}

}  // namespace

// Records of one batch bound for one sink under one when_full policy, pushed together.
struct Pipeline::SinkGroup {
  SinkQueue* sink;
  WhenFull when_full;
  std::vector<OutRecord*> records;
};

struct Pipeline::Queue {
  moodycamel::BlockingConcurrentQueue<IngressBatch*> batches;
};

Pipeline::Pipeline(PipelineOptions options, Telemetry& telemetry, BatchProcessorFactory make_processor)
    : options_(options),
      telemetry_(telemetry),
      admission_(options.budget_bytes, options.budget_events, options.event_overhead_bytes),
      metrics_(telemetry.component("pipeline", "pipeline")),
      overloaded_(metrics_.error("overloaded")),
      invalid_(metrics_.error("invalid_event")),
      failed_(metrics_.error("sink_full")),
      make_processor_(std::move(make_processor)),
      queue_(std::make_unique<Queue>()),
      waiting_room_(std::make_unique<WaitingRoom>(failed_)) {
  if (options_.workers == 0) options_.workers = std::max(1u, std::thread::hardware_concurrency());
}

Pipeline::~Pipeline() { stop(); }

void Pipeline::start() {
  waiting_room_->start();
  for (std::size_t i = 0; i < options_.workers; ++i) {
    workers_.push_back(named_thread("work-" + std::to_string(i), [this, i] { run_worker(i); }));
  }
}

void Pipeline::submit(std::unique_ptr<IngressBatch> batch) noexcept {
  if (stopping_.load(std::memory_order_acquire)) {
    batch.release()->finish_without_delivery(
        outcome_of(BatchOutcome::Status::shutting_down, "sluice is shutting down"));
    return;
  }
  batch->set_observer(this);
  in_flight_.fetch_add(1, std::memory_order_acq_rel);
  metrics_.inflight_bytes.Increment(static_cast<double>(batch->body().capacity()));
  queue_->batches.enqueue(batch.release());
}

std::size_t Pipeline::queue_depth() const noexcept { return queue_->batches.size_approx(); }

void Pipeline::run_worker(std::size_t index) {
  std::unique_ptr<BatchProcessor> processor = make_processor_();
  std::array<IngressBatch*, kDequeueBulk> batches{};
  spdlog::debug("pipeline worker {} started", index);
  while (true) {
    const std::size_t count =
        queue_->batches.wait_dequeue_bulk_timed(batches.data(), batches.size(), kIdleWait);
    for (std::size_t i = 0; i < count; ++i) {
      if (stopping_.load(std::memory_order_acquire)) {
        batches[i]->finish_without_delivery(
            outcome_of(BatchOutcome::Status::shutting_down, "sluice is shutting down"));
      } else {
        process(*processor, batches[i]);
      }
    }
    metrics_.queue_depth.Set(static_cast<double>(queue_->batches.size_approx()));
    if (count == 0 && stopping_.load(std::memory_order_acquire)) break;
  }
}

void Pipeline::process(BatchProcessor& processor, IngressBatch* batch) {
  metrics_.bytes_in.Increment(static_cast<double>(batch->body().size()));
  if (auto rejected = processor.decode(*batch)) {
    invalid_.Increment();
    batch->finish_without_delivery(std::move(*rejected));
    return;
  }
  metrics_.events_in.Increment(static_cast<double>(batch->events.size()));
  if (!batch->lease().try_add_events(batch->events.size() + batch->invalid_events.size())) {
    overloaded_.Increment();
    batch->finish_without_delivery(outcome_of(
        BatchOutcome::Status::overloaded,
        fmt::format("in-flight budget exhausted by this request's {} events (pipeline.budget_events = {}, "
                    "pipeline.budget_bytes with pipeline.event_overhead_bytes = {} per event)",
                    batch->events.size(), admission_.max_events(), admission_.per_event_bytes())));
    return;
  }
  processor.route(*batch);
  metrics_.filtered.Increment(batch->filtered);

  if (batch->ack_mode == AckMode::accepted || batch->records.empty()) {
    BatchOutcome outcome;
    outcome.status = batch->ack_mode == AckMode::accepted ? BatchOutcome::Status::accepted
                                                           : BatchOutcome::Status::delivered;
    outcome.accepted = batch->accepted_count();
    outcome.filtered = batch->filtered;
    outcome.dead_lettered = batch->dead_lettered;
    if (batch->records.empty()) {
      batch->finish_without_delivery(std::move(outcome));
      return;
    }
    batch->answer_early(std::move(outcome));
  }
  dispatch(*batch);
}

void Pipeline::dispatch(IngressBatch& batch) {
  std::vector<SinkGroup> groups;
  for (OutRecord& record : batch.records) {
    auto group = std::find_if(groups.begin(), groups.end(), [&](const SinkGroup& g) {
      return g.sink == record.sink && g.when_full == record.when_full;
    });
    if (group == groups.end()) group = groups.insert(groups.end(), SinkGroup{record.sink, record.when_full, {}});
    group->records.push_back(&record);
  }

  const DeadLetterPolicy* dead_letter = batch.dead_letter_policy;
  // From here on any sink may resolve records and the last resolution deletes the batch, so only
  // the local groups are touched below, never `batch`.
  batch.start_delivery();
  const auto deadline = std::chrono::steady_clock::now() + options_.block_timeout;
  for (SinkGroup& group : groups) {
    if (group.when_full == WhenFull::drop) {
      if (!group.sink->try_push(group.records)) {
        // Counted in total and on the sink whose full share caused it (a lookup under the
        // registry's lock, but only on this path, which runs while a sink is stuck).
        metrics_.dropped.Increment(static_cast<double>(group.records.size()));
        telemetry_.component("sink", group.sink->sink_name()).dropped.Increment(static_cast<double>(group.records.size()));
        for (OutRecord* record : group.records) record->batch->resolve(DeliveryStatus::delivered, {});
      }
    } else if (group.when_full == WhenFull::dead_letter && dead_letter != nullptr) {
      if (!group.sink->try_push(group.records)) send_to_dead_letter(*dead_letter, group, deadline);
    } else {
      waiting_room_->enter(WaitingRoom::Group{group.sink, std::move(group.records), deadline, nullptr});
    }
  }
}

void Pipeline::send_to_dead_letter(const DeadLetterPolicy& policy, SinkGroup& group,
                                   std::chrono::steady_clock::time_point deadline) {
  // One note per route: the records of a group share their sink and differ only by route.
  std::vector<std::pair<std::uint16_t, const DeadLetterNote*>> notes;
  for (OutRecord* record : group.records) {
    auto found = std::find_if(notes.begin(), notes.end(), [&](const auto& entry) { return entry.first == record->route_index; });
    if (found == notes.end()) {
      DeadLetterNote note;
      note.reason = DeadLetterReason::sink_full;
      note.detail = fmt::format("sink '{}' is full (its budget share did not free)", group.sink->sink_name());
      note.route = policy.route_name(record->route_index);
      note.sink = group.sink->sink_name();
      found = notes.insert(notes.end(), {record->route_index, &record->batch->add_dead_letter_note(std::move(note))});
    }
    record->dead_letter = found->second;
    record->sink = policy.sink;
    record->topic = policy.topic;
  }
  waiting_room_->enter(WaitingRoom::Group{policy.sink, std::move(group.records), deadline, &policy});
}

void Pipeline::on_batch_done(const IngressBatch& batch, const BatchOutcome&) noexcept {
  const auto latency = std::chrono::steady_clock::now() - batch.received_at;
  metrics_.ack_latency_seconds.Observe(std::chrono::duration<double>(latency).count());
  metrics_.inflight_bytes.Decrement(static_cast<double>(batch.body().capacity()));
  if (in_flight_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    std::lock_guard lock(drained_mutex_);
    drained_.notify_all();
  }
}

bool Pipeline::drain(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(drained_mutex_);
  return drained_.wait_until(lock, deadline, [this] { return batches_in_flight() == 0; });
}

void Pipeline::stop() noexcept {
  stopping_.store(true, std::memory_order_release);
  for (auto& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
  workers_.clear();
  // After the workers: they hand records to the waiting room until they leave.
  waiting_room_->stop();
  // Anything submitted after the workers left (a source that was not stopped first).
  IngressBatch* batch = nullptr;
  while (queue_->batches.try_dequeue(batch)) {
    batch->finish_without_delivery(outcome_of(BatchOutcome::Status::shutting_down, "sluice is shutting down"));
  }
}

}  // namespace sluice
