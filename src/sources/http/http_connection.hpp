#pragma once
// What the rest of the HTTP source needs of a connection, whatever its stream (plain TCP or TLS):
// stop() closes it, a batch's AckToken hands it the outcome. Two virtual calls per request at
// most; the per-read I/O path is the stream-templated HttpSession and has none.

#include <sluice/core/ack.hpp>

#include <functional>

namespace sluice {

class HttpConnection {
 public:
  virtual ~HttpConnection() = default;
  // Closes the connection (source stop), then calls `closed` on the connection's strand. A batch
  // in flight still completes; its answer is dropped. Any thread.
  virtual void cancel(std::function<void()> closed) = 0;
  // The batch's outcome, from the AckToken on whatever thread resolved it: only posts.
  virtual void deliver(BatchOutcome outcome) = 0;
};

}  // namespace sluice
