#pragma once
// grpc.health.v1.Health (proto/health.proto) on grpc's async API, on the source's completion
// queue thread: Check answers at once; Watch sends the current status, then every change, until
// the client goes away or the server shuts down. grpc's default health service would do the same
// on the callback API, whose threads would then poll the sockets alongside ours and cost what the
// async API saves (completion_queue_thread.hpp).
//
// Known services: "" (the server) and those passed to HealthStatus; both are SERVING from start
// until set_serving(false). Check on any other name is NOT_FOUND; Watch on it reports
// SERVICE_UNKNOWN, as the specification says.
//
// Calls own themselves like the Ingest calls (ingest_service.hpp), and the same lifetime rules
// hold: the service, the status and the queue thread outlive every call.

#include "health.grpc.pb.h"
#include "sources/grpc/completion_queue_thread.hpp"

#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace sluice {

using HealthAsyncService =
    grpc::health::v1::Health::WithAsyncMethod_Check<grpc::health::v1::Health::WithAsyncMethod_Watch<
        grpc::health::v1::Health::Service>>;
using ServingStatus = grpc::health::v1::HealthCheckResponse::ServingStatus;

class HealthWatchCall;

// What the health service reports, and the Watch calls to tell when it changes. Thread-safe.
class HealthStatus {
 public:
  explicit HealthStatus(std::vector<std::string> services);

  void set_serving(bool serving);
  // SERVING or NOT_SERVING; SERVICE_UNKNOWN for a name not served.
  ServingStatus status_of(const std::string& service) const;

  // For Watch calls: add sends the current status at once; after remove returns, the call hears
  // nothing more.
  void add_watch(HealthWatchCall* call);
  void remove_watch(HealthWatchCall* call);

 private:
  bool known(const std::string& service) const;
  ServingStatus status_of_locked(const std::string& service) const;

  const std::vector<std::string> services_;
  mutable std::mutex mutex_;  // taken before a watch call's own mutex, never after
  bool serving_ = true;
  std::set<HealthWatchCall*> watches_;
};

struct HealthCalls {
  HealthAsyncService& service;
  HealthStatus& status;
  CompletionQueueThread& queue;
};

// Requests the first calls of each method. Call after the server started.
void request_health_calls(const HealthCalls& calls);

}  // namespace sluice
