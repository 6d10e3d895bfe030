#include "sources/grpc/completion_queue_thread.hpp"

#include <sluice/core/thread_name.hpp>

#include <spdlog/spdlog.h>

namespace sluice {

CompletionQueueThread::CompletionQueueThread(std::unique_ptr<grpc::ServerCompletionQueue> queue,
                                             std::string thread_name)
    : queue_(std::move(queue)), thread_name_(std::move(thread_name)) {}

CompletionQueueThread::~CompletionQueueThread() {
  if (thread_.joinable()) {
    if (!stop(std::chrono::seconds(10))) {
      // Destroying a queue with operations pending aborts; leaving it is the lesser harm.
      thread_.detach();
      static_cast<void>(queue_.release());
    }
  }
}

void CompletionQueueThread::start() {
  thread_ = named_thread(thread_name_, [this] { run(); });
}

void CompletionQueueThread::run() noexcept {
  void* tag = nullptr;
  bool ok = false;
  while (queue_->Next(&tag, &ok)) static_cast<CompletionTag*>(tag)->complete(ok);
}

bool CompletionQueueThread::stop(std::chrono::milliseconds patience) noexcept {
  {
    std::unique_lock lock(mutex_);
    if (stopped_) return true;
    if (!no_calls_.wait_for(lock, patience, [this] { return calls_ == 0; })) {
      spdlog::error("{}: {} grpc calls still alive after the server shut down; leaving their completion queue "
                    "running",
                    thread_name_, calls_);
      return false;
    }
    stopped_ = true;
  }
  queue_->Shutdown();
  if (thread_.joinable()) {
    thread_.join();
  } else {
    run();  // never started (start-up failed): drain it here
  }
  return true;
}

CompletionQueueThread::CallCount::CallCount(CompletionQueueThread& thread) noexcept : thread_(thread) {
  std::lock_guard lock(thread_.mutex_);
  ++thread_.calls_;
}

CompletionQueueThread::CallCount::~CallCount() {
  std::lock_guard lock(thread_.mutex_);
  if (--thread_.calls_ == 0) thread_.no_calls_.notify_all();
}

}  // namespace sluice
