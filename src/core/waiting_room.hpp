#pragma once
// Where records wait for room in a full sink share (`when_full: block`, and the dead-letter share
// under `when_full: dead_letter`), so that no decode worker waits: while one sink is stuck, the
// workers keep decoding and routing batches for the others.

#include <sluice/core/sink_queue.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace prometheus {
class Counter;
}

namespace sluice {

struct DeadLetterPolicy;

// Thread-safety: enter() from any worker; start/stop from the pipeline's owner. One thread of its
// own pushes waiting records when their sink frees room and fails them at their deadline.
// Records wait per sink in arrival order, and a sink with records waiting takes new ones only
// behind them, so a large batch is not overtaken forever by small ones. At most a share's worth of
// records waits per sink (one stuck sink holds at most two shares: queued and waiting); beyond
// that a group fails at once, as it would after the deadline. Sink queues must outlive stop().
class WaitingRoom final : private SinkRoomWatcher {
 public:
  struct Group {
    SinkQueue* sink = nullptr;
    std::vector<OutRecord*> records;
    std::chrono::steady_clock::time_point deadline;
    // Set for records re-addressed to the dead-letter sink: counted as dead letters once queued.
    const DeadLetterPolicy* dead_letters = nullptr;
  };

  // `sink_full` counts groups that failed for want of room.
  explicit WaitingRoom(prometheus::Counter& sink_full);
  ~WaitingRoom();
  WaitingRoom(const WaitingRoom&) = delete;
  WaitingRoom& operator=(const WaitingRoom&) = delete;

  void start();
  // Pushes `group` to its sink now if it has room and nothing waits for it; otherwise the group
  // waits here. Its records must not be touched by the caller afterwards.
  void enter(Group group);
  // Fails every waiting group (`sluice is shutting down`), stops the thread and stops watching
  // the sinks. Not concurrently with enter(); after it, enter() fails its group at once.
  void stop() noexcept;

  std::uint64_t waiting_records() const noexcept;

 private:
  struct Waiting {
    Group group;
    std::uint64_t bytes = 0;
  };
  struct Line {  // the groups waiting for one sink, oldest first
    std::deque<Waiting> waiting;
    std::uint64_t bytes = 0;
  };

  void room_freed() noexcept override;
  void run();
  // Pushes or expires the groups at the front of `line`; unlocks `lock` around each attempt.
  void serve(std::unique_lock<std::mutex>& lock, Line& line);
  std::chrono::steady_clock::time_point next_deadline() const;
  void queued(const Group& group) noexcept;
  void fail(Group& group, const std::string& reason) noexcept;

  prometheus::Counter& sink_full_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::uint64_t wake_ups_ = 0;  // room freed or a group entered: the thread looks again
  std::map<SinkQueue*, Line> lines_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace sluice
