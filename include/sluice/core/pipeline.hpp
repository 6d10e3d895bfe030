#pragma once
// The middle of sluice: admission budget, lock-free ingress queue, and the worker pool that
// decodes, routes and hands records to sink queues.

#include <sluice/api/source.hpp>
#include <sluice/api/stage.hpp>
#include <sluice/core/admission.hpp>
#include <sluice/core/telemetry.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace sluice {

class WaitingRoom;

struct PipelineOptions {
  std::size_t workers = 0;  // 0: one per hardware thread
  std::uint64_t budget_bytes = 256ull << 20;
  std::uint64_t budget_events = 1'000'000;
  // Charged to budget_bytes per in-flight event on top of the body (see Admission). The
  // application defaults it to 1 KiB (`pipeline.event_overhead_bytes`), measured in BENCHMARKS.md.
  std::uint64_t event_overhead_bytes = 0;
  // How long records wait for room in a sink's share under `when_full: block` before they fail
  // (the client sees 503 and retries). They wait in the pipeline's waiting room, not on a worker.
  std::chrono::milliseconds block_timeout{5000};
};

// Thread-safety: submit() from any thread; start/drain/stop from the main thread.
class Pipeline final : public IngressPort, private BatchObserver {
 public:
  Pipeline(PipelineOptions options, Telemetry& telemetry, BatchProcessorFactory make_processor);
  ~Pipeline() override;

  Admission& admission() noexcept override { return admission_; }
  void submit(std::unique_ptr<IngressBatch> batch) noexcept override;

  void start();
  // Waits until no batch is in flight or `deadline` passes. True if drained.
  bool drain(std::chrono::steady_clock::time_point deadline);
  // Stops the workers; batches still queued are answered `shutting_down`.
  void stop() noexcept;

  std::uint64_t batches_in_flight() const noexcept { return in_flight_.load(std::memory_order_acquire); }
  std::size_t queue_depth() const noexcept;
  std::size_t worker_count() const noexcept { return options_.workers; }

 private:
  void run_worker(std::size_t index);
  void process(BatchProcessor& processor, IngressBatch* batch);
  void dispatch(IngressBatch& batch);
  struct SinkGroup;
  // when_full: dead_letter: re-addresses the group's records to the dead-letter sink and hands
  // them to the waiting room for that sink (they wait there like `block`).
  void send_to_dead_letter(const DeadLetterPolicy& policy, SinkGroup& group,
                           std::chrono::steady_clock::time_point deadline);
  void on_batch_done(const IngressBatch& batch, const BatchOutcome& outcome) noexcept override;

  struct Queue;  // moodycamel::BlockingConcurrentQueue<IngressBatch*>
  PipelineOptions options_;
  Telemetry& telemetry_;
  Admission admission_;
  ComponentMetrics& metrics_;
  prometheus::Counter& overloaded_;
  prometheus::Counter& invalid_;
  prometheus::Counter& failed_;
  BatchProcessorFactory make_processor_;
  std::unique_ptr<Queue> queue_;
  std::unique_ptr<WaitingRoom> waiting_room_;
  std::vector<std::thread> workers_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> in_flight_{0};
  std::mutex drained_mutex_;
  std::condition_variable drained_;
};

}  // namespace sluice
