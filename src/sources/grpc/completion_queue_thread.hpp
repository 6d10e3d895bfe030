#pragma once
// One thread of sluice's that runs the gRPC source's grpc::ServerCompletionQueue: every call of
// the source (grpc's async API) learns there that an operation it started has completed.
//
// Why not grpc's callback API: it runs reactions on grpc's own threads (at least two), which also
// poll the sockets and hand work to each other; measured with tools/grpc_threading_probe, one
// thread of ours reacting to a completion queue costs ~0.2 µs less per event at 250 k events/s.
// That holds only while no callback-API service is registered in the same server (grpc's default
// health service is one; the source serves its own, health_service.hpp).
//
// Tags are CompletionTag objects: the queue hands back the pointer it was given and the thread
// calls complete(ok) on it.
//
// Shutting down safely: starting an operation on a queue that is shut down aborts the process, so
// the queue may only be shut down when no call can start one any more. Every call object counts
// itself (CallCount) from construction to destruction, and stop() shuts the queue down only when
// the count is zero.
//
// Thread-safety: CallCount from any thread; start/stop from the main thread.

#include <grpcpp/completion_queue.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace sluice {

// What the completion queue hands back. Owned by the call that started the operation.
class CompletionTag {
 public:
  virtual void complete(bool ok) noexcept = 0;

 protected:
  ~CompletionTag() = default;
};

// A tag that calls Owner::Handler(ok): one member per kind of operation a call starts.
template <class Owner, void (Owner::*Handler)(bool)>
class MemberTag final : public CompletionTag {
 public:
  explicit MemberTag(Owner& owner) noexcept : owner_(owner) {}
  void complete(bool ok) noexcept override { (owner_.*Handler)(ok); }

 private:
  Owner& owner_;
};

class CompletionQueueThread {
 public:
  CompletionQueueThread(std::unique_ptr<grpc::ServerCompletionQueue> queue, std::string thread_name);
  ~CompletionQueueThread();
  CompletionQueueThread(const CompletionQueueThread&) = delete;
  CompletionQueueThread& operator=(const CompletionQueueThread&) = delete;

  grpc::ServerCompletionQueue& queue() noexcept { return *queue_; }

  void start();
  // Call after grpc::Server::Shutdown: waits (up to `patience`) until every call object is gone,
  // then shuts the queue down, lets the thread drain it and joins it. Returns false, leaving the
  // thread and queue running, when calls are still alive after `patience` (a bug: they would
  // start operations on a dead queue); the caller must then not destroy the queue either.
  bool stop(std::chrono::milliseconds patience) noexcept;

  // Counts one call object for as long as it lives.
  class CallCount {
   public:
    explicit CallCount(CompletionQueueThread& thread) noexcept;
    ~CallCount();
    CallCount(const CallCount&) = delete;
    CallCount& operator=(const CallCount&) = delete;

   private:
    CompletionQueueThread& thread_;
  };

 private:
  void run() noexcept;

  std::unique_ptr<grpc::ServerCompletionQueue> queue_;
  const std::string thread_name_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable no_calls_;
  std::uint64_t calls_ = 0;
  bool stopped_ = false;
};

// What every call on grpc's async API that owns itself shares (StreamCall, PublishCall,
// HealthWatchCall): it counts itself in its queue thread while it lives (CallCount), and frees
// itself when the last of what it waits for has come back. It waits for each operation it
// started, grpc's done notification (AsyncNotifyWhenDone), and a hold that its Finish takes
// over. They come back in any order (grpc delivers the done tag in any order relative to the
// others), and whichever is last frees the call. A call whose request came back not ok never
// began: grpc then never delivers its done tag, so it frees itself at once.
//
// Call derives from SelfFreeingCall<Call> and befriends it, so that its destructor stays private.
template <class Call>
class SelfFreeingCall {
 protected:
  explicit SelfFreeingCall(CompletionQueueThread& queue) noexcept : counted_(queue) {}
  ~SelfFreeingCall() = default;

  // First in the call's on_requested. False when the request came back not ok: the call never
  // began and has been freed, so touch nothing after.
  [[nodiscard]] bool begin(bool ok) noexcept {
    if (!ok) {
      delete static_cast<Call*>(this);
      return false;
    }
    pending_.store(2, std::memory_order_relaxed);  // the done tag and the hold
    return true;
  }
  // Before starting an operation whose completion calls release().
  void started() noexcept { pending_.fetch_add(1, std::memory_order_relaxed); }
  // One of them came back; the last frees the call.
  void release() noexcept {
    if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete static_cast<Call*>(this);
  }

 private:
  CompletionQueueThread::CallCount counted_;  // a base: outlives every grpc object of the call
  std::atomic<int> pending_{0};
};

}  // namespace sluice
