#pragma once
// What the gRPC source, its calls and its ack tokens share. Held by shared_ptr by each of them,
// so a token completing after the source object is gone (a batch still in the pipeline at stop)
// still finds the counters. No grpc headers.

#include "sources/grpc/config.hpp"
#include "sources/http/rate_limited_log.hpp"

#include <sluice/api/source.hpp>
#include <sluice/core/ack.hpp>
#include <sluice/core/telemetry.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace sluice {

class StreamCore;

// The source's error reasons (sluice_errors_total{reason=...}), registered once at start-up so the
// data path never takes the registry's lock. Thread-safe.
struct GrpcErrorCounters {
  explicit GrpcErrorCounters(ComponentMetrics& metrics);
  prometheus::Counter& malformed;      // not a protobuf message of the expected type
  prometheus::Counter& invalid;        // an event failed conversion or validation
  prometheus::Counter& overloaded;     // over the in-flight budget (unary) or the event budget
  prometheus::Counter& too_large;      // one message needs more than the whole budget
  prometheus::Counter& unavailable;    // a sink failed or timed out
  prometheus::Counter& shutting_down;  // refused or cut short by shutdown
  prometheus::Counter& cancelled;      // the client went away (or its deadline passed) before the answer

  prometheus::Counter& for_status(BatchOutcome::Status status) noexcept;
};

// Streams alive now, held weakly, so stop_accepting() can tell each to wind down. Thread-safe.
class StreamRegistry {
 public:
  std::uint64_t add(std::weak_ptr<StreamCore> stream);
  void remove(std::uint64_t id) noexcept;
  std::vector<std::shared_ptr<StreamCore>> snapshot() const;

 private:
  mutable std::mutex mutex_;
  std::uint64_t next_id_ = 0;
  std::unordered_map<std::uint64_t, std::weak_ptr<StreamCore>> streams_;
};

struct GrpcSourceState {
  GrpcSourceState(GrpcSourceConfig config, std::string name, IngressPort& ingress, Telemetry& telemetry,
                  boost::asio::io_context& io);

  const GrpcSourceConfig config;
  const std::string name;
  IngressPort& ingress;
  boost::asio::io_context& io;  // where streams waiting for budget retry (grpc has no executor to post to)
  ComponentMetrics& metrics;
  GrpcErrorCounters errors;
  // Cleared by stop_accepting(): new batches are answered UNAVAILABLE, idle streams are ended.
  std::atomic<bool> accepting{true};
  std::atomic<std::uint64_t> batches_admitted{0};
  std::atomic<std::uint32_t> streams_waiting{0};  // streams holding a batch until budget frees
  StreamRegistry streams;
  RateLimitedLog warnings{std::chrono::seconds(10)};
};

}  // namespace sluice
